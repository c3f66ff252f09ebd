// Helpers shared by the cluster tests: psql, a database per test file, polling of async
// conditions with a deadline, and what a tab received.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { api, until } from '../lib.mjs';

// Options for every node of a cluster test. lib.mjs's 1 s Engine.IO ping interval and
// timeout suit single-node tests; with dozens of tabs and several nodes on a loaded 2-core
// machine the client's event loop can stall past 2 s, and socket.io-client then closes the
// socket itself ("ping timeout"), which would look like lost notifications.
export const NODE_ARGS = ['--sio-ping-interval', '10s', '--sio-ping-timeout', '20s'];

// Why a tab may have stopped receiving: its disconnects (Socket.IO) or socket state (ws).
export function tabState(client) {
  if (client.socket) return `sio connected=${client.socket.connected} disconnects=${JSON.stringify(client.disconnects)}`;
  return `ws readyState=${client.ws.readyState}`;
}

export function psql(url, sql) {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

// The suite's PostgreSQL URL (tests/scripts/pg-start.sh), or null when there is none.
export function suitePgUrl() {
  const file = process.env.NOTIFY_PG_URL_FILE;
  try { return file ? readFileSync(file, 'utf8').trim() : null; } catch { return null; }
}

// A fresh database on the server of baseUrl; returns its URL.
export function createDatabase(baseUrl, prefix) {
  const name = `${prefix}_${process.pid}_${Date.now() % 100000}`;
  psql(baseUrl, `CREATE DATABASE ${name}`);
  return { name, url: baseUrl.replace(/\/[^/]*$/, `/${name}`) };
}

export function dropDatabase(baseUrl, name) {
  try { psql(baseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* best effort */ }
}

// until() for an async check: polls on the event loop, never sleeps past the condition.
export async function untilAsync(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    let v;
    try { v = await check(); } catch { v = undefined; }
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The notifications a tab received as notification:new, in arrival order.
export function received(client) {
  return client.all('notification:new').map((d) => d.notification);
}

export function lastUnread(client) {
  const list = client.all('notification:unread_count');
  return list.length ? list[list.length - 1].unreadCount : undefined;
}

// The committed notifications of a user as the store has them (back-office inbox route,
// paged): [{id, seq}] ascending by seq.
export async function committed(server, orgId, userId) {
  const out = [];
  let before = '';
  for (;;) {
    const r = await api(server, 'GET', `/api/v1/notifications?orgId=${orgId}&userId=${userId}&limit=100${before}`);
    if (r.status !== 200) throw new Error(`inbox of ${userId}: ${r.status} ${JSON.stringify(r.json)}`);
    for (const n of r.json.notifications) out.push({ id: n.id, seq: n.seq });
    if (!r.json.hasMore || r.json.notifications.length === 0) break;
    before = `&beforeSeq=${r.json.notifications.at(-1).seq}`;
  }
  return out.sort((a, b) => a.seq - b.seq);
}

// This node's entry in its own registry (GET /api/v1/stats).
export async function selfNode(server) {
  return (await api(server, 'GET', '/api/v1/stats')).json.cluster.nodes.find((n) => n.self);
}

// The admin channel of one node, as the operator console drives it (docs/protocol.md,
// "Admin channel").
export class AdminConsole {
  constructor(node, adminKey) {
    this.messages = [];
    this.nextId = 1;
    this.ws = new WebSocket(`ws://127.0.0.1:${new URL(node.apiUrl).port}/admin`, { headers: { Authorization: `Bearer ${adminKey}` } });
    this.ws.on('message', (d) => this.messages.push(JSON.parse(d.toString())));
  }
  async request(type, data = {}, ms = 5000) {
    const id = String(this.nextId++);
    await until(() => this.ws.readyState === WebSocket.OPEN, 5000, 'admin channel open');
    this.ws.send(JSON.stringify({ type, id, data }));
    const answer = await until(() => this.messages.find((m) => m.replyTo === id), ms, `admin ${type}`);
    assert.equal(answer.type, 'reply', JSON.stringify(answer));
    return answer.data;
  }
  deliveries() { return this.messages.filter((m) => m.type === 'delivery').map((m) => m.data); }
  close() { this.ws.close(); }
}
