// Failover: two notifyd nodes on one PostgreSQL database, each user with a tab on each;
// node A is killed with SIGKILL while notifications are published through both nodes
// (docs/operations.md, "Cluster"). What was acknowledged, and exactly what was committed,
// reaches the tab on B once and in order; the tab that was on A reconnects to B with its
// lastSeq and recovers what it missed; B's registry shows A gone, then removes it.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, mintToken, api, until, SioClient, PlainClient } from '../lib.mjs';
import {
  NODE_ARGS, suitePgUrl, createDatabase, dropDatabase, untilAsync, received, lastUnread, committed, selfNode,
} from './common.mjs';

const baseUrl = suitePgUrl();
const skip = baseUrl ? false : 'PostgreSQL NOT AVAILABLE (no pg-url.txt): the failover test is SKIPPED';

const ORG = 'fo';
const USERS = ['u0', 'u1', 'u2', 'u3'];
// Short, so that the registry part of the test takes seconds; several heartbeats (2 s) long
// so that a live but busy node is not reported gone.
const GONE_AFTER_S = 4;
let db;
let a;
let b;
const tabsA = new Map(); // user -> client on A
const tabsB = new Map(); // user -> client on B
const acknowledged = new Map(USERS.map((u) => [u, []])); // user -> [{id, seq}]

function pick(list) { return list[Math.floor(Math.random() * list.length)]; }

// One publish; resolves to true when acknowledged (201), false when the node failed it or
// died under it (such a notification may or may not have committed).
async function publishVia(node, user, title) {
  let r;
  try {
    r = await api(node, 'POST', '/api/v1/notifications', { orgId: ORG, userIds: [user], type: 'TEST', title });
  } catch {
    return false;
  }
  if (r.status !== 201) return false;
  for (const n of r.json.notifications) acknowledged.get(n.userId).push({ id: n.id, seq: n.seq });
  return true;
}

before(async () => {
  if (skip) return;
  db = createDatabase(baseUrl, 'notify_failover');
  const args = (name) => ['--db', db.url, '--node-name', name, '--node-gone-after', `${GONE_AFTER_S}s`, ...NODE_ARGS];
  a = await startServer(args('node-a'));
  b = await startServer(args('node-b'));
  USERS.forEach((user, i) => {
    // Both protocols on each node.
    const token = mintToken(ORG, user);
    tabsA.set(user, i % 2 ? new SioClient(a, { token }) : new PlainClient(a, token));
    tabsB.set(user, i % 2 ? new PlainClient(b, token) : new SioClient(b, { token }));
  });
  for (const client of [...tabsA.values(), ...tabsB.values()]) {
    await until(() => client.all('notification:unread_count').length > 0, 15000, 'initial unread count');
  }
  for (const node of [a, b]) {
    await untilAsync(async () => (await api(node, 'GET', '/api/v1/stats')).json.cluster.liveNodes === 2,
      20000, 'both nodes in the registry');
  }
});

after(async () => {
  for (const client of [...tabsA.values(), ...tabsB.values()]) client.close();
  await Promise.all([a, b].filter(Boolean).map((n) => n.stop()));
  if (db) dropDatabase(baseUrl, db.name);
});

test('kill -9 of a node during publishing: the other node delivers exactly the committed set', { skip }, async () => {
  const aId = (await selfNode(a)).id;
  // Before the kill: through both nodes, sequentially (every one acknowledged).
  for (let i = 0; i < 40; ++i) assert.ok(await publishVia(pick([a, b]), pick(USERS), `pre${i}`));
  // The tabs on A have everything so far: their last seq is what they reconnect with.
  for (const user of USERS) {
    await until(() => received(tabsA.get(user)).length === acknowledged.get(user).length, 15000,
      `tab of ${user} on A before the kill`);
  }
  const lastSeqOnA = new Map(USERS.map((u) => [u, received(tabsA.get(u)).at(-1)?.seq ?? 0]));

  // The kill, with publishes in flight through A (three at a time, until A stops answering)
  // and through B: some of A's may commit without an answer; none of them may be lost or
  // duplicated on B, and B's own go on being acknowledged.
  let throughA = 0;
  let failedA = 0;
  let throughB = 0;
  let stopB = false;
  const workerA = async (w) => {
    for (let n = 0; ; ++n) {
      if (!(await publishVia(a, pick(USERS), `inA${w}-${n}`))) { ++failedA; return; }
      ++throughA;
    }
  };
  const workerB = async (w) => {
    for (let n = 0; !stopB; ++n) {
      assert.ok(await publishVia(b, pick(USERS), `inB${w}-${n}`), 'a publish through B failed');
      ++throughB;
    }
  };
  const workers = [0, 1, 2].map(workerA);
  const workersB = [0, 1].map(workerB);
  await until(() => throughA >= 15, 20000, 'publishing through A');
  await a.kill9();
  const atKill = throughB;
  await Promise.all(workers);
  assert.equal(failedA, 3, 'every worker through A saw it die');
  // B goes on without pause while A is dead.
  await until(() => throughB >= atKill + 40, 30000, 'publishes through B after the kill');
  stopB = true;
  await Promise.all(workersB);
  assert.ok(a.exited(), 'node A is dead');

  let unacknowledged = 0;
  for (const user of USERS) {
    const ackIds = new Set(acknowledged.get(user).map((n) => n.id));
    unacknowledged += (await committed(b, ORG, user)).filter((n) => !ackIds.has(n.id)).length;
  }
  // Timing decides these: reported, not asserted.
  console.log(`# through A: ${throughA} acknowledged before the kill, ${unacknowledged} committed`
    + ` without an answer; through B: ${throughB}`);

  for (const user of USERS) {
    const tab = tabsB.get(user);
    const want = await committed(b, ORG, user);
    const wantIds = new Set(want.map((n) => n.id));
    for (const ack of acknowledged.get(user)) assert.ok(wantIds.has(ack.id), `acknowledged ${ack.id} is committed`);
    await until(() => received(tab).length >= want.length, 20000,
      `tab of ${user} on B: ${received(tab).length}/${want.length}`);
    const got = received(tab);
    const ids = got.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, `no duplicates on the tab of ${user} on B`);
    assert.deepEqual(ids, want.map((n) => n.id), `the tab of ${user} on B has exactly the committed set, in seq order`);
    // Nothing was read: the last count is the number committed.
    await until(() => lastUnread(tab) === want.length, 10000, `last unread count of ${user} on B`);
  }

  // The tabs that were on A reconnect to B with their last seq: the recovery batch has
  // exactly what they missed (fewer than 100, one batch), then live delivery goes on.
  for (const user of USERS) {
    const old = tabsA.get(user);
    await until(() => (old.ws ? old.ws.readyState === old.ws.CLOSED : !old.socket.connected), 15000,
      `the tab of ${user} on A noticed the node was gone`);
  }
  const recovered = new Map();
  USERS.forEach((user, i) => {
    const token = mintToken(ORG, user);
    const lastSeq = lastSeqOnA.get(user);
    recovered.set(user, i % 2 ? new SioClient(b, { token, lastSeq })
      : new PlainClient(b, `${token}&lastSeq=${lastSeq}`));
  });
  try {
    for (const user of USERS) {
      const client = recovered.get(user);
      const want = (await committed(b, ORG, user)).filter((n) => n.seq > lastSeqOnA.get(user));
      const batch = await client.waitEvent('notification:recent', () => true, 15000);
      assert.equal(batch.hasMore, false);
      assert.deepEqual(batch.notifications.map((n) => n.id), want.map((n) => n.id),
        `${user} recovered exactly what it missed after seq ${lastSeqOnA.get(user)}`);
    }
    // Live delivery to the recovered tabs, through B.
    for (const user of USERS) {
      assert.ok(await publishVia(b, user, `live-${user}`));
      const id = acknowledged.get(user).at(-1).id;
      await until(() => received(recovered.get(user)).some((n) => n.id === id), 10000, `live notification on the recovered tab of ${user}`);
    }
  } finally {
    for (const client of recovered.values()) client.close();
  }

  // B's registry: A is shown gone after GONE_AFTER_S, then removed after three times that.
  await untilAsync(async () => {
    const nodes = (await api(b, 'GET', '/api/v1/stats')).json.cluster.nodes;
    return nodes.find((n) => n.id === aId)?.state === 'gone';
  }, GONE_AFTER_S * 1000 + 20000, 'A shown as gone on B');
  const stats = (await api(b, 'GET', '/api/v1/stats')).json.cluster;
  assert.equal(stats.liveNodes, 1);
  await untilAsync(async () => {
    const nodes = (await api(b, 'GET', '/api/v1/stats')).json.cluster.nodes;
    return !nodes.some((n) => n.id === aId);
  }, 3 * GONE_AFTER_S * 1000 + 20000, 'A removed from the registry by B');
  // Presence on B no longer waits for A.
  const presence = await untilAsync(async () => {
    const r = await api(b, 'GET', `/api/v1/presence?orgId=${ORG}&userId=u0`);
    return r.json.connections === 1 && r.json;
  }, 10000, 'presence of u0: its one tab on B');
  assert.equal(presence.complete, true);
  assert.equal(presence.nodes.length, 1);
});
