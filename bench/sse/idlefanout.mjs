// Server-Sent Events against the plain protocol (docs/benchmarks.md, "SSE against the plain
// protocol"): for each protocol a fresh notifyd (--threads 2, SQLite) takes N connections,
// one user each, 50 at a time, each counted once its first event arrived; then
//   idle memory: notifyd's VmRSS after a settle, less its VmRSS before the connections, per
//                connection;
//   fan-out:     FANOUT deliveries (POSTs of BATCH recipients, 4 at a time, every user the
//                same number of times), finished when every client has counted its
//                notification:new events; notifyd's utime+stime over that phase per delivery,
//                for the whole process and for its shard threads (notify-shard-*: where the
//                frames are built and written; the API, the store writer and the rest of the
//                pipeline are the same for both protocols).
//
//   NOTIFYD_BINARY=build/ci/server/notifyd node bench/sse/idlefanout.mjs [N] [FANOUT] [ORDER]
//   ORDER: comma list of protocols in run order (default plain,sse). One JSON line each.
//
// Uses the interop tests' pinned ws (run `npm ci` in tests/interop first).
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tests/interop/package.json'));
const WebSocket = require('ws');

const N = Number(process.argv[2] ?? 2000);
const FANOUT = Number(process.argv[3] ?? 20000);
const ORDER = (process.argv[4] ?? 'plain,sse').split(',');
const BATCH = 100;
const PUBLISHERS = 4;
const CONNECT_BATCH = 50;
const SETTLE_MS = 3000;
const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const API_KEY = 'bench-api-key';
const hz = 100; // CLK_TCK on Linux

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function taskCpu(file) {
  const f = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / hz;
}

// The whole process, and its shard threads.
function cpu(pid) {
  let shards = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith('notify-shard'))
        shards += taskCpu(`/proc/${pid}/task/${tid}/stat`);
    } catch { /* the thread ended */ }
  }
  return { total: taskCpu(`/proc/${pid}/stat`), shards };
}

function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

function token(user) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const signed = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: user, org: 'bench', iat: now, exp: now + 3600 })}`;
  return `${signed}.${crypto.createHmac('sha256', SECRET).update(signed).digest('base64url')}`;
}

async function start(dir) {
  const child = spawn(process.env.NOTIFYD_BINARY, ['--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0',
    '--data-dir', dir, '--jwt-secret', SECRET, '--api-key', API_KEY, '--threads', '2', '--rate-limit', 'off',
    '--max-connections-per-user', '0', '--max-pending-per-address', '0', '--max-connections', String(N + 100),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const ports = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`notifyd did not start: ${log}`)), 20000);
    child.stderr.on('data', (d) => {
      log += d;
      const m = /clients on \S+:(\d+) API on \S+:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ client: Number(m[1]), api: Number(m[2]) });
      }
    });
    child.once('exit', (c) => reject(new Error(`notifyd exited ${c}: ${log}`)));
  });
  return { child, ...ports };
}

// One client: resolves when its first event arrived; counts notification:new events.
function openPlain(port, user, counter) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/notifications?token=${token(user)}`, { perMessageDeflate: false });
    ws.once('message', () => resolve({ close: () => ws.terminate() }));
    ws.on('message', (data) => { if (data.includes('"notification:new"')) counter.n += 1; });
    ws.once('close', (code) => reject(new Error(`closed ${code}`)));
    ws.on('error', () => {});
  });
}

function openSse(port, user, counter) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/sse/notifications?token=${token(user)}`, agent: false },
      (res) => {
        if (res.statusCode !== 200) { reject(new Error(`SSE ${res.statusCode}`)); return; }
        let carry = '';
        let first = true;
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          const text = carry + chunk;
          const events = text.split('\n\n');
          carry = events.pop();
          for (const e of events) if (e.startsWith('event: notification:new') || e.includes('\nevent: notification:new')) counter.n += 1;
          if (first && events.length) { first = false; resolve({ close: () => req.destroy() }); }
        });
      });
    req.on('error', reject);
  });
}

async function publishAll(apiPort) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: PUBLISHERS });
  const posts = FANOUT / BATCH;
  let next = 0;
  const post = (users) => new Promise((resolve, reject) => {
    const body = JSON.stringify({ orgId: 'bench', userIds: users, type: 'BENCH', title: 'fan-out' });
    const req = http.request({ host: '127.0.0.1', port: apiPort, path: '/api/v1/notifications', method: 'POST', agent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, 'content-length': Buffer.byteLength(body) } },
    (res) => { res.resume(); res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`publish ${res.statusCode}`)))); });
    req.on('error', reject);
    req.end(body);
  });
  const worker = async () => {
    while (next < posts) {
      const i = next++;
      const users = [];
      for (let k = 0; k < BATCH; k++) users.push(`u${(i * BATCH + k) % N}`);
      await post(users);
    }
  };
  await Promise.all(Array.from({ length: PUBLISHERS }, worker));
  agent.destroy();
}

async function run(protocol) {
  const dir = mkdtempSync(path.join(tmpdir(), 'notifyd-bench-sse-'));
  const { child, client, api } = await start(dir);
  await sleep(1000);
  const rss0 = rssKiB(child.pid);
  const counter = { n: 0 };
  const open = protocol === 'sse' ? openSse : openPlain;
  const conns = [];
  for (let i = 0; i < N; i += CONNECT_BATCH) {
    const users = Array.from({ length: Math.min(CONNECT_BATCH, N - i) }, (_, k) => `u${i + k}`);
    conns.push(...(await Promise.all(users.map((u) => open(client, u, counter)))));
  }
  await sleep(SETTLE_MS);
  const rss1 = rssKiB(child.pid);
  const cpu0 = cpu(child.pid);
  const t0 = process.hrtime.bigint();
  await publishAll(api);
  const deadline = Date.now() + 120000;
  while (counter.n < FANOUT) {
    if (Date.now() > deadline) throw new Error(`${protocol}: ${counter.n} of ${FANOUT} deliveries`);
    await sleep(5);
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = cpu(child.pid);
  conns.forEach((c) => c.close());
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return {
    protocol, connections: N, deliveries: FANOUT,
    idleKiBPerConnection: (rss1 - rss0) / N,
    cpuUsPerDelivery: ((cpu1.total - cpu0.total) / FANOUT) * 1e6,
    shardCpuUsPerDelivery: ((cpu1.shards - cpu0.shards) / FANOUT) * 1e6,
    deliveriesPerSecond: FANOUT / wall,
  };
}

for (const protocol of ORDER) console.log(JSON.stringify(await run(protocol)));
