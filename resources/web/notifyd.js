// notifyd.js: the browser client of notifyd (docs/client.md). One dependency-free ES module,
// served by notifyd at GET /notifyd.js (with its types at /notifyd.d.ts) and versioned with
// the server.
//
//   import { connect } from 'https://notify.example.com/notifyd.js';
//   const client = connect('https://notify.example.com', { token: async () => fetchToken() });
//   client.on('notification', (n) => ...); client.on('unread', ({ unreadCount }) => ...);
//
// Transports, in order: WebSocket (/ws/notifications), Server-Sent Events
// (/sse/notifications), polling the user's routes (/api/v1/me/*). A transport that never
// opens is given up for the next one; one that opened and dropped is reconnected with
// exponential backoff and jitter. Every (re)connection resumes with lastSeq, and
// notifications are delivered once: the client drops what it already holds by seq.

const DEFAULTS = {
  transports: ['websocket', 'sse', 'polling'],
  minBackoffMs: 500,
  maxBackoffMs: 30000,
  // Attempts of a transport that never opened before the next one is tried.
  openAttempts: 2,
  openTimeoutMs: 8000,
  pollIntervalMs: 5000,
  // A token is renewed this long before its exp (JWTs only; opaque tokens on 4001).
  renewBeforeMs: 60000,
  seenLimit: 1000,
};

const EVENTS = ['notification', 'unread', 'read', 'deleted', 'state', 'error'];
// The page the polling transport reads (the routes' largest).
const PAGE_LIMIT = 100;

class NotifydError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.name = 'NotifydError';
    this.status = status;
    this.code = code;
  }
}

// The exp claim of a JWT in milliseconds, or null for anything else.
function jwtExpiryMs(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const exp = JSON.parse(json).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function jitter(ms) {
  return Math.round(ms / 2 + Math.random() * (ms / 2));
}

class Client {
  constructor(baseUrl, options) {
    const url = new URL(baseUrl);
    this._http = url.origin;
    this._ws = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
    this._options = { ...DEFAULTS, ...options };
    if (!this._options.token) throw new TypeError('connect(): options.token is required');
    this._handlers = new Map(EVENTS.map((e) => [e, new Set()]));
    this._transports = this._options.transports.filter((t) => ['websocket', 'sse', 'polling'].includes(t));
    if (typeof WebSocket === 'undefined') this._transports = this._transports.filter((t) => t !== 'websocket');
    if (typeof EventSource === 'undefined') this._transports = this._transports.filter((t) => t !== 'sse');
    this._transportIndex = 0;
    this._failedOpens = 0;
    this._backoffMs = this._options.minBackoffMs;
    this._lastSeq = options.lastSeq ?? null;
    this._seen = new Set();
    this._token = null;
    this._tokenPromise = null;
    this._state = 'idle';
    this._closed = false;
    this._conn = null;
    this._timers = new Set();
    this._unreadCount = null;
    this._pollStarted = false; // the polling transport has read its first page
    // Tabs of one origin share one connection: the holder of a Web Lock leads (connects and
    // passes every event on over a BroadcastChannel); the others follow. When the leader's
    // tab closes, its lock is released and the next tab takes over, resuming from its own
    // lastSeq, so nothing is missed.
    this._share = this._options.shareTabs !== false && typeof BroadcastChannel !== 'undefined'
      && typeof navigator !== 'undefined' && navigator.locks && typeof navigator.locks.request === 'function';
    this._leader = !this._share;
    if (this._share) this._follow();
    else this._start();
  }

  _follow() {
    const key = `notifyd:${this._http}`;
    this._channel = new BroadcastChannel(key);
    this._channel.onmessage = (m) => {
      const msg = m.data || {};
      if (this._closed) return;
      if (this._leader) {
        // A new tab: tell it where things stand.
        if (msg.kind === 'hello') {
          this._channel.postMessage({ kind: 'state', state: this._state, transport: this.state.transport });
          if (this._unreadCount !== null) {
            this._channel.postMessage({ kind: 'event', type: 'notification:unread_count', data: { unreadCount: this._unreadCount } });
          }
        }
        return;
      }
      if (msg.kind === 'event') {
        this._event(msg.type, msg.data || {});
      } else if (msg.kind === 'state') {
        this._leaderTransport = msg.transport;
        this._setState(msg.state);
      }
    };
    this._setState('connecting');
    // The badge now, not at the next event; and the leader's state, if there is one.
    this.unread().catch((e) => this._emit('error', e));
    this._channel.postMessage({ kind: 'hello' });
    this._lockAbort = typeof AbortController !== 'undefined' ? new AbortController() : null;
    navigator.locks.request(`notifyd-leader:${this._http}`, this._lockAbort ? { signal: this._lockAbort.signal } : {}, () => {
      if (this._closed) return undefined;
      this._leader = true;
      this._leaderTransport = null;
      this._start();
      return new Promise((resolve) => { this._releaseLock = resolve; });
    }).catch(() => {});
  }

  // --- public API

  on(event, handler) {
    const set = this._handlers.get(event);
    if (!set) throw new TypeError(`unknown event ${event}; one of ${EVENTS.join(', ')}`);
    set.add(handler);
    if (event === 'state') handler(this.state);
    return () => set.delete(handler);
  }

  off(event, handler) {
    this._handlers.get(event)?.delete(handler);
  }

  get state() {
    const transport = this._leader ? (this._conn ? this._conn.name : null) : (this._leaderTransport ?? null);
    return { state: this._state, transport, tab: this._share ? (this._leader ? 'leader' : 'follower') : 'alone' };
  }

  get lastSeq() {
    return this._lastSeq;
  }

  get unreadCount() {
    return this._unreadCount;
  }

  markRead(ids) {
    return this._route('POST', '/api/v1/me/notifications/read', { notificationIds: [].concat(ids) })
      .then((r) => this._countFrom(r));
  }

  markAllRead() {
    return this._route('POST', '/api/v1/me/notifications/read-all').then((r) => this._countFrom(r));
  }

  async delete(ids) {
    let last = null;
    for (const id of [].concat(ids)) {
      last = await this._route('DELETE', `/api/v1/me/notifications/${encodeURIComponent(id)}`);
    }
    return last ? this._countFrom(last) : { ok: true, deleted: 0 };
  }

  list({ limit, beforeSeq, unread } = {}) {
    const q = new URLSearchParams();
    if (limit !== undefined) q.set('limit', String(limit));
    if (beforeSeq !== undefined) q.set('beforeSeq', String(beforeSeq));
    if (unread) q.set('unread', 'true');
    const query = q.toString();
    return this._route('GET', `/api/v1/me/notifications${query ? `?${query}` : ''}`)
      .then((r) => this._countFrom(r));
  }

  unread() {
    return this._route('GET', '/api/v1/me/unread-count').then((r) => this._countFrom(r));
  }

  close() {
    this._closed = true;
    for (const t of this._timers) clearTimeout(t);
    this._timers.clear();
    this._drop();
    this._setState('closed');
    if (this._lockAbort) this._lockAbort.abort();
    if (this._releaseLock) this._releaseLock();
    if (this._channel) this._channel.close();
  }

  // --- events

  _emit(event, value) {
    for (const handler of this._handlers.get(event)) {
      try {
        handler(value);
      } catch (e) {
        setTimeout(() => { throw e; });
      }
    }
  }

  _setState(state) {
    this._state = state;
    const now = this.state;
    if (this._share && this._leader && this._channel && state !== 'closed') {
      this._channel.postMessage({ kind: 'state', state, transport: now.transport });
    }
    this._emit('state', now);
  }

  // An event from this tab's transport: handled here and, when leading, passed to the others.
  _wire(type, data) {
    if (this._share && this._leader && this._channel) this._channel.postMessage({ kind: 'event', type, data });
    this._event(type, data);
  }

  _countFrom(result) {
    if (result && typeof result.unreadCount === 'number') this._unread(result.unreadCount);
    return result;
  }

  _unread(count) {
    if (count === this._unreadCount) return;
    this._unreadCount = count;
    this._emit('unread', { unreadCount: count });
  }

  // A notification once, whatever the path: one whose seq was seen is dropped. (Not "at or
  // below lastSeq": a notification:new may overtake the recovery batch, docs/protocol.md.)
  _notification(n) {
    if (!n || typeof n.seq !== 'number') return;
    if (this._seen.has(n.seq)) return;
    this._seen.add(n.seq);
    if (this._seen.size > this._options.seenLimit) {
      const oldest = this._seen.values().next().value;
      this._seen.delete(oldest);
    }
    if (this._lastSeq === null || n.seq > this._lastSeq) this._lastSeq = n.seq;
    this._emit('notification', n);
  }

  // One event of the plain protocol's standard dialect (docs/protocol.md), from any transport.
  _event(type, data) {
    switch (type) {
      case 'notification:new':
        this._notification(data.notification);
        break;
      case 'notification:recent':
        for (const n of [...(data.notifications || [])].sort((a, b) => a.seq - b.seq)) this._notification(n);
        if (typeof data.unreadCount === 'number') this._unread(data.unreadCount);
        break;
      case 'notification:unread_count':
        this._unread(data.unreadCount);
        break;
      case 'notification:marked_read':
        this._emit('read', { notificationIds: data.notificationIds || [], readAt: data.readAt });
        break;
      case 'notification:deleted':
        this._emit('deleted', { notificationIds: data.notificationIds || [] });
        break;
      default:
        break;
    }
  }

  // --- credentials

  async _currentToken(fresh = false) {
    if (!fresh && this._token) {
      const exp = jwtExpiryMs(this._token);
      if (exp === null || exp - Date.now() > this._options.renewBeforeMs / 2) return this._token;
    }
    if (typeof this._options.token === 'string') {
      this._token = this._options.token;
      return this._token;
    }
    if (!this._tokenPromise) {
      this._tokenPromise = Promise.resolve()
        .then(() => this._options.token())
        .then((t) => {
          this._token = String(t);
          return this._token;
        })
        .finally(() => { this._tokenPromise = null; });
    }
    return this._tokenPromise;
  }

  // Renews the token ahead of its exp and moves the live connection onto it: the new one
  // resumes from lastSeq before the old one is closed, so nothing is lost in between.
  _scheduleRenewal() {
    if (typeof this._options.token !== 'function') return;
    const exp = jwtExpiryMs(this._token);
    if (exp === null) return;
    const inMs = Math.max(1000, exp - Date.now() - this._options.renewBeforeMs);
    this._later(inMs, async () => {
      try {
        await this._currentToken(true);
        // On a WebSocket the token is handed over on the open connection (refresh_token,
        // docs/protocol.md "Renewing the token"); elsewhere, or if the server refuses it,
        // the connection is replaced.
        const conn = this._conn;
        if (conn && conn.refresh && conn.opened && !conn.ended) {
          try {
            await conn.refresh(this._token);
            this._scheduleRenewal();
            return;
          } catch { /* replaced below */ }
        }
        this._reconnectNow();
      } catch (e) {
        this._emit('error', e);
        this._later(5000, () => this._scheduleRenewal());
      }
    }, 'renewal');
  }

  // --- HTTP routes

  async _route(method, path, body, retried = false) {
    const token = await this._currentToken();
    const res = await fetch(this._http + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (res.status === 401 && !retried && typeof this._options.token === 'function') {
      await this._currentToken(true);
      return this._route(method, path, body, true);
    }
    if (!res.ok) {
      const err = json && json.error ? json.error : {};
      throw new NotifydError(res.status, err.code, err.message);
    }
    return json;
  }

  // --- connection management

  _later(ms, fn, name) {
    const t = setTimeout(() => {
      this._timers.delete(t);
      if (!this._closed) fn();
    }, ms);
    this._timers.add(t);
    if (name) {
      if (this[`_${name}Timer`]) {
        clearTimeout(this[`_${name}Timer`]);
        this._timers.delete(this[`_${name}Timer`]);
      }
      this[`_${name}Timer`] = t;
    }
    return t;
  }

  async _start() {
    if (this._closed) return;
    this._setState(this._state === 'idle' ? 'connecting' : 'reconnecting');
    let token;
    try {
      token = await this._currentToken();
    } catch (e) {
      this._emit('error', e);
      this._retry(false);
      return;
    }
    if (this._closed) return;
    this._scheduleRenewal();
    const name = this._transports[this._transportIndex] || 'polling';
    const make = { websocket: WsTransport, sse: SseTransport, polling: PollTransport }[name];
    const conn = new make(this, token);
    this._conn = conn;
    // Says which transport is being tried, before it opens (or does not).
    this._setState(this._state === 'reconnecting' ? 'reconnecting' : 'connecting');
    conn.open();
  }

  _drop() {
    const conn = this._conn;
    this._conn = null;
    if (conn) conn.close();
  }

  // Called by a transport: it opened.
  _opened(conn) {
    if (conn !== this._conn) return;
    this._failedOpens = 0;
    this._backoffMs = this._options.minBackoffMs;
    this._setState('open');
  }

  // Called by a transport: it ended. `opened`: it had opened; `authFailed`: 4001/401.
  _ended(conn, { opened, authFailed }) {
    if (conn !== this._conn || this._closed) return;
    this._conn = null;
    if (authFailed) {
      // A fresh token, then at once: the server said the credential expired or was refused.
      this._token = null;
      this._later(0, () => this._start(), 'reconnect');
      return;
    }
    this._retry(opened);
  }

  _retry(opened) {
    if (!opened) {
      this._failedOpens += 1;
      if (this._failedOpens >= this._options.openAttempts && this._transportIndex < this._transports.length - 1) {
        this._transportIndex += 1;
        this._failedOpens = 0;
        this._later(0, () => this._start(), 'reconnect');
        return;
      }
    }
    const wait = jitter(this._backoffMs);
    this._backoffMs = Math.min(this._options.maxBackoffMs, this._backoffMs * 2);
    this._setState('reconnecting');
    this._later(wait, () => this._start(), 'reconnect');
  }

  // A new connection on the current transport, made before the old one is closed.
  _reconnectNow() {
    const old = this._conn;
    this._conn = null;
    this._start().then(() => { if (old) old.close(); });
  }
}

// --- transports: each reports _opened / _ended and hands events to _event

// What every transport shares: the open deadline and the two ways to end, reported
// (_end: the connection dropped or was refused) or silent (close: the client replaced it).
class Transport {
  constructor(client, token) {
    this.name = this.constructor.kind;
    this.client = client;
    this.token = token;
    this.opened = false;
    this.ended = false;
  }

  // The stream's query: the credential and where to resume.
  _query() {
    const q = new URLSearchParams({ token: this.token });
    if (this.client._lastSeq !== null) q.set('lastSeq', String(this.client._lastSeq));
    return q;
  }

  // Gives the transport up when it has not opened within openTimeoutMs.
  _deadline() {
    this.timer = setTimeout(() => { if (!this.opened) this._end(false); }, this.client._options.openTimeoutMs);
  }

  _open() {
    this.opened = true;
    clearTimeout(this.timer);
    this.client._opened(this);
  }

  _end(authFailed) {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this._release(false);
    this.client._ended(this, { opened: this.opened, authFailed });
  }

  close() {
    this.ended = true;
    clearTimeout(this.timer);
    this._release(true);
  }

  // Frees the connection; `quiet`: without its own close handlers firing.
  _release() {}
}

class WsTransport extends Transport {
  static kind = 'websocket';

  open() {
    const c = this.client;
    let ws;
    try {
      ws = new WebSocket(`${c._ws}/ws/notifications?${this._query()}`);
    } catch {
      this._end(false);
      return;
    }
    this.ws = ws;
    this._deadline();
    ws.onopen = () => this._open();
    ws.onmessage = (m) => {
      let frame;
      try { frame = JSON.parse(m.data); } catch { return; }
      if (frame && this.pending && frame.replyTo === this.pending.id) {
        const p = this.pending;
        this.pending = null;
        if (frame.type === 'reply' && frame.data && frame.data.ok) p.resolve(frame.data);
        else p.reject(new NotifydError(0, frame.data && frame.data.code, frame.data && frame.data.message));
        return;
      }
      if (frame && typeof frame.type === 'string') c._wire(frame.type, frame.data || {});
    };
    ws.onclose = (e) => this._end(e.code === 4001);
    ws.onerror = () => {};
  }

  // Hands a new token to the server on this connection; rejects when it is refused or no
  // answer comes within openTimeoutMs.
  refresh(token) {
    return new Promise((resolve, reject) => {
      const id = `refresh-${Date.now()}`;
      const timer = setTimeout(() => {
        if (this.pending && this.pending.id === id) this.pending = null;
        reject(new NotifydError(0, 'timeout', 'refresh_token got no answer'));
      }, this.client._options.openTimeoutMs);
      this.pending = {
        id,
        resolve: (d) => { clearTimeout(timer); this.token = token; resolve(d); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      try {
        this.ws.send(JSON.stringify({ type: 'refresh_token', id, data: { token } }));
      } catch (e) {
        this.pending.reject(e);
        this.pending = null;
      }
    });
  }

  _release(quiet) {
    // Replaced quietly, a renewal under way is left to its own deadline.
    if (!quiet && this.pending) {
      this.pending.reject(new NotifydError(0, 'closed', 'the connection ended'));
      this.pending = null;
    }
    if (!this.ws) return;
    if (quiet) this.ws.onclose = null;
    try { this.ws.close(); } catch { /* already closed */ }
  }
}

const STREAM_EVENTS = ['notification:new', 'notification:recent', 'notification:unread_count',
  'notification:marked_read', 'notification:deleted'];

class SseTransport extends Transport {
  static kind = 'sse';

  open() {
    const c = this.client;
    const es = new EventSource(`${c._http}/sse/notifications?${this._query()}`);
    this.es = es;
    this._deadline();
    es.onopen = () => this._open();
    for (const type of STREAM_EVENTS) {
      es.addEventListener(type, (m) => {
        let data;
        try { data = JSON.parse(m.data); } catch { return; }
        c._wire(type, data || {});
      });
    }
    es.addEventListener('close', (m) => {
      let data = {};
      try { data = JSON.parse(m.data); } catch { /* no detail */ }
      this._end(data.code === 4001);
    });
    // EventSource reconnects by itself after a network error; this client does it instead,
    // so that the token and lastSeq are fresh and the backoff is its own.
    es.onerror = () => this._end(false);
  }

  _release() {
    if (this.es) this.es.close();
  }
}

// Polls the first page of the inbox. The routes have no change feed, so what other tabs (or
// devices) did is read off the page: a notification that was unread on the last page and is
// read now was read, one that is gone (and would still be within the page) was deleted. The
// events are the streams' marked_read / deleted, so tabs that follow this one get them too.
class PollTransport extends Transport {
  static kind = 'polling';
  page = null; // id → notification, of the last page

  open() {
    this._poll();
  }

  async _poll() {
    const c = this.client;
    if (this.ended) return;
    let page;
    try {
      page = await c._route('GET', `/api/v1/me/notifications?limit=${PAGE_LIMIT}`);
    } catch (e) {
      if (!this.ended) this._end(e.status === 401);
      return;
    }
    if (this.ended) return;
    if (!this.opened) this._open();
    const list = page.notifications || [];
    const fresh = list.filter((n) => c._lastSeq === null || n.seq > c._lastSeq);
    // The first page of a new client is its starting point, not news (even an empty one:
    // what comes after it is news).
    if (!c._pollStarted && c._lastSeq === null && c._seen.size === 0) {
      const top = list.reduce((m, n) => Math.max(m, n.seq), 0);
      c._lastSeq = top || null;
    } else {
      c._wire('notification:recent', { notifications: fresh });
    }
    c._pollStarted = true;
    if (this.page) this._changes(list);
    this.page = new Map(list.map((n) => [n.id, n]));
    c._wire('notification:unread_count', { unreadCount: page.unreadCount });
    this.timer = setTimeout(() => this._poll(), c._options.pollIntervalMs);
  }

  // The reads and deletes between the last page and `list`.
  _changes(list) {
    const now = new Map(list.map((n) => [n.id, n]));
    // A full page drops its oldest entries as new ones arrive: only what is newer than its
    // oldest entry can be told deleted.
    const floor = list.length >= PAGE_LIMIT ? Math.min(...list.map((n) => n.seq)) : -Infinity;
    const deleted = [];
    const reads = new Map(); // readAt → ids
    for (const [id, before] of this.page) {
      const after = now.get(id);
      if (!after) {
        if (before.seq > floor) deleted.push(id);
      } else if (!before.readAt && after.readAt) {
        if (!reads.has(after.readAt)) reads.set(after.readAt, []);
        reads.get(after.readAt).push(id);
      }
    }
    for (const [readAt, ids] of reads) this.client._wire('notification:marked_read', { notificationIds: ids, readAt });
    if (deleted.length) this.client._wire('notification:deleted', { notificationIds: deleted });
  }
}

export function connect(baseUrl, options = {}) {
  return new Client(baseUrl, options);
}

export { NotifydError };
export const version = '__NOTIFYD_VERSION__';
