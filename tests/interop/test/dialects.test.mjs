// Event dialects (docs/protocol.md, "Dialects"): each client here is written the way that
// dialect's front-end is written (the same io() options, the same event names, a
// browser-style WebSocket with the session cookie) and must see exactly those names and
// fields from a real notifyd.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { API_KEY, api, mintToken, startServer, until } from '../lib.mjs';

const ORG = 'org1';
let userSeq = 0;
const newUser = () => `d${++userSeq}`;

async function publishTo(server, user, extra = {}) {
  const r = await api(server, 'POST', '/api/v1/notifications',
    { orgId: ORG, userIds: [user], type: 'CLAIM_REJECTED', title: 'Claim rejected', body: 'Your claim was rejected.', ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.notifications[0];
}

// The REST routes that stand in for the dialects' HTTP/GraphQL calls, with the user's credential.
const me = (server, credential, method, route, body) => api(server, method, `/api/v1/me${route}`, body, credential);

async function newSession(server, user) {
  const r = await api(server, 'POST', '/api/v1/sessions', { orgId: ORG, userId: user, ttlSeconds: 600 }, API_KEY);
  assert.equal(r.status, 201);
  return r.json.token;
}

// A browser's WebSocket: the page's origin, and the session cookie the browser attaches.
class CookieTab {
  constructor(server, sessionToken) {
    this.messages = [];
    this.closed = null;
    this.ws = new WebSocket(`ws://127.0.0.1:${server.clientPort}/ws/notifications`, {
      headers: { Cookie: `theme=dark; session_id=${sessionToken}`, Origin: 'http://localhost:3000' },
    });
    this.ws.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
    this.ws.on('close', (code) => { this.closed = code; });
  }
  all(type) { return this.messages.filter((m) => m.type === type).map((m) => m.data); }
  lastCount() { const c = this.all('unread_count'); return c.length ? c[c.length - 1].count : undefined; }
  close() { this.ws.close(); }
}

// socket.io-client as those front-ends use it, recording every event.
class SeedSocket {
  constructor(url, opts) {
    this.socket = io(url, { ...opts, reconnection: false, forceNew: true });
    this.events = [];
    this.socket.onAny((name, ...args) => this.events.push({ name, data: args[0] }));
  }
  all(name) { return this.events.filter((e) => e.name === name).map((e) => e.data); }
  names() { return this.events.map((e) => e.name); }
  wait(name, pred = () => true, ms = 5000) { return until(() => this.all(name).find(pred), ms, `event ${name}`); }
  last(name) { const l = this.all(name); return l[l.length - 1]; }
  connected() { return until(() => this.socket.connected, 5000, 'connect'); }
  close() { this.socket.disconnect(); }
}

describe('snake, colon and crud on one node', () => {
  let server;
  before(async () => {
    server = await startServer(['--plain-dialect', 'snake', '--socketio-dialect', '/=colon',
      '--socketio-dialect', '/notifications=crud']);
  });
  after(async () => { await server?.stop(); });

  test('snake: session cookie, notification and unread_count frames, counts after REST changes', async () => {
    const user = newUser();
    const session = await newSession(server, user);
    const tab = new CookieTab(server, session);
    try {
      await until(() => tab.lastCount() === 0, 5000, 'unread_count on connect');
      assert.deepEqual(tab.messages[0], { type: 'unread_count', data: { count: 0 } });

      const first = await publishTo(server, user, { priority: 'high', actionUrl: '/claims/abc123', metadata: { claimNo: 42 } });
      const n = await until(() => tab.all('notification')[0], 5000, 'notification');
      assert.deepEqual(Object.keys(n).sort(), ['action_url', 'body', 'created_at', 'event_type', 'metadata',
        'notification_id', 'priority', 'title']);
      assert.equal(n.notification_id, first.id);
      assert.equal(n.title, 'Claim rejected');
      assert.equal(n.body, 'Your claim was rejected.');
      assert.equal(n.priority, 'HIGH');
      assert.equal(n.action_url, '/claims/abc123');
      assert.equal(n.event_type, 'CLAIM_REJECTED');
      assert.deepEqual(n.metadata, { claimNo: 42 });
      assert.match(n.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      await until(() => tab.lastCount() === 1, 5000, 'count 1');
      // Each notification is followed by the count.
      const types = tab.messages.map((m) => m.type);
      assert.deepEqual(types, ['unread_count', 'notification', 'unread_count']);

      const second = await publishTo(server, user);
      await until(() => tab.lastCount() === 2, 5000, 'count 2');
      assert.equal((await me(server, session, 'POST', '/notifications/read', { notificationIds: [first.id] })).status, 200);
      await until(() => tab.lastCount() === 1, 5000, 'count after read');
      assert.equal((await me(server, session, 'DELETE', `/notifications/${second.id}`)).status, 200);
      await until(() => tab.lastCount() === 0, 5000, 'count after delete');
      await publishTo(server, user);
      await publishTo(server, user);
      await until(() => tab.lastCount() === 2, 5000, 'count 2 again');
      assert.equal((await me(server, session, 'POST', '/notifications/read-all')).status, 200);
      await until(() => tab.lastCount() === 0, 5000, 'count after read-all');
      // No standard event ever reaches a snake tab.
      assert.deepEqual([...new Set(tab.messages.map((m) => m.type))].sort(), ['notification', 'unread_count']);
    } finally {
      tab.close();
    }
  });

  test('snake: a bad session cookie is closed with 4001', async () => {
    const tab = new CookieTab(server, 'A'.repeat(43));
    await until(() => tab.closed !== null, 5000, 'close');
    assert.equal(tab.closed, 4001);
    assert.deepEqual(tab.messages, []);
  });

  test('colon: notification:new, mark:read / mark:all:read with and without ack, notification:deleted, unread:count', async () => {
    const user = newUser();
    const token = mintToken(ORG, user);
    const c = new SeedSocket(server.clientUrl, { auth: { token }, transports: ['websocket'] });
    try {
      await c.connected();
      await c.wait('unread:count', (d) => d.count === 0);
      c.socket.emit('join', user); // such a client does this; it is a no-op
      const a = await publishTo(server, user, { actionUrl: '/orders/1' });
      const got = await c.wait('notification:new');
      assert.equal(got.id, a.id);
      assert.equal(got.type, 'CLAIM_REJECTED');
      assert.equal(got.title, 'Claim rejected');
      assert.equal(got.message, 'Your claim was rejected.');
      assert.equal(got.body, undefined);
      assert.equal(got.actionUrl, '/orders/1');
      assert.ok(got.createdAt);
      await c.wait('unread:count', (d) => d.count === 1);

      c.socket.emit('mark:read', { notificationId: a.id });
      const read = await c.wait('notification:read', (d) => d.id === a.id);
      assert.deepEqual(Object.keys(read).sort(), ['id', 'readAt']);
      await until(() => c.last('unread:count').count === 0, 5000, 'count 0');

      const b = await publishTo(server, user);
      await c.wait('unread:count', (d) => d.count === 1);
      const ack = await c.socket.timeout(5000).emitWithAck('mark:read', { notificationId: b.id });
      assert.deepEqual(ack, { ok: true, updated: 1, unreadCount: 0, unseenCount: 0 });
      await c.wait('notification:read', (d) => d.id === b.id);

      const d1 = await publishTo(server, user);
      const d2 = await publishTo(server, user);
      await c.wait('unread:count', (d) => d.count === 2);
      c.socket.emit('mark:all:read', {});
      await c.wait('notification:read', (d) => d.id === d1.id);
      await c.wait('notification:read', (d) => d.id === d2.id);
      await until(() => c.last('unread:count').count === 0, 5000, 'count 0 after read-all');
      await publishTo(server, user);
      await c.wait('unread:count', (d) => d.count === 1);
      const ackAll = await c.socket.timeout(5000).emitWithAck('mark:all:read', {});
      assert.deepEqual(ackAll, { ok: true, updated: 1, unreadCount: 0, unseenCount: 0 });

      const del = await me(server, token, 'DELETE', `/notifications/${a.id}`);
      assert.equal(del.status, 200);
      assert.deepEqual(await c.wait('notification:deleted', (d) => d.id === a.id), { id: a.id });
      assert.equal(c.all('error').length, 0, JSON.stringify(c.all('error')));
      // Nothing of the standard vocabulary.
      assert.equal(c.names().filter((n) => n.includes('_')).length, 0, c.names().join(','));
    } finally {
      c.close();
    }
  });

  test('colon: join with another user id gets an error and nothing of theirs', async () => {
    const user = newUser();
    const other = newUser();
    const c = new SeedSocket(server.clientUrl, { auth: { token: mintToken(ORG, user) }, transports: ['websocket'] });
    const theirs = new SeedSocket(server.clientUrl, { auth: { token: mintToken(ORG, other) }, transports: ['websocket'] });
    try {
      await c.connected();
      await theirs.connected();
      c.socket.emit('join', other);
      const err = await c.wait('error');
      assert.equal(err.code, 'forbidden');
      const ack = await c.socket.timeout(5000).emitWithAck('join', other);
      assert.equal(ack.ok, false);
      await publishTo(server, other, { title: 'for the other user only' });
      await theirs.wait('notification:new', (d) => d.title === 'for the other user only');
      await theirs.wait('unread:count', (d) => d.count === 1);
      // A later event of our own arrives after anything of theirs could have: then check.
      await publishTo(server, user, { title: 'mine' });
      await c.wait('notification:new', (d) => d.title === 'mine');
      assert.deepEqual(c.all('notification:new').map((d) => d.title), ['mine']);
      assert.deepEqual(c.all('unread:count').map((d) => d.count), [0, 1]);
    } finally {
      c.close();
      theirs.close();
    }
  });

  test('colon: lastSeq in the auth object replays what was missed as notification:new', async () => {
    const user = newUser();
    const token = mintToken(ORG, user);
    await publishTo(server, user, { title: 'one' });
    await publishTo(server, user, { title: 'two' });
    await publishTo(server, user, { title: 'three' });
    const c = new SeedSocket(server.clientUrl, { auth: { token, lastSeq: 1 }, transports: ['websocket'] });
    try {
      await c.wait('unread:count', (d) => d.count === 3);
      assert.deepEqual(c.all('notification:new').map((d) => [d.seq, d.title]), [[2, 'two'], [3, 'three']]);
      assert.deepEqual(c.names(), ['notification:new', 'notification:new', 'unread:count']);
    } finally {
      c.close();
    }
  });

  test('two tabs of one user on snake, colon and crud stay in sync', async () => {
    const user = newUser();
    const token = mintToken(ORG, user);
    const snake = new CookieTab(server, await newSession(server, user));
    const colon = new SeedSocket(server.clientUrl, { auth: { token }, transports: ['websocket'] });
    const crud = new SeedSocket(`${server.clientUrl}/notifications`, { auth: { token } });
    try {
      await colon.connected();
      await crud.connected();
      await until(() => snake.lastCount() === 0, 5000, 'snake connected');
      const a = await publishTo(server, user);
      await until(() => snake.lastCount() === 1, 5000, 'snake count 1');
      await colon.wait('notification:new', (d) => d.id === a.id);
      await crud.wait('notification:created', (d) => d.id === a.id);
      await crud.wait('notifications:unread-count', (d) => d.count === 1);

      // Read in the colon tab: the others follow.
      colon.socket.emit('mark:read', { notificationId: a.id });
      const updated = await crud.wait('notification:updated', (d) => d.id === a.id);
      assert.equal(updated.isRead, true);
      await until(() => snake.lastCount() === 0, 5000, 'snake count 0');
      await until(() => crud.last('notifications:unread-count').count === 0, 5000, 'crud count 0');

      // Delete in the crud tab (a standard request, which every dialect keeps).
      const reply = await crud.socket.timeout(5000).emitWithAck('delete', { notificationIds: [a.id] });
      assert.equal(reply.ok, true);
      await colon.wait('notification:deleted', (d) => d.id === a.id);
      await crud.wait('notification:deleted', (d) => d.id === a.id);
    } finally {
      snake.close();
      colon.close();
      crud.close();
    }
  });
});

describe('crud on the default namespace', () => {
  let server;
  before(async () => { server = await startServer(['--socketio-dialect', '/=crud']); });
  after(async () => { await server?.stop(); });

  test('crud: notification:created with the model, notification:updated, notifications:bulk-updated, deletes', async () => {
    const user = newUser();
    const token = mintToken(ORG, user);
    // That front-end's own options: default transports (polling, then the upgrade).
    const c = new SeedSocket(server.clientUrl, { auth: { token } });
    try {
      await c.connected();
      await c.wait('notifications:unread-count', (d) => d.count === 0);
      const lead = await publishTo(server, user, { type: 'lead_created', title: 'New lead', body: 'ACME Corp', entityType: 'lead', entityId: 'lead-42' });
      const created = await c.wait('notification:created', (d) => d.id === lead.id);
      assert.deepEqual(Object.keys(created).sort(), ['createdAt', 'id', 'isRead', 'message', 'relatedLeadId', 'seq',
        'title', 'type', 'updatedAt']);
      assert.equal(created.type, 'lead_created');
      assert.equal(created.title, 'New lead');
      assert.equal(created.message, 'ACME Corp');
      assert.equal(created.isRead, false);
      assert.equal(created.relatedLeadId, 'lead-42');
      assert.equal(created.updatedAt, created.createdAt);
      const other = await publishTo(server, user, { entityType: 'task', entityId: 't-1' });
      const otherCreated = await c.wait('notification:created', (d) => d.id === other.id);
      assert.equal(otherCreated.relatedLeadId, null);
      await c.wait('notifications:unread-count', (d) => d.count === 2);

      // markAsRead(id) → POST /api/v1/me/notifications/read
      assert.equal((await me(server, token, 'POST', '/notifications/read', { notificationIds: [lead.id] })).status, 200);
      const updated = await c.wait('notification:updated', (d) => d.id === lead.id);
      assert.deepEqual({ ...updated, updatedAt: undefined }, { ...created, isRead: true, updatedAt: undefined });
      assert.ok(updated.updatedAt >= created.createdAt);
      await c.wait('notifications:unread-count', (d) => d.count === 1);

      // markAllAsRead → POST /api/v1/me/notifications/read-all
      const third = await publishTo(server, user);
      await c.wait('notifications:unread-count', (d) => d.count === 2);
      assert.equal((await me(server, token, 'POST', '/notifications/read-all')).status, 200);
      const bulk = await c.wait('notifications:bulk-updated');
      assert.equal(bulk.action, 'markAllAsRead');
      assert.deepEqual([...bulk.ids].sort(), [other.id, third.id].sort());
      assert.equal(bulk.count, 2);
      assert.deepEqual(bulk.changes, { isRead: true });
      await until(() => c.last('notifications:unread-count').count === 0, 5000, 'count 0');

      // deleteNotification(id) → DELETE /api/v1/me/notifications/{id}
      assert.equal((await me(server, token, 'DELETE', `/notifications/${third.id}`)).status, 200);
      assert.deepEqual(await c.wait('notification:deleted'), { id: third.id });
      // getNotifications / getUnreadCount → GET /api/v1/me/notifications, /unread-count
      const list = await me(server, token, 'GET', '/notifications');
      assert.deepEqual(list.json.notifications.map((n) => n.id).sort(), [lead.id, other.id].sort());
      assert.equal((await me(server, token, 'GET', '/unread-count')).json.unreadCount, 0);
      assert.equal(c.socket.io.engine.transport.name, 'websocket');
    } finally {
      c.close();
    }
  });
});

describe('limits hold in every dialect', () => {
  let server;
  before(async () => {
    server = await startServer(['--plain-dialect', 'snake', '--socketio-dialect', '/=colon',
      '--rate-limit', '0.1/s,2', '--max-message-bytes', '1024']);
  });
  after(async () => { await server?.stop(); });

  test('colon: mark:read beyond the rate limit is refused with rate_limited', async () => {
    const user = newUser();
    const c = new SeedSocket(server.clientUrl, { auth: { token: mintToken(ORG, user) }, transports: ['websocket'] });
    try {
      await c.connected();
      const acks = await Promise.all([1, 2, 3].map(() =>
        c.socket.timeout(5000).emitWithAck('mark:read', { notificationId: 'none' })));
      // The burst of 2 is admitted (and finds nothing), the third is refused.
      assert.deepEqual(acks.map((a) => a.error?.code), ['not_found', 'not_found', 'rate_limited']);
    } finally {
      c.close();
    }
  });

  test('snake: a message over --max-message-bytes closes with 1009', async () => {
    const user = newUser();
    const tab = new CookieTab(server, await newSession(server, user));
    try {
      await until(() => tab.lastCount() === 0, 5000, 'connected');
      tab.ws.send(JSON.stringify({ type: 'get_unread_count', data: { pad: 'x'.repeat(2000) } }));
      await until(() => tab.closed !== null, 5000, 'close');
      assert.equal(tab.closed, 1009);
    } finally {
      tab.close();
    }
  });
});
