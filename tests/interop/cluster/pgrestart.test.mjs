// PostgreSQL restarted under a running cluster (docs/operations.md, "Cluster", "Bus
// outage"): two nodes, each user with a tab on each. The test runs its own PostgreSQL
// (tests/scripts/pg-start.sh), not the suite's, since it stops and starts it. While it is
// down both nodes report the bus down on /readyz; when it is back, the notifications
// committed right after the restart (while the nodes' listeners may still be reconnecting)
// reach every live tab exactly once and in order, every tab's unread count is re-sent, and
// /readyz is ready again.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, mintToken, api, until, SioClient, PlainClient } from '../lib.mjs';
import { NODE_ARGS, untilAsync, received, lastUnread, committed } from './common.mjs';

const scripts = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../scripts');
const ORG = 'pr';
const USERS = ['u0', 'u1', 'u2', 'u3'];
const QUIET_USER = 'u3'; // nothing new after the restart: its count comes from the catch-up
let stateDir;
let dbUrl = null;
let nodes = [];
const tabs = []; // { user, node, client }
const acknowledged = new Map(USERS.map((u) => [u, []]));

function script(name, ...args) {
  const r = spawnSync('bash', [path.join(scripts, name), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function startPg() {
  stateDir = mkdtempSync(path.join(tmpdir(), 'notify-pgrestart-'));
  script('pg-start.sh', stateDir);
  try { dbUrl = readFileSync(path.join(stateDir, 'pg-url.txt'), 'utf8').trim(); } catch { dbUrl = null; }
}
const hasPostgres = spawnSync('bash', ['-c', 'ls /usr/lib/postgresql/*/bin/pg_ctl']).status === 0;
const skip = hasPostgres ? false : 'PostgreSQL NOT INSTALLED: the PostgreSQL restart test is SKIPPED';

async function publishVia(node, user, title) {
  const r = await api(node, 'POST', '/api/v1/notifications', { orgId: ORG, userIds: [user], type: 'TEST', title });
  if (r.status !== 201) return false;
  for (const n of r.json.notifications) acknowledged.get(n.userId).push({ id: n.id, seq: n.seq });
  return true;
}

async function readiness(node) {
  const r = await api(node, 'GET', '/readyz');
  return { status: r.status, message: r.json?.error?.message };
}
const busReady = async (node) => (await api(node, 'GET', '/api/v1/stats')).json.cluster.busReady;

before(async () => {
  if (skip) return;
  startPg();
  assert.ok(dbUrl, 'pg-start.sh wrote a URL');
  nodes = [await startServer(['--db', dbUrl, '--node-name', 'node-a', ...NODE_ARGS])];
  nodes.push(await startServer(['--db', dbUrl, '--node-name', 'node-b', ...NODE_ARGS]));
  USERS.forEach((user, i) => {
    const token = mintToken(ORG, user);
    tabs.push({ user, node: 0, client: i % 2 ? new SioClient(nodes[0], { token }) : new PlainClient(nodes[0], token) });
    tabs.push({ user, node: 1, client: i % 2 ? new PlainClient(nodes[1], token) : new SioClient(nodes[1], { token }) });
  });
  for (const tab of tabs) {
    await until(() => tab.client.all('notification:unread_count').length > 0, 15000, `tab of ${tab.user}`);
  }
  for (const node of nodes) {
    await untilAsync(async () => (await readiness(node)).status === 200, 20000, 'ready');
  }
});

after(async () => {
  for (const tab of tabs) tab.client.close();
  await Promise.all(nodes.map((n) => n.stop()));
  if (stateDir) {
    try { script('pg-stop.sh', stateDir); } catch { /* best effort */ }
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('PostgreSQL restarted: committed notifications reach every tab once, counts re-sent, /readyz down then up', { skip }, async () => {
  // Every user has notifications delivered on both nodes before the restart.
  for (let i = 0; i < 24; ++i) assert.ok(await publishVia(nodes[i % 2], USERS[i % USERS.length], `pre${i}`));
  for (const tab of tabs) {
    await until(() => received(tab.client).length === acknowledged.get(tab.user).length, 15000, `pre-restart delivery to ${tab.user}`);
  }

  script('pg-restart.sh', stateDir, 'stop');
  for (const node of nodes) {
    // The listener notices at once (its socket closes); the store within its 2 s check.
    await untilAsync(async () => (await busReady(node)) === false, 20000, 'the bus reported down');
    await untilAsync(async () => (await readiness(node)).status === 503, 20000, '/readyz 503');
  }
  const unreadEventsBefore = tabs.map((t) => t.client.all('notification:unread_count').length);

  script('pg-restart.sh', stateDir, 'start');
  // Right after the restart, through both nodes: retried until acknowledged (the writer's
  // connection comes back on first use). The nodes' listeners are reconnecting meanwhile
  // (backoff up to 5 s), so some of these commit while nobody listens.
  let published = 0;
  let whileDown = 0; // acknowledged while a node's listener was still down
  for (let i = 0; i < 30; ++i) {
    const user = USERS[i % (USERS.length - 1)]; // not the quiet user
    await untilAsync(() => publishVia(nodes[i % 2], user, `post${i}`), 30000, `publish ${i} after the restart`);
    ++published;
    if ((await Promise.all(nodes.map(busReady))).includes(false)) ++whileDown;
  }
  assert.equal(published, 30);
  // Timing decides how many: reported, not asserted.
  console.log(`# ${whileDown} of ${published} notifications committed while a listener was down`);

  for (const node of nodes) {
    await untilAsync(async () => (await readiness(node)).status === 200, 30000, '/readyz 200 again');
    assert.equal(await busReady(node), true);
  }

  for (const [i, tab] of tabs.entries()) {
    const want = await committed(nodes[0], ORG, tab.user);
    const wantIds = new Set(want.map((n) => n.id));
    for (const ack of acknowledged.get(tab.user)) assert.ok(wantIds.has(ack.id));
    await until(() => received(tab.client).length >= want.length, 20000,
      `tab of ${tab.user} on node ${tab.node}: ${received(tab.client).length}/${want.length}`);
    const ids = received(tab.client).map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, `no duplicates on the tab of ${tab.user} on node ${tab.node}`);
    assert.deepEqual(ids, want.map((n) => n.id), `exactly the committed set, in seq order, on the tab of ${tab.user} on node ${tab.node}`);
    await until(() => lastUnread(tab.client) === want.length, 10000, `last unread count of ${tab.user} on node ${tab.node}`);
    // A count was sent after the outage, also to the quiet user's tabs, which got no new
    // notification: the catch-up re-sends it.
    assert.ok(tab.client.all('notification:unread_count').length > unreadEventsBefore[i],
      `unread count re-sent to the tab of ${tab.user} on node ${tab.node}`);
  }
  const quiet = tabs.filter((t) => t.user === QUIET_USER);
  for (const tab of quiet) assert.equal(lastUnread(tab.client), acknowledged.get(QUIET_USER).length);
  for (const node of nodes) {
    assert.match(node.log(), /bus connection lost/);
    assert.match(node.log(), /bus connection back; catching up/);
  }
});
