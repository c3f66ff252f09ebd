// The origin allow-list on the Socket.IO paths: 403 Forbidden for polling, 1008 for websocket.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { SioClient, mintToken, rawRequest, startServer, until } from '../lib.mjs';

let server;
before(async () => { server = await startServer(['--allowed-origins', 'https://app.example.com']); });
after(async () => { await server?.stop(); });

test('polling from a refused origin gets 403 Forbidden', async () => {
  const r = await rawRequest(server, 'GET', '/socket.io/?EIO=4&transport=polling', { origin: 'https://evil.example.com' });
  assert.equal(r.status, 403);
  assert.deepEqual(JSON.parse(r.body), { code: 4, message: 'Forbidden' });
});

test('polling from an allowed origin gets CORS headers', async () => {
  const r = await rawRequest(server, 'GET', '/socket.io/?EIO=4&transport=polling', { origin: 'https://app.example.com' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.equal(r.headers['access-control-allow-credentials'], 'true');
});

test('a websocket from a refused origin is closed with 1008', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.clientPort}/socket.io/?EIO=4&transport=websocket`,
    { origin: 'https://evil.example.com' });
  const [code] = await new Promise((resolve) => ws.on('close', (...args) => resolve(args)));
  assert.equal(code, 1008);
});

test('an allowed origin connects', async () => {
  const c = new SioClient(server, {
    token: mintToken('o', 'u'), transports: ['websocket'],
    extraHeaders: { origin: 'https://app.example.com' },
  });
  try {
    await c.waitConnected();
    await until(() => c.all('notification:unread_count').length === 1);
  } finally {
    c.close();
  }
});
