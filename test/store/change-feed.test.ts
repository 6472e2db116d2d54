import { describe, expect, it } from 'vitest';
import { createChangeFeed, type FeedHandlers } from '../../src/store/change-feed.js';
import { FeedCache } from '../../src/store/feed-cache.js';
import { useTestDatabase } from '../support/database.js';

// The change feed (LISTEN/NOTIFY on tender_changes, triggers of migrations 0011–0012) and the
// cache built on it, on PGlite by default and on PostgreSQL with DATABASE_URL.
describe('change feed', () => {
  const { db } = useTestDatabase();

  async function live(): Promise<void> {
    db().changes.start();
    const until = Date.now() + 10_000;
    while (!db().changes.live) {
      if (Date.now() > until) throw new Error('the feed did not become live');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  function record(): { heard: (string | null)[]; stop: () => void } {
    const heard: (string | null)[] = [];
    const stop = db().changes.subscribe((p) => heard.push(p));
    return { heard, stop };
  }

  it('hears committed revocations, account changes and deletions, and nothing rolled back', async () => {
    await live();
    const { rows: providers } = await db().query<{ id: number }>(`INSERT INTO auth_providers (identifier) VALUES ('feed') RETURNING id`);
    const { rows: accounts } = await db().query<{ id: number }>(`INSERT INTO payment_accounts (identifier, type) VALUES ('feed_cash', 'custom') RETURNING id`);
    const { rows: users } = await db().query<{ id: number }>(
      `INSERT INTO users (auth_provider_id, identifier, password_hash) VALUES ($1, 'feed@example.com', 'x') RETURNING id`, [providers[0]!.id],
    );
    const userId = users[0]!.id;
    const { rows: sessions } = await db().query<{ id: number }>('INSERT INTO user_sessions (user_id) VALUES ($1) RETURNING id', [userId]);
    const sessionId = sessions[0]!.id;
    const { heard, stop } = record();
    try {
      await expect(db().transaction(async (tx) => {
        await tx.query('UPDATE user_sessions SET revoked_at = now() WHERE id = $1', [sessionId]);
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      await db().query('UPDATE user_sessions SET last_used_at = now() WHERE id = $1', [sessionId]); // not a column that ends access
      await db().query('UPDATE user_sessions SET revoked_at = now() WHERE id = $1', [sessionId]);
      await db().query('UPDATE payment_accounts SET session_lifetime_sec = session_lifetime_sec WHERE id = $1', [accounts[0]!.id]);
      await db().query('DELETE FROM users WHERE id = $1', [userId]);
      await db().changes.caughtUp();
      expect(heard.slice(0, 2)).toEqual([`session:${sessionId}`, `account:${accounts[0]!.id}`]);
      // Deleting the user cascades to their sessions: both are announced, in the order the triggers fire.
      expect(heard.slice(2).sort()).toEqual([`session:${sessionId}`, `user:${userId}`]);
    } finally {
      stop();
    }
  });

  it('a cache drops what a change names, keeps the rest, and does not keep a value read while a change arrived', async () => {
    await live();
    const cache = new FeedCache<number, string>(db().changes, {
      max: 10, ttlMs: 60_000, serveWhenNotLive: false, stale: (kind, id, key) => kind === 'thing' && (id === '*' || Number(id) === key),
    });
    let loads = 0;
    const load = (v: string) => async () => {
      loads++;
      return v;
    };
    expect(await cache.get(1, load('one'))).toBe('one');
    expect(await cache.get(2, load('two'))).toBe('two');
    expect(await cache.get(1, load('never'))).toBe('one');
    expect(loads).toBe(2);

    db().changes.announce('thing:1');
    expect(await cache.get(1, load('one again'))).toBe('one again');
    expect(await cache.get(2, load('never'))).toBe('two');
    expect(loads).toBe(3);

    // A change arrives while the value is being read: returned, not kept.
    expect(await cache.get(3, async () => {
      loads++;
      db().changes.announce('other:9');
      return 'three';
    })).toBe('three');
    expect(await cache.get(3, load('three, kept now'))).toBe('three, kept now');
    expect(await cache.get(3, load('never'))).toBe('three, kept now');
    expect(loads).toBe(5);

    // Nothing found is never cached.
    expect(await cache.get(4, async () => undefined)).toBeUndefined();
    expect(cache.size).toBe(3);
    db().changes.announce('thing:*');
    expect(cache.size).toBe(0);
  });

  it('is bounded: the oldest entry goes first', async () => {
    await live();
    const cache = new FeedCache<number, number>(db().changes, { max: 3, ttlMs: 60_000, serveWhenNotLive: false, stale: () => false });
    for (let i = 1; i <= 4; i++) await cache.get(i, async () => i);
    expect(cache.size).toBe(3);
    let reloaded = false;
    await cache.get(1, async () => {
      reloaded = true;
      return 1;
    });
    expect(reloaded).toBe(true);
  });
});

describe('change feed going live', () => {
  it('a value read while the feed was not yet live is returned but not kept', async () => {
    // A driver whose LISTEN connection answers the feed's ping only when the test says so.
    let handlers: FeedHandlers | undefined;
    let answerPing: (() => void) | undefined;
    const feed = createChangeFeed({
      async connect(h) {
        handlers = h;
        return { close: async () => {} };
      },
      async ping(payload) {
        answerPing = () => handlers!.notify(payload);
      },
    });
    try {
      const cache = new FeedCache<number, string>(feed, { max: 10, ttlMs: 60_000, serveWhenNotLive: false, stale: () => false });
      let loads = 0;
      // The read starts before the feed is live (a change committed now would never be heard) …
      expect(await cache.get(1, async () => {
        loads++;
        while (!answerPing) await new Promise((r) => setTimeout(r, 1));
        answerPing(); // … and the feed goes live before it returns.
        await new Promise((r) => setTimeout(r, 5));
        expect(feed.live).toBe(true);
        return 'read before live';
      })).toBe('read before live');
      const load = (value: string) => async () => {
        loads++;
        return value;
      };
      expect(await cache.get(1, load('read while live'))).toBe('read while live');
      expect(await cache.get(1, load('never'))).toBe('read while live');
      expect(loads).toBe(2);
    } finally {
      await feed.close();
    }
  });
});
