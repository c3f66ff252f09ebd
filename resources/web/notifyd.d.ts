// Types of notifyd.js (docs/client.md), served at GET /notifyd.d.ts.

export interface Notification {
  id: string;
  seq: number;
  type: string;
  title: string;
  body: string;
  priority: string;
  actionUrl: string | null;
  entityType: string | null;
  entityId: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

export type Transport = 'websocket' | 'sse' | 'polling';

export interface ConnectionState {
  state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
  /** The live transport; a following tab reports its leader's. */
  transport: Transport | null;
  /** Tabs of one origin share one connection: this tab leads it, follows, or is alone. */
  tab: 'leader' | 'follower' | 'alone';
}

export interface ConnectOptions {
  /** A user credential (JWT or session token), or a function that returns a fresh one. */
  token: string | (() => string | Promise<string>);
  /** Transports to try, in order. Default: websocket, sse, polling. */
  transports?: Transport[];
  /** Resume after this seq (for a page that kept what it had). */
  lastSeq?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Attempts of a transport that never opened before the next one is tried. Default 2. */
  openAttempts?: number;
  openTimeoutMs?: number;
  pollIntervalMs?: number;
  /** A JWT is renewed this long before its exp. Default 60000. */
  renewBeforeMs?: number;
  seenLimit?: number;
  /** Share one connection between the tabs of this origin (BroadcastChannel + Web Lock). Default true. */
  shareTabs?: boolean;
}

export interface ChangeResult {
  ok: boolean;
  updated?: number;
  deleted?: number;
  unreadCount: number;
}

export interface Page {
  notifications: Notification[];
  hasMore: boolean;
  unreadCount: number;
}

export interface EventMap {
  notification: Notification;
  unread: { unreadCount: number };
  read: { notificationIds: string[]; readAt?: string };
  deleted: { notificationIds: string[] };
  state: ConnectionState;
  error: Error;
}

export declare class NotifydError extends Error {
  readonly status: number;
  readonly code?: string;
}

export interface NotifydClient {
  /** Adds a handler; returns a function that removes it. */
  on<K extends keyof EventMap>(event: K, handler: (value: EventMap[K]) => void): () => void;
  off<K extends keyof EventMap>(event: K, handler: (value: EventMap[K]) => void): void;
  readonly state: ConnectionState;
  readonly lastSeq: number | null;
  readonly unreadCount: number | null;
  markRead(ids: string | string[]): Promise<ChangeResult>;
  markAllRead(): Promise<ChangeResult>;
  delete(ids: string | string[]): Promise<ChangeResult>;
  list(query?: { limit?: number; beforeSeq?: number; unread?: boolean }): Promise<Page>;
  unread(): Promise<{ unreadCount: number }>;
  close(): void;
}

/** baseUrl: the client port, http(s)://host[:port]. */
export declare function connect(baseUrl: string, options: ConnectOptions): NotifydClient;
export declare const version: string;
