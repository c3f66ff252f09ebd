// An unmodified socket.io-client 4 against notifyd: both transports, auth, events, acks,
// recovery, heartbeat, and the plain protocol side by side.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Manager } from 'socket.io-client';
import {
  PING_INTERVAL_MS, PING_TIMEOUT_MS, PlainClient, SioClient, api, mintToken, publish,
  rawRequest, startServer, until,
} from '../lib.mjs';

let server;
let userSeq = 0;
// Every test gets its own user, so that counts and deliveries never mix.
const newUser = () => `u${++userSeq}`;
const ORG = 'org1';

before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

for (const [label, transports] of [['default transports (polling, then upgrade)', undefined],
  ['websocket only', ['websocket']], ['polling only', ['polling']]]) {
  describe(label, () => {
    test('connects, gets the unread count and notification:new after an HTTP publish', async () => {
      const user = newUser();
      const c = new SioClient(server, { token: mintToken(ORG, user), transports });
      try {
        await c.waitConnected();
        const count = await c.waitEvent('notification:unread_count');
        assert.equal(count.unreadCount, 0);
        if (!transports) {
          // The default client starts on polling and upgrades to websocket.
          await until(() => c.socket.io.engine.transport.name === 'websocket', 5000, 'upgrade');
        } else {
          assert.equal(c.socket.io.engine.transport.name, transports[0]);
        }
        const published = await publish(server, ORG, [user], 'hello');
        const got = await c.waitEvent('notification:new');
        assert.equal(got.notification.id, published.notifications[0].id);
        assert.equal(got.notification.title, 'hello');
        assert.equal(got.notification.seq, 1);
        assert.equal(got.notification.orgId, undefined);
        await c.waitEvent('notification:unread_count', (d) => d.unreadCount === 1);
        const reply = await c.emitWithAck('mark_read', { notificationIds: [got.notification.id] });
        assert.deepEqual(reply, { ok: true, updated: 1, unreadCount: 0, unseenCount: 0 });
      } finally {
        c.close();
      }
    });

    test('a bad token gets connect_error "unauthorized"', async () => {
      const c = new SioClient(server, { token: 'not-a-token', transports });
      try {
        const err = await until(() => c.connectErrors[0], 5000, 'connect_error');
        assert.equal(err.message, 'unauthorized');
        assert.equal(c.socket.connected, false);
        assert.equal(c.all('notification:unread_count').length, 0);
      } finally {
        c.close();
      }
    });

    test('the server ping keeps an idle client connected past 2 x pingInterval', async () => {
      const user = newUser();
      const c = new SioClient(server, { token: mintToken(ORG, user), transports });
      try {
        await c.waitConnected();
        let pings = 0;
        c.socket.io.engine.on('ping', () => { pings += 1; });
        // Time passing is the subject here: idle for longer than pingInterval + pingTimeout.
        await new Promise((r) => setTimeout(r, 2 * PING_INTERVAL_MS + PING_TIMEOUT_MS / 2));
        assert.ok(pings >= 2, `expected at least 2 pings, got ${pings}`);
        assert.equal(c.socket.connected, true);
        assert.deepEqual(c.disconnects, []);
        await publish(server, ORG, [user], 'still here');
        await c.waitEvent('notification:new', (d) => d.notification.title === 'still here');
      } finally {
        c.close();
      }
    });
  });
}

test('the unread count arrives on connect', async () => {
  const user = newUser();
  await publish(server, ORG, [user], 'one');
  await publish(server, ORG, [user], 'two');
  const c = new SioClient(server, { token: mintToken(ORG, user) });
  try {
    const count = await c.waitEvent('notification:unread_count');
    assert.equal(count.unreadCount, 2);
    assert.equal(typeof count.timestamp, 'string');
  } finally {
    c.close();
  }
});

test('mark_seen with an ack lowers the unseen count only; the other tab gets notification:seen', async () => {
  const user = newUser();
  const a = new SioClient(server, { token: mintToken(ORG, user) });
  const b = new SioClient(server, { token: mintToken(ORG, user), transports: ['websocket'] });
  try {
    await a.waitConnected();
    await b.waitConnected();
    const p1 = await publish(server, ORG, [user], 'first');
    await publish(server, ORG, [user], 'second');
    await b.waitEvent('notification:unread_count', (d) => d.unreadCount === 2 && d.unseenCount === 2);
    const id = p1.notifications[0].id;
    const reply = await a.emitWithAck('mark_seen', { notificationIds: [id] });
    assert.deepEqual(reply, { ok: true, updated: 1, unreadCount: 2, unseenCount: 1 });
    const seen = await b.waitEvent('notification:seen');
    assert.deepEqual(seen.notificationIds, [id]);
    assert.equal(typeof seen.seenAt, 'string');
    await b.waitEvent('notification:unread_count', (d) => d.unreadCount === 2 && d.unseenCount === 1);
    const all = await b.emitWithAck('mark_all_seen', {});
    assert.deepEqual(all, { ok: true, updated: 1, unreadCount: 2, unseenCount: 0 });
    await a.waitEvent('notification:unread_count', (d) => d.unseenCount === 0);
    const bad = await a.emitWithAck('mark_seen', { notificationIds: 'x' });
    assert.equal(bad.ok, false);
    assert.equal(bad.error.code, 'invalid_payload');
  } finally {
    a.close();
    b.close();
  }
});

test('mark_read with an ack decrements the count; the other tab gets notification:marked_read', async () => {
  const user = newUser();
  const a = new SioClient(server, { token: mintToken(ORG, user) });
  const b = new SioClient(server, { token: mintToken(ORG, user), transports: ['websocket'] });
  try {
    await a.waitConnected();
    await b.waitConnected();
    const p1 = await publish(server, ORG, [user], 'first');
    await publish(server, ORG, [user], 'second');
    await a.waitEvent('notification:unread_count', (d) => d.unreadCount === 2);
    const id = p1.notifications[0].id;
    const reply = await a.emitWithAck('mark_read', { notificationIds: [id] });
    assert.deepEqual(reply, { ok: true, updated: 1, unreadCount: 1, unseenCount: 1 });
    const marked = await b.waitEvent('notification:marked_read');
    assert.deepEqual(marked.notificationIds, [id]);
    assert.equal(typeof marked.readAt, 'string');
    await b.waitEvent('notification:unread_count', (d) => d.unreadCount === 1);

    const count = await b.emitWithAck('get_unread_count', {});
    assert.deepEqual(count, { ok: true, unreadCount: 1, unseenCount: 1 });
    const bad = await a.emitWithAck('mark_read', { notificationIds: [] });
    assert.equal(bad.ok, false);
    assert.equal(bad.error.code, 'invalid_payload');
    const unknown = await a.emitWithAck('no_such_request', {});
    assert.equal(unknown.error.code, 'unknown_type');
    const notFound = await a.emitWithAck('delete', { notificationIds: ['00000000-0000-4000-8000-000000000000'] });
    assert.equal(notFound.error.code, 'not_found');
  } finally {
    a.close();
    b.close();
  }
});

test('a request without an ack callback fails with an error event', async () => {
  const user = newUser();
  const c = new SioClient(server, { token: mintToken(ORG, user) });
  try {
    await c.waitConnected();
    c.socket.emit('mark_read', { notificationIds: 'nope' });
    const err = await c.waitEvent('error');
    assert.equal(err.code, 'invalid_payload');
    c.socket.emit('get_recent', { limit: 5 });
    const recent = await c.waitEvent('notification:recent');
    assert.deepEqual(recent.notifications, []);
  } finally {
    c.close();
  }
});

test('binary packets are refused with a clear error', async () => {
  const user = newUser();
  const c = new SioClient(server, { token: mintToken(ORG, user), transports: ['websocket'] });
  try {
    await c.waitConnected();
    c.socket.emit('mark_read', Buffer.from([1, 2, 3]));
    const err = await c.waitEvent('error');
    assert.equal(err.code, 'invalid_payload');
    assert.match(err.message, /binary/);
    assert.equal(c.socket.connected, true);
  } finally {
    c.close();
  }
});

test('reconnecting with lastSeq recovers what was missed', async () => {
  const user = newUser();
  const token = mintToken(ORG, user);
  const first = new SioClient(server, { token });
  let lastSeq;
  try {
    await first.waitConnected();
    await publish(server, ORG, [user], 'seen');
    lastSeq = (await first.waitEvent('notification:new')).notification.seq;
  } finally {
    first.close();
  }
  await publish(server, ORG, [user], 'missed 1');
  await publish(server, ORG, [user], 'missed 2');
  const again = new SioClient(server, { token, lastSeq });
  try {
    const recent = await again.waitEvent('notification:recent');
    assert.deepEqual(recent.notifications.map((n) => n.title), ['missed 1', 'missed 2']);
    assert.deepEqual(recent.notifications.map((n) => n.seq), [lastSeq + 1, lastSeq + 2]);
    assert.equal(recent.hasMore, false);
    assert.equal(recent.unreadCount, 3);
  } finally {
    again.close();
  }
});

test('a plain ws client and a socket.io client of the same user both receive', async () => {
  const user = newUser();
  const token = mintToken(ORG, user);
  const plain = new PlainClient(server, token);
  const sio = new SioClient(server, { token, nsp: '/' });
  try {
    await plain.waitEvent('notification:unread_count');
    await sio.waitEvent('notification:unread_count');
    await publish(server, ORG, [user], 'to both');
    const p = await plain.waitEvent('notification:new');
    const s = await sio.waitEvent('notification:new');
    assert.deepEqual(s, p);
    // A read on the plain tab reaches the Socket.IO tab.
    plain.ws.send(JSON.stringify({ type: 'mark_all_read', id: '1', data: {} }));
    await sio.waitEvent('notification:marked_read');
    await sio.waitEvent('notification:unread_count', (d) => d.unreadCount === 0);
  } finally {
    plain.close();
    sio.close();
  }
});

test('several namespaces share one Engine.IO session', async () => {
  const user = newUser();
  const token = mintToken(ORG, user);
  const manager = new Manager(server.clientUrl, { reconnection: false });
  const main = new SioClient(server, { token, nsp: '/', manager });
  const notif = new SioClient(server, { token, nsp: '/notifications', manager });
  try {
    await main.waitConnected();
    await notif.waitConnected();
    assert.equal(main.socket.io.engine, notif.socket.io.engine);
    await publish(server, ORG, [user], 'fan out');
    await main.waitEvent('notification:new');
    await notif.waitEvent('notification:new');
    // Leaving one namespace keeps the other.
    notif.socket.disconnect();
    await publish(server, ORG, [user], 'after');
    await main.waitEvent('notification:new', (d) => d.notification.title === 'after');
  } finally {
    main.close();
    notif.close();
    manager.engine?.close();
  }
});

test('an unknown namespace gets connect_error "Invalid namespace"', async () => {
  const c = new SioClient(server, { token: mintToken(ORG, newUser()), nsp: '/elsewhere' });
  try {
    const err = await until(() => c.connectErrors[0], 5000, 'connect_error');
    assert.equal(err.message, 'Invalid namespace');
  } finally {
    c.close();
  }
});

test('revoking the session sends DISCONNECT for the namespace, then closes', async () => {
  const user = newUser();
  const created = await api(server, 'POST', '/api/v1/sessions', { orgId: ORG, userId: user, ttlSeconds: 600 });
  assert.equal(created.status, 201);
  const c = new SioClient(server, { token: created.json.token });
  try {
    await c.waitConnected();
    await c.waitEvent('notification:unread_count');
    const revoked = await api(server, 'DELETE', `/api/v1/sessions/${encodeURIComponent(created.json.token)}`);
    assert.equal(revoked.status, 204);
    const reason = await until(() => c.disconnects[0], 5000, 'disconnect');
    // "io server disconnect" is what socket.io-client reports for a server DISCONNECT packet.
    assert.equal(reason, 'io server disconnect');
  } finally {
    c.close();
  }
});

describe('Engine.IO HTTP errors', () => {
  test('another EIO version', async () => {
    const r = await rawRequest(server, 'GET', '/socket.io/?EIO=3&transport=polling');
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { code: 5, message: 'Unsupported protocol version' });
  });
  test('an unknown transport', async () => {
    const r = await rawRequest(server, 'GET', '/socket.io/?EIO=4&transport=flash');
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { code: 0, message: 'Transport unknown' });
  });
  test('an unknown sid', async () => {
    const r = await rawRequest(server, 'GET', '/socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA');
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { code: 1, message: 'Session ID unknown' });
  });
  test('a handshake that is not a GET', async () => {
    const r = await rawRequest(server, 'PUT', '/socket.io/?EIO=4&transport=polling');
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { code: 2, message: 'Bad handshake method' });
  });
  test('the polling handshake states the contract\'s open packet', async () => {
    const r = await rawRequest(server, 'GET', '/socket.io/?EIO=4&transport=polling');
    assert.equal(r.status, 200);
    assert.equal(r.body[0], '0');
    const open = JSON.parse(r.body.slice(1));
    assert.deepEqual(Object.keys(open), ['sid', 'upgrades', 'pingInterval', 'pingTimeout', 'maxPayload']);
    assert.deepEqual(open.upgrades, ['websocket']);
    assert.equal(open.pingInterval, PING_INTERVAL_MS);
    assert.equal(open.maxPayload, 1000000);
  });
});
