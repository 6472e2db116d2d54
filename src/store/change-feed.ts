import { randomUUID } from 'node:crypto';
import type { ChangeFeed } from './db.js';

/** An open subscription to the changes channel, as the driver gives it. */
export interface FeedConnection {
  close(): Promise<void>;
}

export interface FeedHandlers {
  notify(payload: string): void;
  /** The connection is gone (error or end); notifications from now on are missed. */
  lost(): void;
}

export interface ChangeFeedOptions {
  /** Opens a connection that LISTENs on the channel and reports what arrives. */
  connect(handlers: FeedHandlers): Promise<FeedConnection>;
  /** Sends `payload` on the channel through the ordinary query path (`SELECT pg_notify(…)`). */
  ping(payload: string): Promise<void>;
  /** How long the ping may take to come back before the feed counts as not working. */
  pingTimeoutMs?: number;
  retryMs?: number;
  /** Never listen: the feed stays not live (TENDER_DB_LISTEN=off). */
  disabled?: boolean;
}

/**
 * LISTEN/NOTIFY as a feed that caches can trust. PostgreSQL's own mechanism (pg's
 * `notification` event, PGlite's `listen`) delivers the notifications; this adds what a cache
 * needs on top and no library provides: the feed counts as live only after a ping sent through
 * the ordinary query path came back on the listening connection (so a pooler that cannot carry
 * LISTEN, such as PgBouncer in transaction mode, leaves it not live rather than silently deaf),
 * and every loss of the connection is announced (payload null) and retried.
 */
export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed & { close(): Promise<void> } {
  const subscribers = new Set<(payload: string | null) => void>();
  const pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
  const retryMs = options.retryMs ?? 1_000;
  let live = false;
  let generation = 0;
  let started = false;
  let closed = false;
  let connection: FeedConnection | undefined;
  let pending: { token: string; resolve: () => void } | undefined;
  /** Pings sent by caughtUp(), by token. */
  const waiters = new Map<string, () => void>();
  let retryTimer: NodeJS.Timeout | undefined;
  let attempt = 0;

  function emit(payload: string | null): void {
    generation++;
    for (const fn of subscribers) fn(payload);
  }

  function lose(): void {
    const wasLive = live;
    live = false;
    pending = undefined;
    // A lost feed serves nothing, so whoever waits for it to catch up may go on.
    for (const resolve of waiters.values()) resolve();
    const conn = connection;
    connection = undefined;
    if (conn) void conn.close().catch(() => {});
    if (wasLive || conn) emit(null);
    scheduleRetry();
  }

  function scheduleRetry(): void {
    if (closed || retryTimer) return;
    const delay = Math.min(30_000, retryMs * 2 ** Math.min(attempt, 5));
    attempt++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void open();
    }, delay);
    retryTimer.unref();
  }

  async function open(): Promise<void> {
    if (closed) return;
    let conn: FeedConnection | undefined;
    try {
      conn = await options.connect({
        notify(payload) {
          if (conn !== connection) return;
          if (payload.startsWith('ping:')) {
            if (pending?.token === payload) pending.resolve();
            waiters.get(payload)?.();
            return;
          }
          emit(payload);
        },
        lost() {
          if (conn === connection) lose();
        },
      });
      if (closed) {
        await conn.close();
        return;
      }
      connection = conn;
      const token = `ping:${randomUUID()}`;
      const back = new Promise<boolean>((resolve) => {
        pending = { token, resolve: () => resolve(true) };
        setTimeout(() => resolve(false), pingTimeoutMs).unref();
      });
      await options.ping(token);
      if (!(await back) || conn !== connection) throw new Error('the change feed did not hear its own ping');
      pending = undefined;
      live = true;
      // A value read before the feed was live may predate a change nobody heard: caches must not
      // keep what they loaded across this moment.
      generation++;
      attempt = 0;
    } catch {
      if (conn && conn !== connection) await conn.close().catch(() => {});
      if (!closed) lose();
    }
  }

  return {
    get live() {
      return live;
    },
    get generation() {
      return generation;
    },
    start() {
      if (started || closed || options.disabled) return;
      started = true;
      void open();
    },
    announce(payload) {
      emit(payload);
    },
    async caughtUp() {
      if (!live) return;
      const token = `ping:${randomUUID()}`;
      const heard = new Promise<void>((resolve) => {
        waiters.set(token, resolve);
        setTimeout(resolve, pingTimeoutMs).unref();
      });
      try {
        await options.ping(token);
        await heard;
      } finally {
        waiters.delete(token);
      }
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    async close() {
      closed = true;
      live = false;
      if (retryTimer) clearTimeout(retryTimer);
      const conn = connection;
      connection = undefined;
      if (conn) await conn.close().catch(() => {});
    },
  };
}
