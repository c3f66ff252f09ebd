// Cluster: three notifyd processes on one PostgreSQL database deliver every change to every
// tab, wherever it is connected (docs/operations.md, "Cluster"). Real socket.io-client and
// ws tabs, each user with tabs on two different nodes; publishes through random nodes.
import { readFileSync } from 'node:fs';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, mintToken, api, until, SioClient, PlainClient } from '../lib.mjs';
import { AdminConsole, NODE_ARGS, psql, tabState, untilAsync } from './common.mjs';

const urlFile = process.env.NOTIFY_PG_URL_FILE;
let baseUrl = null;
try { baseUrl = urlFile ? readFileSync(urlFile, 'utf8').trim() : null; } catch { baseUrl = null; }
const skip = baseUrl ? false : 'PostgreSQL NOT AVAILABLE (no pg-url.txt): the cluster test is SKIPPED';

const ORG = 'cl';
const ADMIN_KEY = 'interop-admin-key';
const OTHER_ORG = 'cl-other';
// The size of the issue: 30 users with two tabs each (60 clients, and an outsider), 2,000
// publishes; 26-54 s for the whole file on the shared 2-core machine. Smaller for a quick
// run: NOTIFY_CLUSTER_USERS=6 NOTIFY_CLUSTER_PUBLISHES=90 (at least 3 users).
const USER_COUNT = Number(process.env.NOTIFY_CLUSTER_USERS ?? 30);
const PUBLISHES = Number(process.env.NOTIFY_CLUSTER_PUBLISHES ?? 2000);
// Publishes in flight at once, through random nodes: commits for one user on different
// nodes race, which is what the per-user order guarantee is about.
const CONCURRENCY = 8;
const USERS = Array.from({ length: USER_COUNT }, (_, i) => `u${i}`);
const dbName = `notify_cluster_${process.pid}_${Date.now() % 100000}`;
let dbUrl;
const nodes = [];
const tabs = []; // { user, node, kind, client }
let outsider;
const expected = new Map(USERS.map((u) => [u, []])); // user -> [{id, seq}] in publish order

function pick(list) { return list[Math.floor(Math.random() * list.length)]; }

// The notifications of a tab's notification:new events.
// The notifications of a tab's notification:new events since its user's expected list
// was last reset (tab.skip: how many came before).
function received(tab) {
  return tab.client.all('notification:new').slice(tab.skip ?? 0).map((d) => d.notification);
}

function unreadEvents(tab) { return tab.client.all('notification:unread_count'); }

async function publishVia(node, users, title) {
  const r = await api(node, 'POST', '/api/v1/notifications', { orgId: ORG, userIds: users, type: 'TEST', title });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  for (const n of r.json.notifications) expected.get(n.userId).push({ id: n.id, seq: n.seq });
}

// Every tab has exactly its user's notifications, each once, in seq order, and its last
// unread count equals the number of its user's unread notifications.
async function assertAllDelivered(unreadOf) {
  for (const tab of tabs) {
    const want = expected.get(tab.user);
    try {
      await until(() => received(tab).length >= want.length, 30000, 'delivery');
    } catch {
      const got = new Set(received(tab).map((n) => n.id));
      const missing = want.filter((w) => !got.has(w.id)).map((w) => w.seq);
      throw new Error(`${tab.kind} tab of ${tab.user} on node ${tab.node}: ${received(tab).length}/${want.length},`
        + ` missing seqs ${missing}; ${tabState(tab.client)}\n${nodes[tab.node].log().slice(-3000)}`);
    }
  }
  for (const tab of tabs) {
    const got = received(tab);
    const want = expected.get(tab.user);
    const ids = got.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, `duplicates on the ${tab.kind} tab of ${tab.user}`);
    assert.deepEqual(new Set(ids), new Set(want.map((w) => w.id)), `set of ${tab.user} on node ${tab.node}`);
    const seqs = got.map((n) => n.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `seq order on the ${tab.kind} tab of ${tab.user}`);
    const wantUnread = unreadOf(tab.user);
    await until(() => unreadEvents(tab).at(-1)?.unreadCount === wantUnread, 15000, 'unread count').catch(() => {
      throw new Error(`last unread count of ${tab.user} on node ${tab.node}: `
        + `${unreadEvents(tab).at(-1)?.unreadCount}, want ${wantUnread}`);
    });
  }
}

before(async () => {
  if (skip) return;
  psql(baseUrl, `CREATE DATABASE ${dbName}`);
  dbUrl = baseUrl.replace(/\/[^/]*$/, `/${dbName}`);
  // The first node migrates; the others find the schema done.
  nodes.push(await startServer(['--db', dbUrl, '--node-name', 'node-0', ...NODE_ARGS, '--admin-key', ADMIN_KEY]));
  nodes.push(...await Promise.all([1, 2].map((i) => startServer(['--db', dbUrl, '--node-name', `node-${i}`, ...NODE_ARGS, '--admin-key', ADMIN_KEY]))));
  USERS.forEach((user, i) => {
    const plainNode = i % 3;
    const sioNode = (i + 1) % 3;
    tabs.push({ user, node: plainNode, kind: 'plain', client: new PlainClient(nodes[plainNode], mintToken(ORG, user)) });
    tabs.push({ user, node: sioNode, kind: 'sio', client: new SioClient(nodes[sioNode], { token: mintToken(ORG, user) }) });
  });
  outsider = new PlainClient(nodes[0], mintToken(OTHER_ORG, 'u0'));
  for (const tab of [...tabs, { client: outsider, user: 'outsider', kind: 'plain', node: 0 }]) {
    try {
      await until(() => tab.client.all('notification:unread_count').length > 0, 20000,
        `initial unread count of the ${tab.kind} tab of ${tab.user} on node ${tab.node}`);
    } catch (e) {
      const sio = tab.kind === 'sio' ? ` connect errors ${JSON.stringify(tab.client.connectErrors.map((x) => x.message))} events ${JSON.stringify(tab.client.events)}` : '';
      throw new Error(`${e.message}${sio}\n${nodes[tab.node].log().slice(-3000)}`);
    }
  }
  // Each node knows the others (first heartbeat) before presence asks them.
  for (const node of nodes) {
    await untilAsync(async () => (await api(node, 'GET', '/api/v1/stats')).json.cluster?.liveNodes === 3, 20000, 'three live nodes');
  }
});

after(async () => {
  for (const tab of tabs) tab.client.close();
  outsider?.close();
  await Promise.all(nodes.map((n) => n.stop()));
  if (dbUrl) {
    try { psql(baseUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`); } catch { /* best effort */ }
  }
});

test('every tab gets exactly its user\'s notifications, in seq order, from any node', { skip }, async () => {
  let next = 0;
  const worker = async () => {
    while (next < PUBLISHES) {
      const i = next++;
      const users = [pick(USERS)];
      if (i % 3 === 0) users.push(pick(USERS.filter((u) => u !== users[0])));
      await publishVia(pick(nodes), users, `n${i}`);
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  console.log(`# ${PUBLISHES} publishes to ${USERS.length} users (${tabs.length} tabs) in ${Date.now() - started} ms`);
  await assertAllDelivered((u) => expected.get(u).length);
  assert.equal(outsider.all('notification:new').length, 0, 'nothing foreign');
});

test('a read on one node reaches the tab on another', { skip }, async () => {
  const plain = tabs.find((t) => t.user === 'u0' && t.kind === 'plain');
  const sio = tabs.find((t) => t.user === 'u0' && t.kind === 'sio');
  assert.notEqual(plain.node, sio.node);
  const target = expected.get('u0')[0].id;
  const reply = await api(nodes[plain.node], 'POST', '/api/v1/me/notifications/read',
    { notificationIds: [target] }, mintToken(ORG, 'u0'));
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  const read = await sio.client.waitEvent('notification:marked_read', (d) => d.notificationIds.includes(target));
  assert.ok(read);
  const want = expected.get('u0').length - 1;
  await until(() => sio.client.lastUnread() === want, 5000, 'unread count after the read');
  // The rest of the users keep their counts; read everything back to unread bookkeeping.
  expected.get('u0').shift();
  // Seen on one node (docs/protocol.md, "Inbox states") reaches the tab on another with both
  // counts: the unread one stays, the unseen one drops.
  const seenTarget = expected.get('u0')[0]?.id;
  if (seenTarget) {
    const seen = await api(nodes[plain.node], 'POST', '/api/v1/me/notifications/seen',
      { notificationIds: [seenTarget] }, mintToken(ORG, 'u0'));
    assert.equal(seen.status, 200, JSON.stringify(seen.json));
    assert.equal(seen.json.unreadCount, want);
    assert.equal(seen.json.unseenCount, want - 1);
    await sio.client.waitEvent('notification:seen', (d) => d.notificationIds.includes(seenTarget));
    await until(() => sio.client.all('notification:unread_count').at(-1).unseenCount === want - 1,
      5000, 'unseen count after the seen');
  }
  // Read-all through a third node reaches both tabs.
  const third = [0, 1, 2].find((n) => n !== plain.node && n !== sio.node);
  const all = await api(nodes[third], 'POST', '/api/v1/me/notifications/read-all', {}, mintToken(ORG, 'u0'));
  assert.equal(all.status, 200, JSON.stringify(all.json));
  await until(() => sio.client.lastUnread() === 0, 5000, 'sio unread 0 after read-all');
  await until(() => plain.client.all('notification:unread_count').at(-1).unreadCount === 0, 5000, 'plain unread 0');
  expected.set('u0', []);
  // From here on u0's tabs are checked against what comes next; their last unread count
  // (0 from the read-all) stays, for a u0 that gets nothing new.
  for (const t of tabs.filter((x) => x.user === 'u0')) t.skip = t.client.all('notification:new').length;
});

test('presence counts the connections of every node, with a per-node breakdown', { skip }, async () => {
  for (const node of nodes) {
    const r = await api(node, 'GET', `/api/v1/presence?orgId=${ORG}&userId=u1`);
    assert.equal(r.status, 200);
    assert.equal(r.json.connections, 2, JSON.stringify(r.json));
    assert.equal(r.json.online, true);
    assert.equal(r.json.complete, true);
    assert.equal(r.json.nodes.length, 3);
    assert.equal(r.json.nodes.reduce((s, n) => s + n.connections, 0), 2);
  }
  // Stats: the cluster totals are the sum of the nodes' own counts (registry heartbeat).
  const total = tabs.length + 1;
  await untilAsync(async () => (await api(nodes[1], 'GET', '/api/v1/stats')).json.cluster.connections.total === total,
    10000, 'cluster connection total');
  const stats = (await api(nodes[1], 'GET', '/api/v1/stats')).json;
  let sum = 0;
  for (const node of nodes) sum += (await api(node, 'GET', '/api/v1/stats')).json.connections.total;
  assert.equal(stats.cluster.connections.total, sum);
  assert.equal(stats.cluster.nodes.length, 3);
  assert.deepEqual(stats.cluster.nodes.map((n) => n.name).sort(), ['node-0', 'node-1', 'node-2']);
  assert.equal(stats.cluster.nodes.filter((n) => n.self).length, 1);
});

test('an org announcement reaches its members on every node', { skip }, async () => {
  const r = await api(nodes[2], 'POST', '/api/v1/broadcasts', { orgId: ORG, title: 'maintenance' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  for (const tab of tabs) {
    await tab.client.waitEvent('announcement', (a) => a.id === r.json.id, 5000);
  }
  // The other org's tab (on the node that did not publish) gets nothing of it.
  assert.equal(outsider.all('announcement').length, 0);
});

test('a session revoked through one node closes its tab on another within 1 s', { skip }, async () => {
  const created = await api(nodes[0], 'POST', '/api/v1/sessions', { orgId: ORG, userId: 'u2', ttlSeconds: 600 });
  assert.equal(created.status, 201);
  const ws = new WebSocket(`ws://127.0.0.1:${nodes[2].clientPort}/ws/notifications?token=${created.json.token}`);
  const messages = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  let closeCode = null;
  ws.on('close', (code) => { closeCode = code; });
  await until(() => messages.some((m) => m.type === 'notification:unread_count'), 5000, 'session tab connected');
  const started = Date.now();
  const revoked = await api(nodes[0], 'DELETE', `/api/v1/sessions/${encodeURIComponent(created.json.token)}`);
  assert.equal(revoked.status, 204);
  await until(() => closeCode !== null, 1000, 'close within 1 s');
  assert.equal(closeCode, 4001);
  assert.ok(Date.now() - started <= 1000);
});

test('the listening connection killed during publishing: every committed notification still reaches every tab', { skip }, async () => {
  const victim = nodes[1];
  const stats = (await api(victim, 'GET', '/api/v1/stats')).json;
  const victimId = stats.cluster.nodes.find((n) => n.self).id;
  const before = Object.fromEntries(USERS.map((u) => [u, expected.get(u).length]));
  for (let i = 0; i < 60; ++i) {
    if (i === 15) {
      const killed = psql(dbUrl, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
        WHERE application_name = 'notifyd-bus-${victimId}'`);
      assert.equal(killed, '1');
    }
    // Through the other nodes: these commits reach the victim only through its catch-up
    // while its bus is down.
    await publishVia(pick(i >= 15 ? [nodes[0], nodes[2]] : nodes), [pick(USERS)], `k${i}`);
  }
  assert.ok(USERS.some((u) => expected.get(u).length > before[u]));
  await assertAllDelivered((u) => expected.get(u).length);
  await untilAsync(async () => (await api(victim, 'GET', '/readyz')).status === 200, 10000, 'victim ready again');
  await until(() => /bus connection lost/.test(victim.log()), 5000, 'the victim saw its bus drop');
  await until(() => /bus connection back; catching up/.test(victim.log()), 5000, 'the victim caught up');
});


test('the console on one node sees every node and its connections, and kicks a tab on another node', { skip }, async () => {
  const console0 = new AdminConsole(nodes[0], ADMIN_KEY);
  try {
    const hello = await until(() => console0.messages.find((m) => m.type === 'hello'), 5000, 'hello');
    assert.equal(hello.data.cluster.name, 'node-0');

    const listed = await console0.request('nodes');
    assert.equal(listed.cluster, true);
    assert.deepEqual(listed.nodes.map((n) => n.name).sort(), ['node-0', 'node-1', 'node-2']);
    assert.deepEqual(listed.nodes.filter((n) => n.self).map((n) => n.name), ['node-0']);
    for (const n of listed.nodes) {
      assert.equal(n.state, 'up');
      assert.ok(n.version && n.lastHeartbeat && n.apiAddress, JSON.stringify(n));
    }

    // A tab of its own on node 1, so that the other tests' tabs stay as they are.
    const victim = new PlainClient(nodes[1], mintToken(ORG, 'kick-me'));
    let closeCode = null;
    victim.ws.on('close', (code) => { closeCode = code; });
    await victim.waitEvent('notification:unread_count');

    const remote = await console0.request('cluster_connections');
    assert.equal(remote.complete, true, JSON.stringify(remote));
    assert.deepEqual(remote.nodes.map((n) => n.name).sort(), ['node-1', 'node-2']);
    // Each node lists exactly its own tabs: a user's tab is on the node the test put it.
    const on = (name) => remote.nodes.find((n) => n.name === name).connections;
    for (const [index, name] of [[1, 'node-1'], [2, 'node-2']]) {
      const want = tabs.filter((t) => t.node === index).map((t) => `${t.user}/${t.kind === 'sio' ? 'socket.io' : 'plain'}`);
      if (index === 1) want.push('kick-me/plain');
      const got = on(name).filter((c) => c.orgId === ORG).map((c) => `${c.userId}/${c.protocol}`);
      assert.deepEqual(got.sort(), want.sort(), `connections of ${name}`);
    }
    const target = on('node-1').find((c) => c.userId === 'kick-me');
    assert.ok(target, 'the new tab is listed under node-1');
    const node1 = listed.nodes.find((n) => n.name === 'node-1');

    const kicked = await console0.request('kick', { connectionId: target.id, nodeId: node1.id });
    assert.equal(kicked.ok, true);
    await until(() => closeCode !== null, 5000, 'the tab on node-1 closed by a kick through node-0');
    assert.equal(closeCode, 1000);
    // The other tabs of node 1 stay.
    const after = await console0.request('cluster_connections');
    assert.ok(!after.nodes.find((n) => n.name === 'node-1').connections.some((c) => c.userId === 'kick-me'));
    assert.equal(after.nodes.find((n) => n.name === 'node-1').connections.filter((c) => c.orgId === ORG).length,
      tabs.filter((t) => t.node === 1).length);
  } finally {
    console0.close();
  }
});
