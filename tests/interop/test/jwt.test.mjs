// Tokens from identity providers (docs/security.md, "Tokens"; docs/operations.md, "Tokens
// from an identity provider"): tokens minted by the jose library with RSA, EC and Ed25519 keys,
// published by a JWKS server in this file that can rotate, stall, fail and serve garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, base64url } from 'jose';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { startServer, until, api } from '../lib.mjs';

const ISS = 'https://idp.example.com/';
const AUD = 'notifyd';
const HS_KID = 'hs-2';
const HS_SECRET = 'second-secret-for-rotation-0123456789abcdef';

async function makeKey(alg, kid, opts = {}) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { ...opts, extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
  return { alg, kid, publicKey, privateKey, jwk };
}

// A JWKS endpoint: mode 'ok', 'fail' (500), 'garbage' or 'stall' (answers when released).
class Jwks {
  constructor() {
    this.keys = [];
    this.mode = 'ok';
    this.requests = 0;
    this.stalled = [];
    this.server = http.createServer((req, res) => {
      this.requests += 1;
      this.log = [...(this.log ?? []), `${Date.now()} ${req.method} ${req.url} ${this.mode}`];
      if (this.mode === 'fail') { res.writeHead(500); res.end('down'); return; }
      if (this.mode === 'garbage') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"keys":'); return; }
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
        res.end(JSON.stringify({ keys: this.keys.map((k) => k.jwk) }));
      };
      if (this.mode === 'stall') this.stalled.push(answer); else answer();
    });
  }
  async listen() {
    await new Promise((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${this.server.address().port}/.well-known/jwks.json`;
  }
  release() { const s = this.stalled; this.stalled = []; s.forEach((f) => f()); }
  close() { this.release(); this.server.closeAllConnections(); this.server.close(); }
}

async function sign(key, claims = {}, { header = {}, iss = ISS, aud = AUD, ttl = 3600 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ org: 'acme', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .setSubject(claims.sub ?? 'alice')
    .setIssuedAt(now)
    .setExpirationTime(now + ttl);
  if (iss) jwt = jwt.setIssuer(iss);
  if (aud) jwt = jwt.setAudience(aud);
  return jwt.sign(key.privateKey);
}

// HS tokens by hand: jose refuses to use a public key's bytes as an HMAC secret, which is
// exactly the attack to try.
function hmacToken(secret, header, claims) {
  const now = Math.floor(Date.now() / 1000);
  const body = { sub: 'alice', org: 'acme', iss: ISS, aud: AUD, iat: now, exp: now + 3600, ...claims };
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(body))}`;
  const sig = crypto.createHmac(header.alg === 'HS512' ? 'sha512' : 'sha256', secret).update(input).digest('base64url');
  return `${input}.${sig}`;
}

// 'ok' once the plain protocol's first event arrives, 'close:<code>' when refused.
function plainOutcome(server, token) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.clientPort}/ws/notifications?token=${token}`);
    const timer = setTimeout(() => { ws.terminate(); resolve('timeout'); }, 15000);
    ws.on('message', () => { clearTimeout(timer); ws.close(); resolve('ok'); });
    ws.on('close', (code) => { clearTimeout(timer); resolve(`close:${code}`); });
    ws.on('error', () => {});
  });
}

function sioOutcome(server, token) {
  return new Promise((resolve) => {
    const socket = io(`${server.clientUrl}/notifications`, { auth: { token }, reconnection: false, forceNew: true, transports: ['websocket'] });
    const timer = setTimeout(() => { socket.disconnect(); resolve('timeout'); }, 15000);
    socket.on('connect', () => { clearTimeout(timer); socket.disconnect(); resolve('ok'); });
    socket.on('connect_error', (e) => { clearTimeout(timer); socket.disconnect(); resolve(`refused:${e.message}`); });
  });
}

// Tries again until the outcome is wanted or 15 s have passed; returns the last outcome.
async function eventually(attempt, wanted, ms = 15000) {
  const deadline = Date.now() + ms;
  let outcome;
  do outcome = await attempt(); while (outcome !== wanted && Date.now() < deadline);
  return outcome;
}

// 'ok' once a Server-Sent Events stream delivered its first event, else the HTTP status.
async function sseOutcome(server, token) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 15000);
  try {
    const res = await fetch(`${server.clientUrl}/sse/notifications?token=${token}`, { signal: abort.signal });
    if (res.status !== 200) return `status:${res.status}`;
    const reader = res.body.getReader();
    let text = '';
    while (!text.includes('event: notification:unread_count')) {
      const { value, done } = await reader.read();
      if (done) return 'ended';
      text += Buffer.from(value).toString();
    }
    return 'ok';
  } catch (e) {
    return `error:${e.name}`;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

async function tokenFailures(server) {
  const res = await fetch(`${server.apiUrl}/metrics`);
  const text = await res.text();
  const out = {};
  for (const m of text.matchAll(/notify_token_failures_total\{reason="([a-z_]+)"\} (\d+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

async function setup(extra = [], minRefresh = '30s') {
  const jwks = new Jwks();
  await jwks.listen();
  const keys = {
    rs: await makeKey('RS256', 'rs-1'),
    ps: await makeKey('PS256', 'ps-1'),
    es: await makeKey('ES256', 'es-1'),
    ed: await makeKey('EdDSA', 'ed-1', { crv: 'Ed25519' }),
  };
  keys.rs.jwk.alg = 'RS256';
  jwks.keys = Object.values(keys);
  const server = await startServer([
    '--jwt-secret', `${HS_KID}:${HS_SECRET}`,
    '--jwt-jwks-url', jwks.url, '--jwt-jwks-min-refresh', minRefresh,
    '--jwt-issuer', ISS, '--jwt-audience', AUD, ...extra,
  ]);
  await until(() => jwks.requests >= 1, 5000, 'first JWKS fetch');
  const ready = async () => (await fetch(`${server.apiUrl}/readyz`)).status === 200;
  for (let i = 0; i < 100 && !(await ready()); i++) await new Promise((r) => setImmediate(r));
  return { jwks, keys, server, async close() { await server.stop(); jwks.close(); } };
}

test('RS256, PS256, ES256, EdDSA and kid-selected HS256 tokens are accepted', async () => {
  const s = await setup();
  try {
    for (const key of Object.values(s.keys)) {
      const token = await sign(key);
      assert.equal(await plainOutcome(s.server, token), 'ok', `${key.alg} plain`);
      assert.equal(await sioOutcome(s.server, token), 'ok', `${key.alg} socket.io`);
    }
    // Keycloak puts aud in an array.
    assert.equal(await plainOutcome(s.server, await sign(s.keys.rs, {}, { aud: ['account', AUD] })), 'ok');
    const hs = hmacToken(HS_SECRET, { alg: 'HS256', typ: 'JWT', kid: HS_KID }, {});
    assert.equal(await plainOutcome(s.server, hs), 'ok');
    assert.equal(await sioOutcome(s.server, hs), 'ok');
    // Server-Sent Events take the same tokens; a refused one is 401 before any stream.
    assert.equal(await sseOutcome(s.server, await sign(s.keys.rs)), 'ok');
    assert.equal(await sseOutcome(s.server, await sign(s.keys.ed)), 'ok');
    assert.equal(await sseOutcome(s.server, await sign(s.keys.ed, {}, { aud: 'other' })), 'status:401');
    // The user's routes take the same token.
    const res = await fetch(`${s.server.apiUrl}/api/v1/me/notifications`, { headers: { authorization: `Bearer ${await sign(s.keys.es)}` } });
    assert.equal(res.status, 200);
  } finally { await s.close(); }
});

test('attacks and bad tokens are refused with 4001 and counted under their reason', async () => {
  const s = await setup();
  try {
    const p384 = await makeKey('ES384', 'es-1'); // another curve, claiming the P-256 key's kid
    const pem = await exportSPKI(s.keys.rs.publicKey);
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      ['HS256 with the public key PEM', hmacToken(pem, { alg: 'HS256', kid: 'rs-1' }, {}), 'unsupported_alg'],
      ['HS256 with the public key DER', hmacToken(der, { alg: 'HS256', kid: 'rs-1' }, {}), 'unsupported_alg'],
      ['alg unlike the JWK alg', await sign({ ...s.keys.rs, alg: 'PS256' }), 'unsupported_alg'],
      ['EC key of another curve', await sign(p384), 'unsupported_alg'],
      ['none', `${base64url.encode('{"alg":"none","kid":"rs-1"}')}.${base64url.encode(JSON.stringify({ sub: 'alice', org: 'acme', exp: now + 60 }))}.`, 'malformed'],
      ['expired', await sign(s.keys.ed, {}, { ttl: -3600 }), 'expired'],
      ['nbf in the future', await sign(s.keys.ed, { nbf: now + 3600 }), 'not_yet_valid'],
      ['wrong iss', await sign(s.keys.ed, {}, { iss: 'https://evil.example.com/' }), 'issuer_mismatch'],
      ['wrong aud', await sign(s.keys.ed, {}, { aud: 'someone-else' }), 'audience_mismatch'],
      ['signature of another key', (await sign(s.keys.es)).replace(/\.[^.]+$/, `.${(await sign(await makeKey('ES256', 'x'))).split('.')[2]}`), 'bad_signature'],
    ];
    for (const [what, token, reason] of cases) {
      const before = (await tokenFailures(s.server))[reason] ?? 0;
      assert.equal(await plainOutcome(s.server, token), 'close:4001', what);
      assert.match(await sioOutcome(s.server, token), /^refused:/, what);
      const after = (await tokenFailures(s.server))[reason] ?? 0;
      assert.equal(after, before + 2, `${what} counted under ${reason}`);
    }
  } finally { await s.close(); }
});

test('rotation: a key added at the provider is used, a removed one refused after the refresh', async () => {
  const s = await setup([], '1s');
  try {
    const fresh = await makeKey('ES256', 'es-2');
    s.jwks.keys.push(fresh);
    // Its kid is unknown: one fetch, and the same connection goes through.
    assert.equal(await plainOutcome(s.server, await sign(fresh)), 'ok');
    // The old key is withdrawn; a refresh (SIGHUP here) drops it.
    s.jwks.keys = s.jwks.keys.filter((k) => k.kid !== 'es-1');
    const before = s.jwks.requests;
    s.server.hup();
    await until(() => s.jwks.requests > before, 5000, 'refresh after SIGHUP');
    assert.equal(await eventually(async () => plainOutcome(s.server, await sign(s.keys.es)), 'close:4001'), 'close:4001');
    assert.equal(await plainOutcome(s.server, await sign(fresh)), 'ok');
  } finally { await s.close(); }
});

test('provider down or answering garbage: known keys keep working; back up: new keys used', async () => {
  const s = await setup([], '1s');
  try {
    for (const mode of ['fail', 'garbage']) {
      s.jwks.mode = mode;
      const before = s.jwks.requests;
      s.server.hup();
      await until(() => s.jwks.requests > before, 5000, `refresh while ${mode}`);
      assert.equal(await plainOutcome(s.server, await sign(s.keys.rs)), 'ok', mode);
      assert.equal(await sioOutcome(s.server, await sign(s.keys.ed)), 'ok', mode);
    }
    s.jwks.mode = 'ok';
    const back = await makeKey('RS256', 'rs-2');
    s.jwks.keys.push(back);
    // The unknown kid asks for a fetch once the minimum interval has passed.
    assert.equal(await eventually(async () => plainOutcome(s.server, await sign(back)), 'ok'), 'ok');
  } finally { await s.close(); }
});

test('a stalled provider delays no connection whose kid is known; a flood of kids fetches once', async () => {
  const s = await setup();
  try {
    s.jwks.mode = 'stall';
    const before = s.jwks.requests;
    const stranger = await makeKey('ES256', 'not-published');
    const waiting = plainOutcome(s.server, await sign(stranger));
    await until(() => s.jwks.requests === before + 1, 5000, 'the unknown-kid fetch');
    // While that fetch hangs, known kids connect.
    assert.equal(await plainOutcome(s.server, await sign(s.keys.ps)), 'ok');
    assert.equal(await sioOutcome(s.server, await sign(s.keys.es)), 'ok');
    // A flood of random kids within --jwt-jwks-min-refresh: no further fetch.
    const flood = [];
    for (let i = 0; i < 40; i++) flood.push(plainOutcome(s.server, await sign({ ...stranger, kid: crypto.randomUUID() })));
    s.jwks.release();
    s.jwks.mode = 'ok';
    assert.equal(await waiting, 'close:4001');
    for (const outcome of await Promise.all(flood)) assert.equal(outcome, 'close:4001');
    assert.equal(s.jwks.requests, before + 1, s.jwks.log.join('\n') + '\n' + s.server.log());
  } finally { await s.close(); }
});

test('/readyz answers 503 until the first key set arrives', async () => {
  const jwks = new Jwks();
  await jwks.listen();
  jwks.mode = 'stall';
  jwks.keys = [await makeKey('EdDSA', 'ed', { crv: 'Ed25519' })];
  const server = await startServer(['--jwt-jwks-url', jwks.url]);
  try {
    await until(() => jwks.requests >= 1, 5000, 'first fetch');
    const res = await fetch(`${server.apiUrl}/readyz`);
    assert.equal(res.status, 503);
    assert.match((await res.json()).error.message, /JWKS/);
    jwks.mode = 'ok';
    jwks.release();
    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) status = (await fetch(`${server.apiUrl}/readyz`)).status;
    assert.equal(status, 200);
  } finally { await server.stop(); jwks.close(); }
});

test('Keycloak- and Auth0-shaped tokens connect with the documented recipes', async () => {
  // docs/operations.md, "Keycloak": realm roles, no organization in the token.
  const kc = await setup(['--jwt-role-claim', 'realm_access.roles', '--jwt-roles', 'notify-admin,notify-user', '--jwt-default-org', 'demo']);
  try {
    const token = await sign(kc.keys.rs, {
      org: undefined, sub: 'f3c1a7d2-9b1e-4c55-8f0e-2d1b8a7c6e11', typ: 'Bearer', azp: 'web-app',
      preferred_username: 'alice', realm_access: { roles: ['offline_access', 'notify-user'] },
      resource_access: { account: { roles: ['view-profile'] } }, scope: 'openid profile email',
    }, { aud: ['account', AUD] });
    assert.equal(await plainOutcome(kc.server, token), 'ok');
    assert.equal(await sioOutcome(kc.server, token), 'ok');
  } finally { await kc.close(); }
  // docs/operations.md, "Auth0": namespaced custom claims.
  const a0 = await setup(['--jwt-org-claim', 'https://notify.example.com/org', '--jwt-role-claim', 'https://notify.example.com/roles']);
  try {
    const token = await sign(a0.keys.rs, {
      org: undefined, sub: 'auth0|64b7f1c2e4a5d6f7a8b9c0d1', azp: 'k3Jd8sQ1x', scope: 'openid profile',
      'https://notify.example.com/org': 'acme', 'https://notify.example.com/roles': ['member'],
    }, { aud: [AUD, 'https://tenant.eu.auth0.com/userinfo'] });
    assert.equal(await plainOutcome(a0.server, token), 'ok');
    assert.equal(await sioOutcome(a0.server, token), 'ok');
  } finally { await a0.close(); }
});

// A plain client that records every message, with requests answered by id.
class Plain {
  constructor(server, token) {
    this.messages = [];
    this.closed = null;
    this.ws = new WebSocket(`ws://127.0.0.1:${server.clientPort}/ws/notifications?token=${token}`);
    this.ws.on('message', (d) => this.messages.push(JSON.parse(d.toString())));
    this.ws.on('close', (code) => { this.closed = code; });
    this.next = 1;
  }
  find(pred) { return this.messages.find(pred); }
  async request(type, data) {
    const id = String(this.next++);
    this.ws.send(JSON.stringify({ type, id, data }));
    return until(() => this.find((m) => m.replyTo === id), 10000, `reply to ${type}`);
  }
}

test('renewal on the open connection: plain protocol and Socket.IO', async () => {
  const s = await setup(['--jwt-leeway', '0']);
  try {
    // Expires in 3 s: the notice comes at once.
    const first = await sign(s.keys.rs, {}, { ttl: 3 });
    const firstExp = JSON.parse(Buffer.from(first.split('.')[1], 'base64url')).exp * 1000;
    const plain = new Plain(s.server, first);
    const notice = await until(() => plain.find((m) => m.type === 'token:expiring'), 5000, 'token:expiring');
    assert.equal(Date.parse(notice.data.expiresAt), firstExp);
    // An invalid token: an error, the connection stays.
    const bad = await plain.request('refresh_token', { token: await sign(s.keys.rs, {}, { aud: 'other' }) });
    assert.equal(bad.type, 'error');
    assert.equal(bad.data.code, 'unauthorized');
    const good = await plain.request('refresh_token', { token: await sign(s.keys.es, {}, { ttl: 3600 }) });
    assert.equal(good.type, 'reply');
    assert.equal(good.data.ok, true);
    assert.ok(Date.parse(good.data.expiresAt) > firstExp + 3000000);
    // Past the first token's exp (and the sweep after it) the connection still answers.
    await until(() => Date.now() > firstExp + 1500, 10000, 'the first exp to pass');
    const alive = await plain.request('get_unread_count', {});
    assert.equal(alive.data.ok, true);
    assert.equal(plain.closed, null);

    // A token of another user closes the connection with 4001.
    const mallory = await plain.request('refresh_token', { token: await sign(s.keys.ed, { sub: 'mallory' }) });
    assert.equal(mallory.data.code, 'identity_mismatch');
    await until(() => plain.closed !== null, 5000, 'close');
    assert.equal(plain.closed, 4001);

    // Socket.IO: the same event with an acknowledgement.
    const short = await sign(s.keys.ps, {}, { ttl: 3 });
    const shortExp = JSON.parse(Buffer.from(short.split('.')[1], 'base64url')).exp * 1000;
    const socket = io(`${s.server.clientUrl}/notifications`, { auth: { token: short }, reconnection: false, forceNew: true });
    const events = [];
    socket.onAny((name, data) => events.push({ name, data }));
    await until(() => events.find((e) => e.name === 'token:expiring'), 5000, 'socket.io token:expiring');
    const ack = await socket.timeout(5000).emitWithAck('refresh_token', { token: await sign(s.keys.ps, {}, { ttl: 3600 }) });
    assert.equal(ack.ok, true);
    const refused = await socket.timeout(5000).emitWithAck('refresh_token', { token: 'not-a-token' });
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, 'unauthorized');
    await until(() => Date.now() > shortExp + 1500, 10000, 'the socket.io token to pass its exp');
    assert.ok(socket.connected);
    const other = await socket.timeout(5000).emitWithAck('refresh_token', { token: await sign(s.keys.ps, { org: 'other-org' }) });
    assert.equal(other.error.code, 'identity_mismatch');
    await until(() => !socket.connected, 5000, 'socket.io disconnect');
    socket.disconnect();
  } finally { await s.close(); }
});
