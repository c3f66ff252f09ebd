// The long soak (docs/benchmarks.md, "Long soak"): one notifyd on SQLite under a modest, mixed, churning
// load for SOAK_MINUTES, sampled every SOAK_SAMPLE_SECONDS; at the end a least-squares slope
// (growth per hour) of each figure after the warm-up, checked against the bounds in BOUNDS.
// A soak fails on growth, never on a level: a server that holds 40 MiB for an hour is fine,
// one that gains 10 MiB every hour is not.
//
//   bench/run soak                       (bench/soak/run: builds, then runs this)
//   NOTIFYD_BINARY=build/ci/server/notifyd SOAK_MINUTES=3 node bench/soak/soak.mjs
//
// The load, all at once:
//   - SOAK_CONNECTIONS tabs over the plain protocol (most), Socket.IO (websocket) and SSE;
//     each lives a random 20..240 s, then closes and comes back with ?lastSeq (churn);
//   - credentials: JWTs of 90..300 s (half renewed with refresh_token on token:expiring,
//     half left to expire: 4001 session expired) and session tokens of 20..120 s from
//     POST /api/v1/sessions (expire while connected: 4001), some revoked with DELETE;
//   - SOAK_PUBLISH_RATE POSTs per second to 1..4 random users, metadata.t = the send time,
//     so each notification:new gives a publish→delivery latency; a broadcast every 30 s;
//   - the tabs ask get_unread_count, get_recent, mark_read, delete, ack, mark_all_read;
//   - the back office reads inboxes (GET /api/v1/notifications);
//   - a console on /admin as notify-console is: hello, snapshot, counters and
//     connection:stats pushed, trace on (a delivery record per notification), and every 5 s
//     `nodes` and `snapshot`, every 10 s `user` for a random user; it reconnects every
//     10 minutes.
// Writes SOAK_OUT/soak.csv (one row per sample, appended as it goes), soak.json (the fit),
// soak.svg (the plot) and soak.md (the section docs/benchmarks.md carries). Exit status 1
// when a slope is over its bound, notifyd died, or a publish failed.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitSlope, writeReport } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tests/interop/package.json'));
const WebSocket = require('ws');
const { io } = require('socket.io-client');

const env = process.env;
const MINUTES = Number(env.SOAK_MINUTES ?? 60);
const SAMPLE_S = Number(env.SOAK_SAMPLE_SECONDS ?? 60);
const CONNECTIONS = Number(env.SOAK_CONNECTIONS ?? 300);
const RATE = Number(env.SOAK_PUBLISH_RATE ?? 10);
const WARMUP_MIN = Number(env.SOAK_WARMUP_MINUTES ?? Math.min(10, MINUTES / 6));
const OUT = path.resolve(env.SOAK_OUT ?? path.join(here, '../../build/soak'));
const BINARY = env.NOTIFYD_BINARY;
if (!BINARY) throw new Error('set NOTIFYD_BINARY');
mkdirSync(OUT, { recursive: true });

// Growth per hour allowed after the warm-up; docs/benchmarks.md "Long soak" explains each.
export const BOUNDS = {
  ownMiB: 8, // MiB/h of anonymous RSS (the heap) less the store's page caches
  fdsOverConnections: 6, // descriptors/h beyond the open client connections
  threads: 0.5, // threads/h
  walMiB: 2, // MiB/h of the WAL file alone
  dbBytesPerNotification: 1024, // the database's growth per notification stored
  deliveryP50Ms: 5, // ms/h
  deliveryP99Ms: 25, // ms/h
  publishP99Ms: 25, // ms/h
};

const ORG = 'soak';
const USERS = Math.max(1, Math.round(CONNECTIONS * 0.8)); // some users have two tabs
const SECRET = randomBytes(32).toString('hex');
const API_KEY = `soak-api-${randomBytes(8).toString('hex')}`;
const ADMIN_KEY = `soak-admin-${randomBytes(8).toString('hex')}`;
const rand = (a, b) => a + Math.random() * (b - a);
const pick = (n) => Math.floor(Math.random() * n);
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

function jwt(user, ttl) {
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: user, org: ORG, exp: Math.floor(Date.now() / 1000) + ttl })}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// ---- figures of one sample interval ----
const stats = { delivery: [], publish: [], published: 0, publishFailed: 0, failures: {}, deliveries: 0,
  opened: 0, closed: 0, expired: 0, revoked: 0, refreshed: 0, requests: 0, requestErrors: 0,
  traced: 0, consoleReplies: 0, reads: 0, deletes: 0, broadcasts: 0 };
const totals = { published: 0, publishFailed: 0, opened: 0, expired: 0, revoked: 0, refreshed: 0, requests: 0,
  deletes: 0, reads: 0, traced: 0, deliveries: 0, notificationsStored: 0 };
function count(k, n = 1) { stats[k] += n; if (k in totals) totals[k] += n; }
function pct(a, p) {
  if (!a.length) return '';
  const s = Float64Array.from(a).sort();
  return s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
}

// ---- HTTP to the API port ----
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
let API_PORT;
function api(method, p, body) {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port: API_PORT, method, path: p, agent,
      headers: { Authorization: `Bearer ${API_KEY}`, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}) },
      timeout: 30000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => { let json = null; try { json = JSON.parse(text); } catch { /* not JSON */ } resolve({ status: res.statusCode, json, text }); });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, json: null, text: String(e) }));
    if (data) req.write(data);
    req.end();
  });
}

// ---- tabs ----
let WS_PORT;
let running = true;
const lastSeq = new Map(); // user -> highest seq seen, for ?lastSeq on reconnect
const liveSessions = []; // session tokens in use, for revocations
let openTabs = 0;

function onNotification(user, n, received) {
  count('deliveries');
  const t = n?.metadata?.t;
  if (typeof t === 'number') stats.delivery.push(Date.now() - t);
  if (n?.seq > (lastSeq.get(user) ?? 0)) lastSeq.set(user, n.seq);
  received.push(n.id);
  if (received.length > 50) received.shift();
}

async function credential(user, kind) {
  if (kind === 'session') {
    const r = await api('POST', '/api/v1/sessions', { orgId: ORG, userId: user, ttlSeconds: Math.round(rand(20, 120)) });
    if (r.status === 201) { liveSessions.push(r.json.token); if (liveSessions.length > 200) liveSessions.shift(); return r.json.token; }
    count('requestErrors');
  }
  return jwt(user, Math.round(rand(90, 300)));
}

// One tab: connect, act, close after its lifetime (or when the server ends it), come back.
async function tab(index) {
  const user = `u${index % USERS}`;
  while (running) {
    const roll = Math.random();
    const protocol = roll < 0.7 ? 'plain' : roll < 0.9 ? 'socketio' : 'sse';
    const kind = protocol !== 'sse' && Math.random() < 0.3 ? 'session' : 'jwt';
    const token = await credential(user, kind);
    if (!running) break;
    const ended = protocol === 'plain' ? plainTab(user, token, kind) : protocol === 'socketio' ? sioTab(user, token) : sseTab(user, token);
    await ended;
    await new Promise((r) => setTimeout(r, rand(100, 1000)));
  }
}

function lifetime() { return rand(20000, 240000); }

function plainTab(user, token, kind) {
  return new Promise((resolve) => {
    const seq = lastSeq.get(user) ?? 0;
    const ws = new WebSocket(`ws://127.0.0.1:${WS_PORT}/ws/notifications?token=${token}&lastSeq=${seq}`);
    const received = [];
    let nextId = 1;
    const timers = [];
    const send = (type, data) => { if (ws.readyState === 1) { ws.send(JSON.stringify({ type, id: String(nextId++), data })); count('requests'); } };
    let wasOpen = false;
    ws.on('open', () => {
      wasOpen = true; count('opened'); openTabs++;
      timers.push(setTimeout(() => ws.close(1000, 'soak churn'), lifetime()));
      timers.push(setInterval(() => {
        const r = Math.random();
        if (r < 0.3) send('get_unread_count', {});
        else if (r < 0.5) send('get_recent', { limit: 20 });
        else if (r < 0.7 && received.length) { send('mark_read', { notificationIds: received.slice(-3) }); count('reads'); }
        else if (r < 0.85 && received.length) { send('delete', { notificationIds: [received.shift()] }); count('deletes'); }
        else if (r < 0.95 && received.length) send('ack', { notificationIds: received.slice(-5) });
        else send('mark_all_read', {});
      }, rand(5000, 15000)));
    });
    ws.on('message', (d) => {
      let m; try { m = JSON.parse(d); } catch { return; }
      if (m.type === 'notification:new') onNotification(user, m.data.notification, received);
      else if (m.type === 'error') count('requestErrors');
      else if (m.type === 'token:expiring' && kind === 'jwt' && Math.random() < 0.5) { send('refresh_token', { token: jwt(user, Math.round(rand(90, 300))) }); count('refreshed'); }
    });
    ws.on('error', () => {});
    ws.on('close', (code, reason) => {
      for (const t of timers) { clearTimeout(t); clearInterval(t); }
      if (code === 4001 && /expired/.test(String(reason))) count('expired');
      else if (code === 4001) count('revoked');
      count('closed'); if (wasOpen) openTabs--;
      resolve();
    });
  });
}

function sioTab(user, token) {
  return new Promise((resolve) => {
    const socket = io(`http://127.0.0.1:${WS_PORT}`, { transports: ['websocket'], reconnection: false,
      auth: { token, lastSeq: lastSeq.get(user) ?? 0 } });
    const received = [];
    const timers = [];
    let done = false;
    const finish = () => { if (done) return; done = true; for (const t of timers) { clearTimeout(t); clearInterval(t); } socket.close(); count('closed'); resolve(); };
    socket.on('connect', () => {
      count('opened'); openTabs++;
      timers.push(setTimeout(() => { socket.disconnect(); }, lifetime()));
      timers.push(setInterval(() => {
        count('requests');
        const r = Math.random();
        if (r < 0.4) socket.emit('get_unread_count', {}, () => {});
        else if (r < 0.7 && received.length) { socket.emit('mark_read', { notificationIds: received.slice(-3) }, () => {}); count('reads'); }
        else if (received.length) { socket.emit('delete', { notificationIds: [received.shift()] }, () => {}); count('deletes'); }
      }, rand(5000, 15000)));
    });
    socket.on('notification:new', (d) => onNotification(user, d.notification, received));
    socket.on('token:expiring', () => { socket.emit('refresh_token', { token: jwt(user, Math.round(rand(90, 300))) }, () => {}); count('refreshed'); });
    socket.on('connect_error', () => { count('requestErrors'); finish(); });
    socket.on('disconnect', (reason) => { if (reason === 'io server disconnect') count('expired'); openTabs = Math.max(0, openTabs - 1); finish(); });
  });
}

function sseTab(user, token) {
  return new Promise((resolve) => {
    const received = [];
    const req = http.get({ host: '127.0.0.1', port: WS_PORT, path: `/sse/notifications?token=${token}&lastSeq=${lastSeq.get(user) ?? 0}` }, (res) => {
      if (res.statusCode !== 200) { count('requestErrors'); res.resume(); res.on('end', resolve); return; }
      count('opened'); openTabs++;
      const timer = setTimeout(() => req.destroy(), lifetime());
      let buf = '';
      let event = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i); buf = buf.slice(i + 1);
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ') && event === 'notification:new') {
            try { onNotification(user, JSON.parse(line.slice(6)).notification, received); } catch { /* partial */ }
          } else if (line.startsWith('data: ') && event === 'close') count('expired');
        }
      });
      const end = () => { clearTimeout(timer); openTabs = Math.max(0, openTabs - 1); count('closed'); resolve(); };
      res.on('close', end);
    });
    req.on('error', () => resolve());
  });
}

// ---- publishers, back office, revocations ----
let publishSeq = 0;
async function publish() {
  const n = 1 + pick(4);
  const users = new Set();
  while (users.size < n) users.add(`u${pick(USERS)}`);
  const t = Date.now();
  const key = Math.random() < 0.2 ? `soak-${publishSeq++}` : undefined;
  const r = await api('POST', '/api/v1/notifications', { orgId: ORG, userIds: [...users], type: 'SOAK',
    title: `Soak notification ${t}`, body: 'x'.repeat(pick(400)), priority: ['low', 'normal', 'high'][pick(3)],
    actionUrl: '/soak', metadata: { t }, ...(key ? { idempotencyKey: key } : {}) });
  if (r.status === 201 || r.status === 200) {
    stats.publish.push(Date.now() - t); count('published'); totals.notificationsStored += r.status === 201 ? n : 0;
  } else {
    count('publishFailed');
    const why = `${r.status} ${r.json?.error?.code ?? r.text.slice(0, 60)}`;
    stats.failures[why] = (stats.failures[why] ?? 0) + 1;
  }
}

function startLoad() {
  const timers = [];
  // Publishes spread over each second instead of a burst.
  timers.push(setInterval(() => { publish(); }, 1000 / RATE));
  timers.push(setInterval(() => { api('POST', '/api/v1/broadcasts', { orgId: ORG, title: 'Soak announcement' }).then((r) => { if (r.status === 201) count('broadcasts'); }); }, 30000));
  timers.push(setInterval(() => { api('GET', `/api/v1/notifications?orgId=${ORG}&userId=u${pick(USERS)}&limit=50`).then((r) => { count('requests'); if (r.status !== 200) count('requestErrors'); }); }, 2000));
  timers.push(setInterval(() => {
    if (!liveSessions.length) return;
    const token = liveSessions.splice(pick(liveSessions.length), 1)[0];
    api('DELETE', `/api/v1/sessions/${token}`).then(() => {});
  }, 10000));
  return timers;
}

// ---- the console ----
function consoleClient() {
  let ws;
  let timers = [];
  let nextId = 1;
  const open = () => {
    ws = new WebSocket(`ws://127.0.0.1:${API_PORT}/admin?key=${ADMIN_KEY}`);
    const send = (type, data) => { if (ws.readyState === 1) ws.send(JSON.stringify({ type, id: String(nextId++), data })); };
    ws.on('message', (d) => {
      const m = JSON.parse(d);
      if (m.type === 'hello') {
        send('trace', { on: true });
        timers.push(setInterval(() => { send('nodes', {}); send('snapshot', {}); }, 5000));
        timers.push(setInterval(() => send('user', { orgId: ORG, userId: `u${pick(USERS)}`, limit: 20 }), 10000));
        timers.push(setInterval(() => send('list_notifications', { orgId: ORG, userId: `u${pick(USERS)}` }), 10000));
      } else if (m.type === 'delivery') count('traced');
      else if (m.type === 'reply') count('consoleReplies');
      else if (m.type === 'error') count('requestErrors');
    });
    ws.on('error', () => {});
    ws.on('close', () => { for (const t of timers) clearInterval(t); timers = []; if (running) setTimeout(open, 1000); });
  };
  open();
  const cycle = setInterval(() => ws.close(1000, 'soak console cycle'), 10 * 60000);
  return () => { clearInterval(cycle); running = false; ws.close(); };
}

// ---- sampling ----
function procFigures(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { rssKiB: field('VmRSS'), anonKiB: field('RssAnon'), threads: field('Threads'), fds: readdirSync(`/proc/${pid}/fd`).length,
    cpuS: (Number(stat[11]) + Number(stat[12])) / 100 };
}
function fileSize(f) { try { return statSync(f).size; } catch { return 0; } }
// From /metrics: client connections (every protocol) and the store's page caches.
async function serverFigures() {
  const r = await api('GET', '/metrics');
  let connections = 0;
  for (const m of r.text.matchAll(/^notify_connections\{[^}]*\}\s+(\d+)/gm)) connections += Number(m[1]);
  const cache = /^notify_store_cache_bytes\s+(\d+)/m.exec(r.text);
  return { connections, cacheBytes: cache ? Number(cache[1]) : 0 };
}

const CSV_HEAD = 'minute,rss_kib,anon_kib,store_cache_kib,fds,server_connections,threads,db_bytes,wal_bytes,cpu_s,published,publish_failed,deliveries,' +
  'delivery_p50_ms,delivery_p99_ms,publish_p50_ms,publish_p99_ms,opened,expired,revoked,refreshed,requests,request_errors,traced,notifications_stored,load1';

async function main() {
  WS_PORT = await freePort();
  API_PORT = await freePort();
  const work = mkdtempSync(path.join(os.tmpdir(), 'notifyd-soak-'));
  const db = path.join(work, 'notify.db');
  const args = ['--listen', `127.0.0.1:${WS_PORT}`, '--api-listen', `127.0.0.1:${API_PORT}`, '--data-dir', work,
    '--jwt-secret', SECRET, '--api-key', API_KEY, '--admin-key', ADMIN_KEY, '--threads', '2', '--log-level', 'warning',
    ...(env.SOAK_NOTIFYD_ARGS ? env.SOAK_NOTIFYD_ARGS.split(' ') : [])];
  const child = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; if (log.length > 200000) log = log.slice(-100000); appendFileSync(path.join(OUT, 'notifyd.log'), d); });
  let died = null;
  child.on('exit', (code, signal) => { died = `notifyd exited (${code ?? signal})`; });
  for (let i = 0; i < 300 && (await api('GET', '/readyz')).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  console.error(`soak: notifyd ${child.pid} ready; ${CONNECTIONS} tabs, ${RATE} publishes/s, ${MINUTES} min, sample every ${SAMPLE_S} s`);

  writeFileSync(path.join(OUT, 'soak.csv'), `${CSV_HEAD}\n`);
  const stopConsole = consoleClient();
  running = true;
  const tabs = [];
  for (let i = 0; i < CONNECTIONS; i++) { tabs.push(tab(i)); if (i % 20 === 19) await new Promise((r) => setTimeout(r, 200)); }
  const loadTimers = startLoad();

  const rows = [];
  const t0 = Date.now();
  const end = t0 + MINUTES * 60000;
  while (Date.now() < end && !died) {
    const next = t0 + (rows.length + 1) * SAMPLE_S * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(next, end) - Date.now())));
    if (died) break;
    const p = procFigures(child.pid);
    const server = await serverFigures();
    const row = { minute: (Date.now() - t0) / 60000, rss_kib: p.rssKiB, anon_kib: p.anonKiB, store_cache_kib: Math.round(server.cacheBytes / 1024),
      fds: p.fds, server_connections: server.connections,
      threads: p.threads, db_bytes: fileSize(db), wal_bytes: fileSize(`${db}-wal`), cpu_s: p.cpuS,
      published: stats.published, publish_failed: stats.publishFailed, deliveries: stats.deliveries,
      delivery_p50_ms: pct(stats.delivery, 0.5), delivery_p99_ms: pct(stats.delivery, 0.99),
      publish_p50_ms: pct(stats.publish, 0.5), publish_p99_ms: pct(stats.publish, 0.99),
      opened: stats.opened, expired: stats.expired, revoked: stats.revoked, refreshed: stats.refreshed,
      requests: stats.requests, request_errors: stats.requestErrors, traced: stats.traced,
      notifications_stored: totals.notificationsStored, load1: os.loadavg()[0].toFixed(2) };
    rows.push(row);
    appendFileSync(path.join(OUT, 'soak.csv'), `${CSV_HEAD.split(',').map((k) => row[k]).join(',')}\n`);
    console.error(`soak: ${row.minute.toFixed(1)} min rss ${row.rss_kib} KiB (anon ${row.anon_kib}, cache ${row.store_cache_kib}) fds ${row.fds} conns ${row.server_connections} ` +
      `db ${row.db_bytes} wal ${row.wal_bytes} pub ${row.published} (failed ${row.publish_failed}) deliv ${row.deliveries} ` +
      `p50/p99 ${row.delivery_p50_ms}/${row.delivery_p99_ms} ms tabs ${openTabs} expired ${row.expired}` +
      (Object.keys(stats.failures).length ? ` failures ${JSON.stringify(stats.failures)}` : ''));
    for (const k of Object.keys(stats)) stats[k] = Array.isArray(stats[k]) ? [] : typeof stats[k] === 'object' ? stats[k] : 0;
  }

  running = false;
  for (const t of loadTimers) clearInterval(t);
  stopConsole();
  const readyAtEnd = died ? 0 : (await api('GET', '/readyz')).status;
  const diedDuringRun = died; // the SIGTERM below ends it on purpose
  child.kill('SIGTERM');
  await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 10000))]);
  agent.destroy();

  const fit = fitSlope(rows, WARMUP_MIN, BOUNDS);
  const meta = { date: new Date().toISOString(), minutes: MINUTES, sampleSeconds: SAMPLE_S, connections: CONNECTIONS,
    rate: RATE, warmupMinutes: WARMUP_MIN, nice: os.getPriority(), commit: env.SOAK_COMMIT ?? 'unknown', cpu: env.SOAK_CPU ?? '', cores: os.cpus().length,
    totals, died: diedDuringRun, readyAtEnd, failures: stats.failures };
  const failed = writeReport(OUT, rows, fit, meta, BOUNDS);
  console.error(`soak: ${failed.length ? `FAILED: ${failed.join('; ')}` : 'passed'} (results in ${OUT})`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
