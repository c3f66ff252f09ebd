// Signed webhooks on a cluster (docs/operations.md, "Webhooks"): two notifyd processes on one
// PostgreSQL database and one endpoint made by `notifyd webhooks add` on that database. The
// users' reads, made on both nodes, reach a real Node.js receiver each exactly once (the
// nodes claim events with FOR UPDATE SKIP LOCKED: one node sends each), signed, and each
// user's in the order of the reads.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, publish, mintToken } from '../lib.mjs';
import { NODE_ARGS, createDatabase, dropDatabase, suitePgUrl, untilAsync } from './common.mjs';

const baseUrl = suitePgUrl();
const skip = baseUrl ? false : 'PostgreSQL NOT AVAILABLE (no pg-url.txt): the cluster webhooks test is SKIPPED';

let db;
let receiver;
let secret;
const nodes = [];
const calls = [];

before(async () => {
  if (skip) return;
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      calls.push({ body: Buffer.concat(chunks), signature: req.headers['x-notifyd-signature'] });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  db = createDatabase(baseUrl, 'notify_clhooks');
  const added = spawnSync(process.env.NOTIFYD_BINARY,
    ['webhooks', 'add', '--org', 'acme', '--url', `http://127.0.0.1:${receiver.address().port}/hooks`,
      '--events', 'read', '--db', db.url], { encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);
  secret = added.stdout.trim().split('\n').at(-1);
  nodes.push(await startServer(['--db', db.url, '--node-name', 'node-0', ...NODE_ARGS]));
  nodes.push(await startServer(['--db', db.url, '--node-name', 'node-1', ...NODE_ARGS]));
});

after(async () => {
  for (const node of nodes) await node.stop();
  receiver?.close();
  if (db) dropDatabase(baseUrl, db.name);
});

test('each read reaches the endpoint once, signed, in order per user, from either node', { skip }, async () => {
  const users = ['alice', 'bob', 'carol'];
  const expected = new Map(users.map((u) => [u, []]));
  for (const user of users) {
    const ids = [];
    for (let i = 0; i < 4; i++) {
      const published = await publish(nodes[i % 2], 'acme', [user], `${user}-${i}`);
      ids.push(published.notifications[0].id);
    }
    // Read one at a time, alternating nodes: each read is its own event.
    for (let i = 0; i < ids.length; i++) {
      const r = await api(nodes[(i + 1) % 2], 'POST', '/api/v1/me/notifications/read',
        { notificationIds: [ids[i]] }, mintToken('acme', user));
      assert.equal(r.status, 200);
      expected.get(user).push(`${ids[i]}.read`);
    }
  }
  await untilAsync(async () => calls.length >= 12, 15000, 'twelve webhook calls');
  // A moment more: a second node sending the same event again would show up now.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(calls.length, 12);
  const seen = new Map(users.map((u) => [u, []]));
  for (const call of calls) {
    const parts = Object.fromEntries(call.signature.split(',').map((p) => p.split('=', 2)));
    const v1 = createHmac('sha256', secret).update(`${parts.t}.`).update(call.body).digest('hex');
    assert.equal(parts.v1, v1);
    const event = JSON.parse(call.body);
    assert.equal(event.type, 'notification.read');
    seen.get(event.data.userId).push(event.id);
  }
  assert.deepEqual(seen, expected);
});
