// The operator console's view of a cluster through one node's admin channel
// (docs/protocol.md, "Admin channel"; docs/operations.md, "Cluster", Console): two notifyd
// processes on one PostgreSQL database; a console on node-0 sees the rooms of a tab on
// node-1, node-1's trace records of its deliveries, and a send_test through node-0 reaches
// the user's tab on node-1.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, mintToken, api, until, PlainClient } from '../lib.mjs';
import { AdminConsole, NODE_ARGS, createDatabase, dropDatabase, suitePgUrl, untilAsync } from './common.mjs';

const baseUrl = suitePgUrl();
const skip = baseUrl ? false : 'PostgreSQL NOT AVAILABLE (no pg-url.txt): the cluster console test is SKIPPED';

const ORG = 'cc';
const ADMIN_KEY = 'interop-admin-key';
let db;
const nodes = [];
let tab;
let console0;


before(async () => {
  if (skip) return;
  db = createDatabase(baseUrl, 'notify_clconsole');
  const args = (name) => ['--db', db.url, '--node-name', name, ...NODE_ARGS, '--admin-key', ADMIN_KEY];
  nodes.push(await startServer(args('node-0')));
  nodes.push(await startServer(args('node-1')));
  for (const node of nodes) {
    await untilAsync(async () => (await api(node, 'GET', '/api/v1/stats')).json.cluster?.liveNodes === 2, 20000, 'two live nodes');
  }
  tab = new PlainClient(nodes[1], mintToken(ORG, 'alice', { role: 'agent' }));
  await until(() => tab.all('notification:unread_count').length > 0, 10000, 'the tab on node-1 is in');
  console0 = new AdminConsole(nodes[0], ADMIN_KEY);
  await until(() => console0.messages.find((m) => m.type === 'hello'), 5000, 'hello');
});

after(async () => {
  console0?.close();
  tab?.close();
  await Promise.all(nodes.map((n) => n.stop()));
  if (db) dropDatabase(baseUrl, db.name);
});

test('the console on node-0 gets the rooms of a connection on node-1', { skip }, async () => {
  const remote = await console0.request('cluster_connections');
  assert.equal(remote.complete, true, JSON.stringify(remote));
  const node1 = remote.nodes.find((n) => n.name === 'node-1');
  const alice = node1.connections.find((c) => c.userId === 'alice');
  assert.ok(alice, JSON.stringify(remote));
  assert.deepEqual([...alice.rooms].sort(),
    ['broadcast', 'org:cc', 'org:cc:role:agent', 'org:cc:user:alice']);
  assert.equal(alice.roomsTruncated, undefined);
  // node-0's own snapshot has no such room: the member is only node-1's.
  const snapshot = await console0.request('snapshot');
  assert.ok(!snapshot.rooms.some((r) => r.name === 'org:cc:user:alice'));
});

test('the trace of a console on node-0 shows node-1\'s delivery, naming node-1', { skip }, async () => {
  assert.equal((await console0.request('trace', { on: true })).on, true);
  // node-1 starts collecting when the subscription reaches it over the bus: each round
  // publishes one notification through node-0 and looks for node-1's record of it.
  let record;
  let published;
  await untilAsync(async () => {
    const r = await api(nodes[0], 'POST', '/api/v1/notifications', { orgId: ORG, userIds: ['alice'], type: 'TEST', title: 'Invoice ready' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    published = r.json.notifications[0].id;
    const id = published;
    try {
      record = await until(() => console0.deliveries().find((d) => d.notificationId === id && d.nodeName === 'node-1'), 1500, 'node-1 record');
    } catch { return false; }
    return true;
  }, 20000, 'a trace record from node-1');
  assert.equal(record.connections, 1);
  assert.equal(record.room, 'org:cc:user:alice');
  assert.equal(record.title, 'Invoice ready');
  assert.ok(record.nodeId && record.at, JSON.stringify(record));
  const self = console0.deliveries().find((d) => d.notificationId === published && d.nodeName === 'node-0');
  assert.ok(self, 'node-0 traces its own publish too');
  assert.equal(self.connections, 0, 'nobody on node-0');
  // The tab on node-1 got it.
  await tab.waitEvent('notification:new', (d) => d.notification.id === published);

  // Off: node-1 is told to stop; the reply comes at once.
  assert.equal((await console0.request('trace', { on: false })).on, false);
});

test('send_test through node-0 reaches the user\'s tab on node-1', { skip }, async () => {
  const sent = await console0.request('send_test', { orgId: ORG, userId: 'alice', title: 'console test' });
  assert.equal(sent.stored, true);
  assert.equal(sent.notificationIds.length, 1);
  const id = sent.notificationIds[0];
  const got = await tab.waitEvent('notification:new', (d) => d.notification.id === id);
  assert.equal(got.notification.title, 'console test');
  await until(() => tab.all('notification:unread_count').at(-1)?.unreadCount >= 1, 5000, 'unread count on node-1');
});

// "Did alice get it?" across nodes (docs/protocol.md, "Delivery of a notification"): each
// node records its own pushes; the answer through node-0 lists node-1's push to the tab
// there and node-0's record of none. A console on node-0 that watches alice learns of a
// read made on node-1 through the cluster bus (watch_user).
test('the delivery answer on node-0 names node-1\'s push; the watch sees node-1\'s read', { skip }, async () => {
  const watch = await console0.request('watch_user', { orgId: ORG, userId: 'alice' });
  assert.equal(watch.watching.userId, 'alice');
  const r = await api(nodes[0], 'POST', '/api/v1/notifications', { orgId: ORG, userIds: ['alice'], type: 'TEST', title: 'Where did it go' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const id = r.json.notifications[0].id;
  await tab.waitEvent('notification:new', (d) => d.notification.id === id);
  let delivery;
  await untilAsync(async () => {
    const user = await console0.request('user', { orgId: ORG, userId: 'alice' });
    delivery = user.notifications.find((n) => n.id === id)?.delivery;
    return delivery?.state === 'pushed' && delivery.nodes.length === 2;
  }, 10000, 'both nodes recorded');
  assert.equal(delivery.connections, 1, JSON.stringify(delivery));
  const byName = Object.fromEntries(delivery.nodes.map((n) => [n.name, n.connections]));
  assert.deepEqual(byName, { 'node-0': 0, 'node-1': 1 }, JSON.stringify(delivery));

  tab.ws.send(JSON.stringify({ type: 'mark_read', id: 'r1', data: { notificationIds: [id] } }));
  const changed = () => console0.messages.filter((m) => m.type === 'user:changed').map((m) => m.data);
  const read = await until(() => changed().find((c) => c.change === 'read' && c.ids.includes(id)), 10000, 'the read on node-1');
  assert.equal(read.userId, 'alice');
  assert.equal(typeof read.unreadCount, 'number');
  assert.ok(changed().some((c) => c.change === 'created'), 'the publish was told too');
  await console0.request('watch_user', {});
});

// What only node-1 knows of alice (its push to her tab there, her tab's receipt) reaches a
// console on node-0 that watches her, without a read or another change to carry it
// (WatchSubscribe / WatchActivity on the bus, docs/protocol.md "watch_user").
test('the watch on node-0 sees node-1\'s push and the receipt its tab sent', { skip }, async () => {
  await console0.request('watch_user', { orgId: ORG, userId: 'alice' });
  // node-1 learns of the watch on its next bus message; the subscription is sent at once.
  const node1Id = (await console0.request('nodes')).nodes.find((n) => n.name === 'node-1')?.id;
  assert.ok(node1Id, 'node-1 is listed');
  const changed = () => console0.messages.filter((m) => m.type === 'user:changed').map((m) => m.data);
  let id;
  // Publishes until node-1 has taken the subscription (it arrives over the bus, in order
  // with nothing this test can wait on otherwise); each try is a fresh notification.
  await untilAsync(async () => {
    const r = await api(nodes[0], 'POST', '/api/v1/notifications', { orgId: ORG, userIds: ['alice'], type: 'TEST', title: 'Seen where?' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    id = r.json.notifications[0].id;
    await tab.waitEvent('notification:new', (d) => d.notification.id === id);
    try {
      await until(() => changed().find((c) => c.change === 'pushed' && c.nodeId === node1Id && c.ids.includes(id)), 2000, 'node-1\'s push');
      return true;
    } catch {
      return false;
    }
  }, 15000, 'node-1 pushes to a watched user');
  const before = changed().length;
  tab.ws.send(JSON.stringify({ type: 'ack', data: { notificationIds: [id] } }));
  const receipt = await until(() => changed().slice(before).find((c) => c.change === 'receipt' && c.ids.includes(id)), 10000, 'the receipt taken on node-1');
  assert.equal(receipt.nodeId, node1Id);
  assert.equal(receipt.userId, 'alice');
  await console0.request('watch_user', {});
});

test('refused_connections on node-0 lists a refusal of node-1, with its reason and never the token', { skip }, async () => {
  // A token of mallory's with a signature that is not the server's.
  const good = mintToken(ORG, 'mallory');
  const forged = `${good.slice(0, good.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
  const ws = new WebSocket(`ws://127.0.0.1:${nodes[1].clientPort}/ws/notifications?token=${forged}`);
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  assert.equal(await closed, 4001);
  const answer = await console0.request('refused_connections', { orgId: ORG, userId: 'mallory' });
  assert.equal(answer.complete, true, JSON.stringify(answer));
  assert.equal(answer.refusals.length, 1, JSON.stringify(answer));
  const refusal = answer.refusals[0];
  assert.equal(refusal.nodeName, 'node-1');
  assert.equal(refusal.reason, 'bad_token');
  assert.equal(refusal.detail, 'bad_signature');
  assert.equal(refusal.userId, 'mallory');
  assert.ok(!JSON.stringify(answer).includes(forged.split('.')[2]), 'the token is not kept');
  assert.deepEqual(answer.nodes.map((n) => [n.name, n.answered]), [['node-1', true]]);
});
