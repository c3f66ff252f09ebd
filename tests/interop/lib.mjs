// Shared helpers for the interop tests: a real notifyd child process on loopback (ephemeral
// ports read from its start-up log line), JWTs signed like the server expects, the HTTP API,
// and small wrappers that record what unmodified socket.io-client and ws clients receive.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

export const SECRET = 'interop-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
export const API_KEY = 'interop-api-key';
export const PING_INTERVAL_MS = 1000;
export const PING_TIMEOUT_MS = 1000;

export async function startServer(extraArgs = []) {
  const binary = process.env.NOTIFYD_BINARY;
  if (!binary) throw new Error('NOTIFYD_BINARY is not set');
  const dir = mkdtempSync(path.join(tmpdir(), 'notifyd-interop-'));
  const child = spawn(binary, [
    '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0', '--data-dir', dir,
    '--jwt-secret', SECRET, '--api-key', API_KEY, '--threads', '2',
    '--sio-ping-interval', `${PING_INTERVAL_MS}ms`, '--sio-ping-timeout', `${PING_TIMEOUT_MS}ms`,
    '--rate-limit', 'off', ...extraArgs,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const ports = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`notifyd did not start:\n${log}`)), 20000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /clients on (\S+):(\d+) API on (\S+):(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ client: Number(m[2]), api: Number(m[4]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`notifyd exited with ${code}:\n${log}`));
    });
  });
  return {
    pid: child.pid,
    // Ends the process without letting it clean up (kill -9): the failover tests.
    kill9() { child.kill('SIGKILL'); return once(child, 'exit'); },
    // SIGHUP: the token keys are read again and the JWKS URL fetched again.
    hup() { child.kill('SIGHUP'); },
    exited: () => child.exitCode !== null || child.signalCode !== null,
    clientPort: ports.client,
    clientUrl: `http://127.0.0.1:${ports.client}`,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function mintToken(org, user, { role, ttlSeconds = 3600 } = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: user, org, iat: now, exp: now + ttlSeconds };
  if (role) claims.role = role;
  const signed = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  const sig = crypto.createHmac('sha256', SECRET).update(signed).digest('base64url');
  return `${signed}.${sig}`;
}

export async function api(server, method, route, body, bearer = API_KEY) {
  const res = await fetch(server.apiUrl + route, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export async function publish(server, org, userIds, title) {
  const r = await api(server, 'POST', '/api/v1/notifications', { orgId: org, userIds, type: 'TEST', title });
  if (r.status !== 201) throw new Error(`publish failed: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

// A raw HTTP request to the client port, for Engine.IO's error answers.
export function rawRequest(server, method, target, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.clientPort, method, path: target, headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      });
    req.on('error', reject);
    req.end();
  });
}

// Resolves when check() returns a truthy value, polling on the event loop; rejects after ms.
export function until(check, ms = 5000, what = 'condition') {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = () => {
      let v;
      try { v = check(); } catch (e) { reject(e); return; }
      if (v) { resolve(v); return; }
      if (Date.now() > deadline) { reject(new Error(`timed out waiting for ${what}`)); return; }
      setTimeout(tick, 10);
    };
    tick();
  });
}

// A socket.io-client socket that records every event it receives.
export class SioClient {
  constructor(server, { token, nsp = '/notifications', lastSeq, transports, manager, auth, extraHeaders } = {}) {
    const a = auth ?? { token };
    if (lastSeq !== undefined) a.lastSeq = lastSeq;
    const opts = { auth: a, reconnection: false };
    if (transports) opts.transports = transports;
    if (extraHeaders) opts.extraHeaders = extraHeaders;
    this.socket = manager ? manager.socket(nsp, { auth: a }) : io(server.clientUrl + nsp, { ...opts, forceNew: true });
    if (manager) this.socket.connect();
    this.events = [];
    this.socket.onAny((name, data) => this.events.push({ name, data }));
    this.connectErrors = [];
    this.socket.on('connect_error', (err) => this.connectErrors.push(err));
    this.disconnects = [];
    this.socket.on('disconnect', (reason) => this.disconnects.push(reason));
  }

  all(name) { return this.events.filter((e) => e.name === name).map((e) => e.data); }
  lastUnread() {
    const list = this.all('notification:unread_count');
    return list.length ? list[list.length - 1].unreadCount : undefined;
  }
  waitEvent(name, pred = () => true, ms = 5000) {
    return until(() => this.all(name).find(pred), ms, `event ${name}`);
  }
  waitConnected(ms = 5000) { return until(() => this.socket.connected, ms, 'connect'); }
  emitWithAck(name, data, ms = 5000) { return this.socket.timeout(ms).emitWithAck(name, data); }
  close() { this.socket.disconnect(); }
}

// The plain protocol over the ws package, for "both kinds of tab" checks.
export class PlainClient {
  constructor(server, token) {
    this.messages = [];
    this.ws = new WebSocket(`ws://127.0.0.1:${server.clientPort}/ws/notifications?token=${token}`);
    this.ws.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
  }
  all(type) { return this.messages.filter((m) => m.type === type).map((m) => m.data); }
  waitEvent(type, pred = () => true, ms = 5000) {
    return until(() => this.all(type).find(pred), ms, `plain ${type}`);
  }
  close() { this.ws.close(); }
}
