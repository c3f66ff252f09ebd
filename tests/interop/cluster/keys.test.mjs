// Organizations' API keys on a cluster (docs/operations.md, "API keys"): two notifyd
// processes on one PostgreSQL database; keys made and revoked by `notifyd keys` (a real
// process on the same database) take effect on both nodes within a second, with no restart;
// a key of one organization cannot touch another's users on either node, and nothing is
// stored when it tries.
import { spawnSync } from 'node:child_process';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from '../lib.mjs';
import { NODE_ARGS, createDatabase, dropDatabase, suitePgUrl, untilAsync, psql } from './common.mjs';

const baseUrl = suitePgUrl();
const skip = baseUrl ? false : 'PostgreSQL NOT AVAILABLE (no pg-url.txt): the cluster keys test is SKIPPED';

let db;
const nodes = [];

function keys(...args) {
  const r = spawnSync(process.env.NOTIFYD_BINARY, ['keys', ...args, '--db', db.url], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function createKey(org, name, ...extra) {
  const r = keys('create', '--org', org, '--name', name, ...extra);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').at(-1);
}

const publishAs = (node, key, org, user, title) =>
  api(node, 'POST', '/api/v1/notifications', { orgId: org, userIds: [user], type: 'TEST', title }, key);

// Within this many ms of the subcommand's exit, on every node (the nodes poll every 500 ms).
const WITHIN_MS = 1000;

before(async () => {
  if (skip) return;
  db = createDatabase(baseUrl, 'notify_clkeys');
  nodes.push(await startServer(['--db', db.url, '--node-name', 'node-0', ...NODE_ARGS]));
  nodes.push(await startServer(['--db', db.url, '--node-name', 'node-1', ...NODE_ARGS]));
});

after(async () => {
  for (const node of nodes) await node.stop();
  if (db) dropDatabase(baseUrl, db.name);
});

test('a key made while both nodes run works on both within a second', { skip }, async () => {
  const key = createKey('acme', 'acme-backend');
  const made = Date.now();
  for (const node of nodes) {
    await untilAsync(async () => (await publishAs(node, key, 'acme', 'alice', 'hi')).status === 201,
      WITHIN_MS - (Date.now() - made), `the new key on ${node.apiUrl}`);
  }
});

test('a key of one organization is refused in another on every node, nothing stored', { skip }, async () => {
  const acme = createKey('acme', 'acme-2');
  const globex = createKey('globex', 'globex-1');
  for (const node of nodes) {
    await untilAsync(async () => (await publishAs(node, globex, 'globex', 'bob', 'ok')).status === 201,
      5000, 'the globex key works');
    const r = await publishAs(node, acme, 'globex', 'bob', 'cross-tenant');
    assert.equal(r.status, 403, JSON.stringify(r.json));
    assert.equal(r.json.error.code, 'forbidden');
    assert.match(r.json.error.message, /globex/);
    const read = await api(node, 'GET', '/api/v1/notifications?orgId=globex&userId=bob', undefined, acme);
    assert.equal(read.status, 403);
  }
  assert.equal(psql(db.url, "SELECT count(*) FROM notifications n JOIN notification_contents c"
    + " USING (content_id) WHERE c.title = 'cross-tenant'"), '0');
});

test('a revoked key is refused (401) on every node within a second', { skip }, async () => {
  const key = createKey('acme', 'acme-revoked');
  for (const node of nodes) {
    await untilAsync(async () => (await publishAs(node, key, 'acme', 'alice', 'before')).status === 201,
      5000, 'the key works');
  }
  const r = keys('revoke', 'acme-revoked');
  assert.equal(r.status, 0, r.stderr);
  const revoked = Date.now();
  for (const node of nodes) {
    await untilAsync(async () => (await publishAs(node, key, 'acme', 'alice', 'after')).status === 401,
      Math.max(0, WITHIN_MS - (Date.now() - revoked)), `the revocation on ${node.apiUrl}`);
  }
  const list = keys('list');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /acme-revoked\s+acme\s+.*revoked/);
  assert.ok(!list.stdout.includes(key), 'list never shows a key');
});

test('the key changes are in the audit log, read through either node', { skip }, async () => {
  for (const node of nodes) {
    const r = await api(node, 'GET', '/api/v1/audit?action=keys.revoke');
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.entries.length, 1);
    assert.equal(r.json.entries[0].target, 'key=acme-revoked');
    assert.equal(r.json.entries[0].result, 'ok');
    assert.match(r.json.entries[0].operator, /^cli:/);
    const made = await api(node, 'GET', '/api/v1/audit?action=keys.create&limit=2');
    assert.equal(made.json.entries.length, 2);
    assert.equal(made.json.hasMore, true);
  }
});
