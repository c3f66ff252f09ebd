'use strict';
// The reference peer of notify-bench: the job notifyd does, written the way a team would
// write it on Node.js with socket.io 4. Same JWT (HS256, claims sub/org/exp), same rooms
// (org:{org}:user:{user}, org:{org}, org:{org}:role:{role}, broadcast), same HTTP routes and
// event names. The inbox lives in memory: nothing is durable, so its figures are an upper
// bound for a real deployment that would also write to a database.
//
//   node server.js --port 8090 --api-port 8091 --jwt-secret S --api-key K

const http = require('node:http');
const crypto = require('node:crypto');
const { Server } = require('socket.io');

function parseArgs(argv) {
  const out = { port: 8090, apiPort: 8091, host: '127.0.0.1', jwtSecret: '', apiKey: '' };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${key} needs a value`);
    if (key === '--port') out.port = Number(value);
    else if (key === '--api-port') out.apiPort = Number(value);
    else if (key === '--host') out.host = value;
    else if (key === '--jwt-secret') out.jwtSecret = value;
    else if (key === '--api-key') out.apiKey = value;
    else throw new Error(`unknown option ${key}`);
  }
  if (!out.jwtSecret || !out.apiKey) throw new Error('--jwt-secret and --api-key are required');
  return out;
}

const opts = parseArgs(process.argv);
const secret = Buffer.from(opts.jwtSecret, 'utf8');
const apiKeyBuf = Buffer.from(opts.apiKey, 'utf8');

// --- HS256 JWT with node:crypto (no jsonwebtoken dependency) ---------------------------
function verifyJwt(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!header || header.alg !== 'HS256') return null;
  const expected = crypto.createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!claims || typeof claims.sub !== 'string' || typeof claims.org !== 'string'
      || typeof claims.exp !== 'number') return null;
  if (claims.exp + 30 < Date.now() / 1000) return null;
  return claims;
}

// --- in-memory inbox -----------------------------------------------------------------------
const inboxes = new Map(); // "org\u0000user" -> { seq, unread, items: [] }
function inbox(orgId, userId) {
  const key = `${orgId}\u0000${userId}`;
  let box = inboxes.get(key);
  if (!box) {
    box = { seq: 0, unread: 0, items: [] };
    inboxes.set(key, box);
  }
  return box;
}

// --- Socket.IO -----------------------------------------------------------------------------
const wsServer = http.createServer((req, res) => {
  res.writeHead(404).end();
});
const io = new Server(wsServer, {
  transports: ['websocket'],
  serveClient: false,
  pingInterval: 25000,
  pingTimeout: 20000,
});
const namespaces = [io.of('/notifications'), io.of('/')];
for (const nsp of namespaces) {
  nsp.use((socket, next) => {
    const claims = verifyJwt(socket.handshake.auth && socket.handshake.auth.token);
    if (!claims) return next(new Error('unauthorized'));
    socket.data.claims = claims;
    next();
  });
  nsp.on('connection', (socket) => {
    const { sub, org, role } = socket.data.claims;
    const rooms = [`org:${org}:user:${sub}`, `org:${org}`, 'broadcast'];
    if (typeof role === 'string' && role) rooms.push(`org:${org}:role:${role}`);
    socket.join(rooms);
    const box = inboxes.get(`${org}\u0000${sub}`);
    socket.emit('notification:unread_count', {
      unreadCount: box ? box.unread : 0,
      timestamp: new Date().toISOString(),
    });
  });
}

function roomSize(room) {
  let n = 0;
  for (const nsp of namespaces) {
    const members = nsp.adapter.rooms.get(room);
    if (members) n += members.size;
  }
  return n;
}

function emitTo(room, event, data) {
  for (const nsp of namespaces) {
    if (nsp.adapter.rooms.has(room)) nsp.to(room).emit(event, data);
  }
}

// --- HTTP API ------------------------------------------------------------------------------
function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function fail(res, status, code, message) {
  send(res, status, { error: { code, message } });
}

function authorized(req) {
  const header = req.headers.authorization || '';
  if (!header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7), 'utf8');
  return given.length === apiKeyBuf.length && crypto.timingSafeEqual(given, apiKeyBuf);
}

const isId = (v) => typeof v === 'string' && v.length >= 1 && v.length <= 128;
const PRIORITIES = new Set(['low', 'normal', 'high', 'urgent']);

function createNotifications(req, res, body) {
  let recipients;
  if (Array.isArray(body.recipients)) {
    recipients = body.recipients;
  } else if (isId(body.orgId) && Array.isArray(body.userIds)) {
    recipients = body.userIds.map((userId) => ({ orgId: body.orgId, userId }));
  } else {
    return fail(res, 400, 'invalid_payload', 'recipients or orgId + userIds required');
  }
  if (recipients.length < 1 || recipients.length > 1000) {
    return fail(res, 400, 'invalid_payload', 'recipients: 1 to 1000');
  }
  if (!recipients.every((r) => r && isId(r.orgId) && isId(r.userId))) {
    return fail(res, 400, 'invalid_payload', 'recipients: bad id');
  }
  if (!isId(body.type)) return fail(res, 400, 'invalid_payload', 'type: required');
  if (typeof body.title !== 'string' || body.title.length < 1 || body.title.length > 200) {
    return fail(res, 400, 'invalid_payload', 'title: must be 1 to 200 characters');
  }
  const priority = body.priority === undefined ? 'normal' : body.priority;
  if (!PRIORITIES.has(priority)) return fail(res, 400, 'invalid_payload', 'priority');

  const seen = new Set();
  const created = [];
  let delivered = 0;
  const createdAt = new Date().toISOString();
  for (const { orgId, userId } of recipients) {
    const key = `${orgId}\u0000${userId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const box = inbox(orgId, userId);
    const notification = {
      id: crypto.randomUUID(),
      seq: ++box.seq,
      type: body.type,
      title: body.title,
      body: typeof body.body === 'string' ? body.body : '',
      priority,
      actionUrl: body.actionUrl || null,
      entityType: body.entityType || null,
      entityId: body.entityId || null,
      metadata: body.metadata && typeof body.metadata === 'object' ? body.metadata : {},
      createdAt,
      readAt: null,
    };
    box.items.push(notification);
    box.unread += 1;
    created.push({ id: notification.id, orgId, userId, seq: notification.seq });
    const room = `org:${orgId}:user:${userId}`;
    const n = roomSize(room);
    if (n > 0) {
      const timestamp = new Date().toISOString();
      emitTo(room, 'notification:new', { notification, timestamp });
      emitTo(room, 'notification:unread_count', { unreadCount: box.unread, timestamp });
      delivered += n;
    }
  }
  send(res, 201, { notifications: created, deliveredConnections: delivered });
}

function broadcast(req, res, body) {
  if (typeof body.title !== 'string' || body.title.length < 1 || body.title.length > 200) {
    return fail(res, 400, 'invalid_payload', 'title: must be 1 to 200 characters');
  }
  if (body.role !== undefined && !isId(body.orgId)) {
    return fail(res, 400, 'invalid_payload', 'role needs orgId');
  }
  let room = 'broadcast';
  if (isId(body.orgId)) room = isId(body.role) ? `org:${body.orgId}:role:${body.role}` : `org:${body.orgId}`;
  const announcement = {
    id: crypto.randomUUID(),
    title: body.title,
    body: typeof body.body === 'string' ? body.body : '',
    priority: PRIORITIES.has(body.priority) ? body.priority : 'normal',
    actionUrl: body.actionUrl || null,
    createdAt: new Date().toISOString(),
  };
  const n = roomSize(room);
  emitTo(room, 'announcement', announcement);
  send(res, 201, { id: announcement.id, deliveredConnections: n });
}

const apiServer = http.createServer((req, res) => {
  const url = req.url.split('?')[0];
  if (req.method === 'GET' && url === '/healthz') return send(res, 200, { status: 'ok' });
  if (req.method === 'GET' && url === '/api/v1/stats') {
    return send(res, 200, { connections: { socketIo: io.engine.clientsCount } });
  }
  const routes = { '/api/v1/notifications': createNotifications, '/api/v1/broadcasts': broadcast };
  const handler = routes[url];
  if (!handler) return fail(res, 404, 'not_found', 'no such route');
  if (req.method !== 'POST') return fail(res, 405, 'method_not_allowed', 'POST only');
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= 1 << 20) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > 1 << 20) return fail(res, 413, 'payload_too_large', 'over 1 MiB');
    if (!authorized(req)) return fail(res, 401, 'unauthorized', 'bad API key');
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      return fail(res, 400, 'invalid_json', e.message);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return fail(res, 400, 'invalid_payload', 'not an object');
    }
    handler(req, res, body);
  });
});
apiServer.keepAliveTimeout = 60000;

wsServer.listen(opts.port, opts.host, () => {
  apiServer.listen(opts.apiPort, opts.host, () => {
    console.log(`socketio-peer listening: clients on ${opts.host}:${opts.port} API on ${opts.host}:${opts.apiPort}`);
  });
});

function shutdown() {
  io.close();
  apiServer.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
