// The shipped nginx configuration (installer/nginx/notifyd.conf) in front of two notifyd
// nodes on one PostgreSQL database (docs/operations.md, "Cluster"): real nginx from the
// distribution, run in the foreground from a temporary prefix, TLS with a certificate made
// here. Only listen addresses, certificate paths and node addresses are substituted, so
// this runs the file operators install. An unmodified socket.io-client (default
// transports: polling, then the upgrade) and a plain wss:// client get notifications
// published through either node.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { startServer, mintToken, api, until, API_KEY } from '../lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const shippedConf = path.resolve(here, '../../../installer/nginx/notifyd.conf');
const nginxBinary = process.env.NGINX_BINARY || '/usr/sbin/nginx';

function has(cmd, args) { return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0; }

const urlFile = process.env.NOTIFY_PG_URL_FILE;
let baseUrl = null;
try { baseUrl = urlFile ? readFileSync(urlFile, 'utf8').trim() : null; } catch { baseUrl = null; }
let skip = false;
if (!baseUrl) skip = 'PostgreSQL NOT AVAILABLE (no pg-url.txt): the nginx test is SKIPPED';
else if (!has(nginxBinary, ['-v'])) skip = `nginx NOT INSTALLED (${nginxBinary}): the nginx test is SKIPPED`;
else if (!has('openssl', ['version'])) skip = 'openssl NOT INSTALLED: the nginx test is SKIPPED';

const ORG = 'lb';
const ORIGIN = 'https://app.example.com';
const dbName = `notify_nginx_${process.pid}_${Date.now() % 100000}`;
let dbUrl;
let dir;
let nginx = null;
let nginxLog = '';
let httpsPort;
let httpPort;
const nodes = [];
const clients = [];

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

// A free loopback port: bound by the kernel, released, then handed to nginx.
async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

// Replaces exactly `count` matches of `pattern`, so a changed shipped file fails here
// instead of being tested half-substituted.
function substitute(text, pattern, replacer, count) {
  let n = 0;
  const out = text.replace(pattern, (...m) => { ++n; return replacer(n, ...m); });
  assert.equal(n, count, `expected ${count} match(es) of ${pattern} in ${shippedConf}`);
  return out;
}

function siteConf(certFile, keyFile) {
  let conf = readFileSync(shippedConf, 'utf8');
  conf = substitute(conf, /^(\s*)server 10\.0\.0\.1[12]:8080 /gm,
    (n, _m, indent) => `${indent}server 127.0.0.1:${nodes[n - 1].clientPort} `, 2);
  // The IPv6 listens are dropped: the test stays on 127.0.0.1.
  conf = substitute(conf, /^\s*listen \[::\]:(80|443)( ssl)?;\n/gm, () => '', 2);
  conf = substitute(conf, /^(\s*)listen 443 ssl;/gm, (_n, _m, indent) => `${indent}listen 127.0.0.1:${httpsPort} ssl;`, 1);
  conf = substitute(conf, /^(\s*)listen 80;/gm, (_n, _m, indent) => `${indent}listen 127.0.0.1:${httpPort};`, 1);
  conf = substitute(conf, /ssl_certificate +\S+;/g, () => `ssl_certificate ${certFile};`, 1);
  conf = substitute(conf, /ssl_certificate_key +\S+;/g, () => `ssl_certificate_key ${keyFile};`, 1);
  return conf;
}

// The main file a distribution's nginx.conf would be, with every path in the prefix.
function mainConf(site) {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${site};
}
`;
}

async function startNginx() {
  dir = mkdtempSync(path.join(tmpdir(), 'notifyd-nginx-'));
  chmodSync(dir, 0o755); // nginx's workers drop to an unprivileged user when run as root
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-keyout', keyFile, '-out', certFile], { encoding: 'utf8' });
  assert.equal(ssl.status, 0, `openssl failed: ${ssl.stderr}`);
  httpsPort = await freePort();
  httpPort = await freePort();
  const site = path.join(dir, 'notifyd.conf');
  writeFileSync(site, siteConf(certFile, keyFile));
  const main = path.join(dir, 'nginx.conf');
  writeFileSync(main, mainConf(site));
  const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', main];
  const check = spawnSync(nginxBinary, ['-t', ...args], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t rejects the configuration:\n${check.stderr}`);
  nginx = spawn(nginxBinary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  nginx.stderr.on('data', (d) => { nginxLog += d; });
  let exited = false;
  nginx.once('exit', () => { exited = true; });
  // Ready when the TLS port accepts a connection.
  let accepting = false;
  const probe = () => {
    const s = net.connect(httpsPort, '127.0.0.1');
    s.once('connect', () => { accepting = true; s.destroy(); });
    s.once('error', () => { if (!exited) setTimeout(probe, 20); });
  };
  probe();
  await until(() => accepting || exited, 10000, 'nginx listening');
  assert.ok(!exited, `nginx exited:\n${nginxLog}`);
}

function stopNginxSync() {
  // The master ends its workers on SIGTERM; this also runs when the test process dies.
  if (nginx && nginx.exitCode === null && nginx.signalCode === null) nginx.kill('SIGTERM');
}
process.on('exit', stopNginxSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // Interrupted (ctest's timeout, ^C): the nodes started so far go too.
  process.once(sig, () => {
    stopNginxSync();
    Promise.allSettled(nodes.map((n) => n.stop())).finally(() => process.exit(128 + constants.signals[sig]));
  });
}

function errorLog() {
  try { return readFileSync(path.join(dir, 'error.log'), 'utf8').slice(-3000); } catch { return ''; }
}

before(async () => {
  if (skip) return;
  psql(baseUrl, `CREATE DATABASE ${dbName}`);
  dbUrl = baseUrl.replace(/\/[^/]*$/, `/${dbName}`);
  // The first node migrates; the second finds the schema done.
  // nginx reaches the nodes from 127.0.0.1: the proxy whose forwarded addresses they trust.
  // Pending sessions outlive the whole storm of handshakes below.
  const common = ['--db', dbUrl, '--trusted-proxies', '127.0.0.1', '--allowed-origins', ORIGIN,
    '--sio-connect-timeout', '120s'];
  nodes.push(await startServer([...common, '--node-name', 'lb-0']));
  nodes.push(await startServer([...common, '--node-name', 'lb-1']));
  await startNginx();
});

after(async () => {
  for (const c of clients) c.close();
  if (nginx && nginx.exitCode === null && nginx.signalCode === null) {
    nginx.kill('SIGTERM');
    await once(nginx, 'exit');
  }
  await Promise.all(nodes.map((n) => n.stop()));
  if (dbUrl) {
    try { psql(baseUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`); } catch { /* best effort */ }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function publishVia(node, user, title) {
  const r = await api(node, 'POST', '/api/v1/notifications', { orgId: ORG, userIds: [user], type: 'TEST', title });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.notifications[0].id;
}

test('socket.io-client with default transports: polling through nginx, upgrade to websocket, notifications from both nodes', { skip }, async () => {
  const socket = io(`https://127.0.0.1:${httpsPort}/notifications`, {
    auth: { token: mintToken(ORG, 'alice') }, reconnection: false, forceNew: true, rejectUnauthorized: false,
  });
  clients.push({ close: () => socket.disconnect() });
  const events = [];
  socket.onAny((name, data) => events.push({ name, data }));
  const connectErrors = [];
  socket.on('connect_error', (e) => connectErrors.push(e.message));
  const firstTransport = [];
  socket.io.on('open', () => firstTransport.push(socket.io.engine.transport.name));
  let upgradedTo = null;
  socket.io.on('open', () => socket.io.engine.on('upgrade', (t) => { upgradedTo = t.name; }));
  try {
    await until(() => socket.connected, 10000, 'socket.io connect through nginx');
    await until(() => events.some((e) => e.name === 'notification:unread_count'), 5000, 'initial unread count');
  } catch (e) {
    throw new Error(`${e.message}; connect errors ${JSON.stringify(connectErrors)}\n${errorLog()}`);
  }
  assert.deepEqual(firstTransport, ['polling'], 'default transports start with long-polling');
  await until(() => upgradedTo !== null, 10000, 'the upgrade to websocket');
  assert.equal(upgradedTo, 'websocket');
  assert.equal(socket.io.engine.transport.name, 'websocket');
  // Published through each node in turn: one of them is not the node nginx chose.
  for (const [i, node] of nodes.entries()) {
    const id = await publishVia(node, 'alice', `via node ${i}`);
    await until(() => events.some((e) => e.name === 'notification:new' && e.data.notification.id === id),
      10000, `notification published through node ${i}`);
  }
  assert.equal(connectErrors.length, 0);
});

test('a long-polling-only socket.io client stays on its node through nginx and gets notifications from both nodes', { skip }, async () => {
  const socket = io(`https://127.0.0.1:${httpsPort}/notifications`, {
    auth: { token: mintToken(ORG, 'carol') }, reconnection: false, forceNew: true, rejectUnauthorized: false,
    transports: ['polling'],
  });
  clients.push({ close: () => socket.disconnect() });
  const events = [];
  socket.onAny((name, data) => events.push({ name, data }));
  const connectErrors = [];
  socket.on('connect_error', (e) => connectErrors.push(e.message));
  try {
    await until(() => events.some((e) => e.name === 'notification:unread_count'), 10000, 'initial unread count over polling');
  } catch (e) {
    throw new Error(`${e.message}; connect errors ${JSON.stringify(connectErrors)}\n${errorLog()}`);
  }
  for (const [i, node] of nodes.entries()) {
    const id = await publishVia(node, 'carol', `polling via node ${i}`);
    await until(() => events.some((e) => e.name === 'notification:new' && e.data.notification.id === id),
      10000, `polled notification published through node ${i}`);
  }
  assert.equal(socket.io.engine.transport.name, 'polling');
  assert.equal(socket.connected, true);
});

test('a plain wss:// client gets notifications through nginx from both nodes', { skip }, async () => {
  const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/ws/notifications?token=${mintToken(ORG, 'bob')}`,
    { rejectUnauthorized: false });
  clients.push({ close: () => ws.close() });
  const messages = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  let failure = null;
  ws.on('error', (e) => { failure = e; });
  await until(() => failure || messages.some((m) => m.type === 'notification:unread_count'), 10000,
    'the plain protocol\'s unread count through nginx');
  assert.equal(failure, null, `${failure}\n${errorLog()}`);
  for (const [i, node] of nodes.entries()) {
    const id = await publishVia(node, 'bob', `plain via node ${i}`);
    await until(() => messages.some((m) => m.type === 'notification:new' && m.data.notification.id === id),
      10000, `plain notification published through node ${i}`);
  }
});

test('only the client paths are proxied; plain HTTP redirects to HTTPS', { skip }, async () => {
  const plain = await new Promise((resolve, reject) => {
    const s = net.connect(httpPort, '127.0.0.1', () => s.end('GET /ws/notifications HTTP/1.1\r\nHost: notify.example.com\r\nConnection: close\r\n\r\n'));
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
  assert.match(plain, /^HTTP\/1\.1 301 /);
  assert.match(plain, /\r\nLocation: https:\/\/notify\.example\.com\/ws\/notifications\r\n/);
  // The API (here /api/v1/stats and /metrics) is not reachable through the public address.
  const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/api/v1/stats`, { rejectUnauthorized: false });
  let status = null;
  ws.on('unexpected-response', (_req, res) => { status = res.statusCode; ws.terminate(); });
  ws.on('error', () => {});
  await until(() => status !== null, 5000, 'answer for a non-client path');
  assert.equal(status, 404);
});

// One HTTPS request to nginx from `localAddress` (any 127.0.0.0/8 address on Linux).
function viaNginx(method, target, { headers = {}, body, localAddress = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: httpsPort, method, path: target, localAddress, agent: false,
      rejectUnauthorized: false, headers: { host: 'notify.example.com', ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the user\'s routes pass through nginx with CORS; the API key routes do not', { skip }, async () => {
  const token = mintToken(ORG, 'dora');
  await publishVia(nodes[0], 'dora', 'for the inbox page');
  const auth = { authorization: `Bearer ${token}` };
  const page = await viaNginx('GET', '/api/v1/me/notifications?limit=5', { headers: { ...auth, origin: ORIGIN } });
  assert.equal(page.status, 200, page.body);
  const json = JSON.parse(page.body);
  assert.equal(json.notifications.length, 1);
  assert.equal(json.unreadCount, 1);
  assert.equal(page.headers['access-control-allow-origin'], ORIGIN);
  assert.equal(page.headers['access-control-allow-credentials'], 'true');
  assert.match(page.headers.vary, /Origin/);
  const read = await viaNginx('POST', '/api/v1/me/notifications/read-all', { headers: { ...auth, origin: ORIGIN } });
  assert.equal(read.status, 200, read.body);
  assert.equal(JSON.parse(read.body).unreadCount, 0);

  const preflight = await viaNginx('OPTIONS', '/api/v1/me/notifications/read', {
    headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], ORIGIN);

  const foreign = await viaNginx('GET', '/api/v1/me/notifications', { headers: { ...auth, origin: 'https://evil.example.com' } });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.headers['access-control-allow-origin'], undefined);
  assert.doesNotMatch(foreign.body, /for the inbox page/);
  assert.equal((await viaNginx('GET', '/api/v1/me/unread-count')).status, 401);

  // Whatever the credential, nothing but the client paths is proxied: nginx itself says 404.
  for (const [method, target] of [['GET', '/api/v1/notifications'], ['POST', '/api/v1/notifications'],
    ['GET', '/api/v1/stats'], ['POST', '/api/v1/sessions'], ['GET', '/metrics'], ['GET', '/healthz'],
    ['GET', '/admin'], ['GET', '/api/v1/me'], ['GET', '/api/v1/me/../stats'], ['GET', '/api/v1/me/%2e%2e/stats']]) {
    for (const bearer of [token, API_KEY]) {
      const r = await viaNginx(method, target, { headers: { authorization: `Bearer ${bearer}` } });
      assert.equal(r.status, 404, `${method} ${target}`);
      assert.doesNotMatch(r.body, /"notifications"|notify_/);
    }
  }
});

test('behind nginx with --trusted-proxies, more pending clients than the per-address cap all get in', { skip }, async () => {
  // 600 Engine.IO handshakes (sessions without a CONNECT) through nginx, each from its own
  // address: hashed over two nodes, at least one node holds more than its cap of 256, which
  // counted nginx's address alone before. Then one client alone still meets the cap.
  const statuses = [];
  for (let i = 0; i < 600; ++i) {
    const localAddress = `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
    const r = await viaNginx('GET', '/socket.io/?EIO=4&transport=polling', { localAddress });
    statuses.push(r.status);
  }
  const refused = statuses.filter((s) => s !== 200).length;
  assert.equal(refused, 0, `${refused} of 600 handshakes refused: ${JSON.stringify([...new Set(statuses)])}\n${errorLog()}`);

  const lone = [];
  for (let i = 0; i < 260; ++i) {
    const r = await viaNginx('GET', '/socket.io/?EIO=4&transport=polling', { localAddress: '127.0.9.9' });
    lone.push(r.status);
  }
  assert.deepEqual(lone.slice(0, 256), new Array(256).fill(200));
  assert.deepEqual(lone.slice(256), [503, 503, 503, 503]);
});

test('through nginx: notifyd.js with its ETag, and Server-Sent Events passed as they are written', { skip }, async () => {
  const js = await viaNginx('GET', '/notifyd.js');
  assert.equal(js.status, 200);
  assert.match(js.body, /export function connect\(/);
  assert.ok(js.headers.etag, 'an ETag');
  assert.equal((await viaNginx('GET', '/notifyd.js', { headers: { 'if-none-match': js.headers.etag } })).status, 304);
  assert.equal((await viaNginx('GET', '/notifyd.d.ts')).status, 200);

  // One event at a time through proxy_buffering off: each must arrive while the stream
  // stays open, not when a buffer fills or the stream ends.
  let text = '';
  let status = null;
  const req = https.request({
    host: '127.0.0.1', port: httpsPort, method: 'GET', agent: false, rejectUnauthorized: false,
    path: `/sse/notifications?token=${mintToken(ORG, 'sse-user')}`,
    headers: { host: 'notify.example.com', accept: 'text/event-stream' },
  }, (res) => {
    status = res.statusCode;
    res.setEncoding('utf8');
    res.on('data', (d) => { text += d; });
  });
  req.on('error', () => {});
  req.end();
  try {
    await until(() => text.includes('event: notification:unread_count'), 10000, 'the stream\'s first event through nginx');
    assert.equal(status, 200);
    for (const [i, node] of nodes.entries()) {
      const id = await publishVia(node, 'sse-user', `sse via node ${i}`);
      await until(() => text.includes(id), 10000, `the SSE event of a notification published through node ${i}`);
    }
    assert.match(text, /id: \d+\nevent: notification:new\ndata: \{/);
  } finally {
    req.destroy();
  }
});
