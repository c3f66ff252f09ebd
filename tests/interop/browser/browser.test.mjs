// notifyd.js in a real browser (docs/client.md): Debian's chromium, headless, driven by
// puppeteer-core (pinned in package.json; it downloads no browser). A page of an app origin
// imports the module from notifyd itself, as a web team would, and the tests watch what the
// page's client reports. Skipped loudly when chromium is not installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { startServer, mintToken, publish } from '../lib.mjs';

const chromium = process.env.CHROMIUM_BINARY || '/usr/bin/chromium';
const skip = spawnSync(chromium, ['--version'], { stdio: 'ignore' }).status === 0
  ? false : `chromium NOT INSTALLED (${chromium}): the browser tests are SKIPPED`;
if (skip) console.log(`# ${skip}`);

const ORG = 'web';
let browser;
let profile;
let appServer;
let appOrigin;
let foreignServer;
let foreignOrigin;
const cleanups = [];

async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

// The app's page: imports notifyd.js from the notifyd base URL in its query and records what
// the client reports on window.app.
const PAGE = `<!doctype html><meta charset="utf-8"><title>app</title><script type="module">
const q = new URLSearchParams(location.search);
const base = q.get('base');
const app = { state: null, transport: null, unread: null, notifications: [], events: [], reads: [], deletes: [], error: null, tokens: 0 };
window.app = app;
try {
  const { connect } = await import(base + '/notifyd.js');
  const ttl = Number(q.get('ttl') || 0);
  const token = q.get('token') || (async () => {
    app.tokens += 1;
    const r = await fetch('/token?ttl=' + ttl);
    return r.text();
  });
  // ?transports=polling: this page alone on the given transports, polling every 200 ms.
  const only = q.get('transports') ? { transports: q.get('transports').split(','), pollIntervalMs: 200, shareTabs: false } : {};
  const client = connect(base, { token, minBackoffMs: 100, maxBackoffMs: 1000, openTimeoutMs: 3000,
    renewBeforeMs: Number(q.get('renewBefore') || 60000), ...only });
  window.client = client;
  client.on('state', (s) => { app.state = s.state; app.transport = s.transport; app.tab = s.tab; app.events.push(['state', s.state, s.transport, s.tab]); });
  client.on('unread', (u) => { app.unread = u.unreadCount; });
  client.on('notification', (n) => { app.notifications.push(n); });
  client.on('read', (r) => { app.reads.push(...r.notificationIds); });
  client.on('deleted', (r) => { app.deletes.push(...r.notificationIds); });
  client.on('error', (e) => { app.error = String(e); });
} catch (e) {
  app.error = String(e);
}
</script>`;

function appHandler(tokenFor) {
  return (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/token') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(tokenFor(Number(url.searchParams.get('ttl') || 0)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  };
}

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${server.address().port}`;
}

let tokenUser = 'alice';
before(async () => {
  if (skip) return;
  appServer = http.createServer(appHandler((ttl) => mintToken(ORG, tokenUser, ttl ? { ttlSeconds: ttl } : {})));
  appOrigin = await listen(appServer);
  // Another origin (a port is part of it), not on --allowed-origins.
  foreignServer = http.createServer(appHandler(() => mintToken(ORG, 'alice')));
  foreignOrigin = (await listen(foreignServer)).replace('127.0.0.1', 'localhost');
  profile = mkdtempSync(path.join(tmpdir(), 'notifyd-chromium-'));
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
  if (browser) await browser.close();
  appServer?.close();
  foreignServer?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function notifyd(extra = []) {
  const node = await startServer(['--allowed-origins', appOrigin, ...extra]);
  cleanups.push(() => node.stop());
  return node;
}

async function openPage(base, { token, origin = appOrigin, query = '' } = {}) {
  const page = await browser.newPage();
  cleanups.push(() => page.close().catch(() => {}));
  const t = token === undefined ? mintToken(ORG, 'alice') : token;
  await page.goto(`${origin}/?base=${encodeURIComponent(base)}${t ? `&token=${t}` : ''}${query}`);
  return page;
}

const appState = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.app)));

async function waitApp(page, check, what, ms = 10000) {
  let last;
  try {
    const deadline = Date.now() + ms;
    for (;;) {
      last = await appState(page);
      if (check(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    throw new Error(`${e.message}; page state ${JSON.stringify(last)}`);
  }
}

test('two pages of one user: a publish shows in both with badge 1, a read in one brings the other to 0', { skip }, async () => {
  const node = await notifyd();
  const a = await openPage(node.clientUrl);
  const b = await openPage(node.clientUrl);
  for (const p of [a, b]) await waitApp(p, (s) => s.state === 'open' && s.unread === 0, 'open, badge 0');
  const sa = await appState(a);
  const sb = await appState(b);
  assert.equal(sa.transport, 'websocket');
  // One connection for both tabs: the first leads, the second follows it.
  assert.deepEqual([sa.tab, sb.tab], ['leader', 'follower']);
  const created = await publish(node, ORG, ['alice'], 'hello browser');
  const id = created.notifications[0].id;
  for (const p of [a, b]) {
    const s = await waitApp(p, (x) => x.unread === 1 && x.notifications.length === 1, 'the notification and badge 1');
    assert.equal(s.notifications[0].id, id);
    assert.equal(s.notifications[0].title, 'hello browser');
  }
  const r = await a.evaluate((nid) => window.client.markRead([nid]), id);
  assert.equal(r.unreadCount, 0);
  await waitApp(b, (x) => x.unread === 0, 'badge 0 in the other page');
  // The inbox page over the user's routes, cross-origin with CORS.
  const page = await b.evaluate(() => window.client.list({ limit: 10 }));
  assert.equal(page.notifications.length, 1);
  assert.notEqual(page.notifications[0].readAt, null);
});

test('a page on polling only: reads and deletes made elsewhere arrive as read and deleted events', { skip }, async () => {
  const node = await notifyd();
  const page = await openPage(node.clientUrl, { query: '&transports=polling' });
  await waitApp(page, (s) => s.state === 'open' && s.unread === 0, 'open on polling, badge 0');
  assert.equal((await appState(page)).transport, 'polling');
  const ids = [];
  for (const title of ['one', 'two', 'three']) ids.push((await publish(node, ORG, ['alice'], title)).notifications[0].id);
  await waitApp(page, (s) => s.unread === 3 && s.notifications.length === 3, 'three notifications, badge 3');
  // Another device of alice's, on the user's routes: one read, one deleted.
  const other = { authorization: `Bearer ${mintToken(ORG, 'alice')}`, 'content-type': 'application/json' };
  const read = await fetch(`${node.clientUrl}/api/v1/me/notifications/read`,
    { method: 'POST', headers: other, body: JSON.stringify({ notificationIds: [ids[0]] }) });
  assert.equal(read.status, 200);
  const del = await fetch(`${node.clientUrl}/api/v1/me/notifications/${ids[1]}`, { method: 'DELETE', headers: other });
  assert.equal(del.status, 200);
  const s = await waitApp(page, (x) => x.reads.length > 0 && x.deletes.length > 0 && x.unread === 1, 'the read and the delete');
  assert.deepEqual(s.reads, [ids[0]]);
  assert.deepEqual(s.deletes, [ids[1]]);
  // Nothing is reported twice on the next polls, and the page's own read is reported too.
  await page.evaluate((nid) => window.client.markRead([nid]), ids[2]);
  const t = await waitApp(page, (x) => x.reads.length === 2, 'its own read');
  assert.deepEqual(t.reads, [ids[0], ids[2]]);
  assert.deepEqual(t.deletes, [ids[1]]);
  assert.equal(t.transport, 'polling');
});

test('notifyd restarted while the page stays open: the notifications published meanwhile arrive exactly once', { skip }, async () => {
  const port = await freePort();
  const data = mkdtempSync(path.join(tmpdir(), 'notifyd-browser-data-'));
  cleanups.push(() => rmSync(data, { recursive: true, force: true }));
  const args = ['--listen', `127.0.0.1:${port}`, '--data-dir', data];
  let node = await startServer(['--allowed-origins', appOrigin, ...args]);
  const p = await openPage(node.clientUrl);
  await waitApp(p, (s) => s.state === 'open', 'open');
  await publish(node, ORG, ['alice'], 'before');
  await waitApp(p, (s) => s.notifications.length === 1, 'the first notification');
  await node.stop();
  await waitApp(p, (s) => s.state === 'reconnecting', 'reconnecting');
  node = await startServer(['--allowed-origins', appOrigin, ...args]);
  cleanups.push(() => node.stop());
  await publish(node, ORG, ['alice'], 'while away 1');
  await publish(node, ORG, ['alice'], 'while away 2');
  const s = await waitApp(p, (x) => x.state === 'open' && x.notifications.length >= 3 && x.unread === 3,
    'the two missed notifications and badge 3');
  // Live again after the recovery.
  await publish(node, ORG, ['alice'], 'after');
  const end = await waitApp(p, (x) => x.notifications.length >= 4, 'a live notification after the restart');
  const seqs = end.notifications.map((n) => n.seq);
  assert.deepEqual(seqs, [1, 2, 3, 4], `each exactly once: ${JSON.stringify(seqs)}`);
  assert.ok(s.events.some((e) => e[1] === 'reconnecting'));
});

test('WebSocket refused in front of notifyd: the client lives on SSE and gets notifications live', { skip }, async () => {
  const node = await notifyd();
  // A proxy that passes plain HTTP (streaming) but refuses every WebSocket upgrade, as some
  // corporate proxies do.
  const proxy = http.createServer((req, res) => {
    const up = http.request({ host: '127.0.0.1', port: node.clientPort, method: req.method, path: req.url, headers: req.headers },
      (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
    up.on('error', () => res.destroy());
    req.pipe(up);
    res.on('close', () => up.destroy());
  });
  proxy.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'));
  const base = await listen(proxy);
  cleanups.push(() => new Promise((r) => { proxy.closeAllConnections(); proxy.close(r); }));
  const p = await openPage(base);
  const s = await waitApp(p, (x) => x.state === 'open' && x.transport === 'sse', 'open on SSE', 20000);
  assert.ok(s.events.some((e) => e[2] === 'websocket'), 'WebSocket was tried first');
  await publish(node, ORG, ['alice'], 'over sse');
  const got = await waitApp(p, (x) => x.notifications.length === 1 && x.unread === 1, 'a live notification over SSE');
  assert.equal(got.notifications[0].title, 'over sse');
  assert.equal(got.transport, 'sse');
});

test('a page of an origin not on the list cannot read the inbox', { skip }, async () => {
  const node = await notifyd();
  await publish(node, ORG, ['alice'], 'private');
  const p = await openPage(node.clientUrl, { origin: foreignOrigin });
  const outcome = await p.evaluate(async (base) => {
    const token = await (await fetch('/token')).text();
    try {
      const r = await fetch(base + '/api/v1/me/notifications', { headers: { authorization: 'Bearer ' + token } });
      return { read: await r.text() };
    } catch (e) {
      return { blocked: String(e) };
    }
  }, node.clientUrl);
  assert.ok(outcome.blocked, `the foreign page read ${JSON.stringify(outcome)}`);
  const s = await waitApp(p, (x) => x.state === 'reconnecting' || x.error !== null || x.state === 'open', 'the client gave up or ran');
  assert.ok(!s.notifications.some((n) => n.title === 'private'));
});

test('a token that expires: the page renews it before exp and loses nothing', { skip }, async () => {
  const node = await notifyd();
  tokenUser = 'erin';
  // 40 s tokens renewed 35 s before exp: a renewal about every 5 s.
  const p = await openPage(node.clientUrl, { token: '', query: '&ttl=40&renewBefore=35000' });
  await waitApp(p, (s) => s.state === 'open', 'open');
  await publish(node, ORG, ['erin'], 'one');
  await waitApp(p, (s) => s.notifications.length === 1, 'the first notification');
  await waitApp(p, (s) => s.tokens >= 2, 'a renewed token', 15000);
  await publish(node, ORG, ['erin'], 'two');
  const s = await waitApp(p, (x) => x.notifications.length === 2 && x.state === 'open', 'the second notification on the renewed token');
  assert.deepEqual(s.notifications.map((n) => n.title), ['one', 'two']);
  // On a WebSocket the token went over the open connection (refresh_token): it never
  // reconnected.
  const firstOpen = s.events.findIndex((e) => e[0] === 'state' && e[1] === 'open');
  assert.ok(!s.events.slice(firstOpen).some((e) => e[0] === 'state' && e[1] !== 'open'), JSON.stringify(s.events));
});

test('the leading tab closed: the other tab takes over within 2 s and keeps receiving, nothing missed', { skip }, async () => {
  const node = await notifyd();
  const a = await openPage(node.clientUrl);
  await waitApp(a, (s) => s.state === 'open' && s.tab === 'leader', 'the first tab leads');
  const b = await openPage(node.clientUrl);
  await waitApp(b, (s) => s.state === 'open' && s.tab === 'follower', 'the second tab follows');
  await publish(node, ORG, ['alice'], 'to both');
  await waitApp(b, (s) => s.notifications.length === 1 && s.unread === 1, 'the follower got it from the leader');
  const closedAt = Date.now();
  await a.close();
  // Published during the hand-over: the new leader resumes from its lastSeq and gets it.
  await publish(node, ORG, ['alice'], 'during the hand-over');
  const s = await waitApp(b, (x) => x.tab === 'leader' && x.state === 'open', 'the follower leads', 5000);
  const tookMs = Date.now() - closedAt;
  assert.ok(tookMs < 2000, `took over after ${tookMs} ms`);
  assert.equal(s.transport, 'websocket');
  await publish(node, ORG, ['alice'], 'after');
  const end = await waitApp(b, (x) => x.notifications.length >= 3 && x.unread === 3, 'every notification');
  assert.deepEqual(end.notifications.map((n) => n.title), ['to both', 'during the hand-over', 'after']);
});
