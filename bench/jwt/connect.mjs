// Connections per notifyd CPU-second by token algorithm (docs/security.md, "Tokens"):
// one notifyd per algorithm with its key (a JWKS file for RS256/ES256, a secret for HS256),
// N plain-protocol connections opened 50 at a time, each with its own token minted before
// the measurement, each counted once its first event arrived; notifyd's utime+stime from
// /proc/PID/stat over the connect phase.
//
//   NOTIFYD_BINARY=build/ci/server/notifyd node bench/jwt/connect.mjs [connections]
//   (BENCH_JSON=1: one JSON line per algorithm instead of the table; bench/tokens uses it)
//
// Uses the interop tests' pinned jose and ws (run `npm ci` in tests/interop first).
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tests/interop/package.json'));
const { SignJWT, exportJWK, generateKeyPair } = require('jose');
const WebSocket = require('ws');

const N = Number(process.argv[2] ?? 2000);
const BATCH = 50;
const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const hz = 100; // CLK_TCK on Linux

function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / hz;
}

async function start(args, dir) {
  const child = spawn(process.env.NOTIFYD_BINARY, ['--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0',
    '--data-dir', dir, '--api-key', 'k', '--threads', '2', '--rate-limit', 'off',
    '--max-connections-per-user', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => { log += d; const m = /clients on \S+:(\d+)/.exec(log); if (m) resolve(Number(m[1])); });
    child.once('exit', (c) => reject(new Error(`notifyd exited ${c}: ${log}`)));
  });
  return { child, port };
}

function connect(port, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/notifications?token=${token}`);
    ws.once('message', () => resolve(ws));
    ws.once('close', (code) => reject(new Error(`closed ${code}`)));
    ws.on('error', () => {});
  });
}

async function run(alg) {
  const dir = mkdtempSync(path.join(tmpdir(), 'notifyd-bench-jwt-'));
  let args;
  let sign;
  if (alg === 'HS256') {
    args = ['--jwt-secret', SECRET];
    const key = new TextEncoder().encode(SECRET);
    sign = (j) => j.setProtectedHeader({ alg }).sign(key);
  } else {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    const jwks = path.join(dir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg, use: 'sig' }] }));
    args = ['--jwt-jwks-file', jwks];
    sign = (j) => j.setProtectedHeader({ alg, kid: 'k' }).sign(privateKey);
  }
  const now = Math.floor(Date.now() / 1000);
  const tokens = [];
  for (let i = 0; i < N; i++)
    tokens.push(await sign(new SignJWT({ org: 'bench' }).setSubject(`u${i}`).setExpirationTime(now + 3600)));
  const { child, port } = await start(args, dir);
  const cpu0 = cpuSeconds(child.pid);
  const t0 = process.hrtime.bigint();
  const open = [];
  for (let i = 0; i < N; i += BATCH)
    open.push(...(await Promise.all(tokens.slice(i, i + BATCH).map((t) => connect(port, t)))));
  const cpu = cpuSeconds(child.pid) - cpu0;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  open.forEach((ws) => ws.terminate());
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return { alg, connections: N, cpu, wall, perCpuSecond: N / cpu };
}

const results = [];
for (const alg of ['HS256', 'RS256', 'ES256', 'EdDSA']) results.push(await run(alg));
const base = results[0].perCpuSecond;
// bench/tokens reads one JSON line per algorithm.
if (process.env.BENCH_JSON) {
  for (const r of results) console.log(JSON.stringify(r));
  process.exit(0);
}
console.log('| algorithm | connections | notifyd CPU s | wall s | connections per CPU-second | vs HS256 |');
console.log('|---|---|---|---|---|---|');
for (const r of results)
  console.log(`| ${r.alg} | ${r.connections} | ${r.cpu.toFixed(2)} | ${r.wall.toFixed(2)} | ${Math.round(r.perCpuSecond)} | ${((r.perCpuSecond / base) * 100).toFixed(0)}% |`);
