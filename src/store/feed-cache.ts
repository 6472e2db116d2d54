import type { ChangeFeed } from './db.js';

export interface FeedCacheOptions<K, V> {
  /** Entries kept at most; the oldest go first. */
  max: number;
  /** An entry is used at most this long after it was read, notifications or not. */
  ttlMs: number;
  /**
   * Whether entries may be used while the change feed is not live (not started yet, reconnecting,
   * or behind a pooler that cannot LISTEN). False: every lookup then reads the database.
   */
  serveWhenNotLive: boolean;
  /** Whether a change `kind:id` (id may be `*`) makes this entry stale. */
  stale(kind: string, id: string, key: K, value: V): boolean;
}

/**
 * A bounded per-process cache of rows that decide access, kept exact by the change feed: a
 * notification drops the entries it concerns, a lost feed drops all, and a value read while any
 * change arrived is returned but not kept (it may predate the change). Small and specific enough
 * that an LRU library would not save code: what matters here is the invalidation.
 */
export class FeedCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly feed: ChangeFeed,
    private readonly options: FeedCacheOptions<K, V>,
  ) {
    feed.subscribe((payload) => {
      if (payload === null) return this.entries.clear();
      const colon = payload.indexOf(':');
      const kind = payload.slice(0, colon);
      const id = payload.slice(colon + 1);
      for (const [key, entry] of this.entries) if (options.stale(kind, id, key, entry.value)) this.entries.delete(key);
    });
  }

  /** The cached value of `key`, or `load()`'s (undefined = no such row: never cached). */
  async get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const feed = this.feed;
    feed.start();
    const now = Date.now();
    if (feed.live || this.options.serveWhenNotLive) {
      const hit = this.entries.get(key);
      if (hit && hit.until > now) return hit.value;
    }
    const generation = feed.generation;
    const value = await load();
    if (value !== undefined && feed.generation === generation && (feed.live || this.options.serveWhenNotLive)) {
      this.entries.delete(key);
      if (this.entries.size >= this.options.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, until: now + this.options.ttlMs });
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
