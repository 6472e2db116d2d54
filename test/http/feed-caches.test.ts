import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usePostgres, type TestDatabase } from '../support/database.js';
import { insertOrder, signIn } from '../support/fixtures.js';
import { login, userClient } from '../support/login.js';
import { startTender, type TestTender } from '../support/tender.js';
import { loadConfig } from '../../src/config.js';
import { openDb } from '../../src/runtime.js';

// Login sessions known to be live and payment accounts are cached per process and dropped by the
// database's change notifications (migrations 0011 and 0012, src/store/change-feed.ts). These tests
// show that the caches are used, and that every way a session can end, or an account change,
// is seen by the next request.

const SESSIONS = '/api/content/users-auth-providers/marker/email/users/sessions';

async function feedLive(t: TestTender): Promise<void> {
  t.ctx.db.changes.start();
  const until = Date.now() + 10_000;
  while (!t.ctx.db.changes.live) {
    if (Date.now() > until) throw new Error('the change feed did not become live');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls `path` until it answers 401; returns how long that took. */
async function msUntil401(t: TestTender, token: string): Promise<number> {
  const start = performance.now();
  for (;;) {
    const res = await userClient(t, token).get(SESSIONS);
    if (res.status === 401) {
      expect(res.body.code).toBe('session_revoked');
      return performance.now() - start;
    }
    expect(res.status).toBe(200);
    if (performance.now() - start > 5_000) throw new Error('the session was still accepted 5 s after it ended');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Statements one request costs this process's database handle. */
async function statementsOf(t: TestTender, token: string): Promise<number> {
  const before = t.ctx.db.stats.statements;
  expect((await userClient(t, token).get(SESSIONS)).status).toBe(200);
  return t.ctx.db.stats.statements - before;
}

describe('live-session cache', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
    await feedLive(t);
  });
  afterAll(() => t.close());

  it('answers a repeated request without asking the database whether the session is live', async () => {
    await statementsOf(t, (await signIn(t, 'warm-up@example.com')).token); // the app token is cached too
    const user = await signIn(t, 'cache-hit@example.com');
    const first = await statementsOf(t, user.token);
    const second = await statementsOf(t, user.token);
    expect(second).toBe(first - 1);
  });

  it('a logout ends the session on the next request of the same process', async () => {
    const a = await login(t);
    expect((await userClient(t, a.accessToken).get(SESSIONS)).status).toBe(200);
    expect((await userClient(t, a.accessToken).post('/api/content/users-auth-providers/marker/email/users/logout', {})).status).toBe(200);
    const res = await userClient(t, a.accessToken).get(SESSIONS);
    expect(res.status).toBe(401);
  });

  it('a revocation written by hand in SQL ends the session', async () => {
    const user = await signIn(t, 'sql-revoke@example.com');
    await statementsOf(t, user.token);
    await t.ctx.db.query(`UPDATE user_sessions SET revoked_at = now(), revoke_reason = 'by hand' WHERE user_id = $1`, [user.userId]);
    expect(await msUntil401(t, user.token)).toBeLessThan(5_000);
  });

  it('deactivating or deleting the user ends their sessions', async () => {
    const a = await signIn(t, 'deactivated@example.com');
    await statementsOf(t, a.token);
    await t.ctx.db.query('UPDATE users SET is_active = false WHERE id = $1', [a.userId]);
    await msUntil401(t, a.token);

    const b = await signIn(t, 'deleted@example.com');
    await statementsOf(t, b.token);
    await t.ctx.db.query('DELETE FROM users WHERE id = $1', [b.userId]);
    await msUntil401(t, b.token);
  });

  it('a revocation rolled back ends nothing', async () => {
    const user = await signIn(t, 'rolled-back@example.com');
    await statementsOf(t, user.token);
    await expect(
      t.ctx.db.transaction(async (tx) => {
        await tx.query('UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1', [user.userId]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await userClient(t, user.token).get(SESSIONS)).status).toBe(200);
  });
});

describe.skipIf(!usePostgres)('live-session cache across two Tender processes on one PostgreSQL (PGlite is one process by design)', () => {
  let database: TestDatabase;
  let a: TestTender;
  let b: TestTender;
  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startTender({ database });
    b = await startTender({ database, demo: false });
    await Promise.all([feedLive(a), feedLive(b)]);
    await statementsOf(b, (await signIn(a, 'warm-up@example.com')).token); // b's app token is cached from here on
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('a logout on one process ends the session on another at once', async () => {
    const user = await login(a);
    // b caches the session as live …
    const uncached = await statementsOf(b, user.accessToken);
    expect(await statementsOf(b, user.accessToken)).toBe(uncached - 1);
    // … a ends it; b's next requests are refused as soon as the notification arrives.
    expect((await userClient(a, user.accessToken).post('/api/content/users-auth-providers/marker/email/users/logout', {})).status).toBe(200);
    const ms = await msUntil401(b, user.accessToken);
    console.log(`feed-caches: a logout on one process reached the other in ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(1_000);
  });

  it('while the feed is lost nothing is served from the cache, and it comes back', async () => {
    const user = await signIn(a, 'feed-lost@example.com');
    const uncached = await statementsOf(b, user.token);
    expect(await statementsOf(b, user.token)).toBe(uncached - 1);
    const pg = await a.ctx.db.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'tender:listen'`,
    );
    expect(pg.rows[0]!.n).toBe(2);
    const until = Date.now() + 5_000;
    while (b.ctx.db.changes.live && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(b.ctx.db.changes.live).toBe(false);
    // Revoked while no process listens: no notification will ever tell b.
    await a.ctx.db.query('UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1', [user.userId]);
    const res = await userClient(b, user.token).get(SESSIONS);
    expect(res.status).toBe(401);
    await feedLive(b);
    const other = await signIn(a, 'feed-back@example.com');
    const uncachedOther = await statementsOf(b, other.token);
    expect(await statementsOf(b, other.token)).toBe(uncachedOther - 1);
  });
});

describe('account cache', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
    await feedLive(t);
  });
  afterAll(() => t.close());

  /** Creates a cash session for a new order; returns its lifetime in seconds and the statements it cost. */
  async function cashSession(user: { userId: number; token: string }): Promise<{ lifetimeSec: number; statements: number }> {
    const orderId = await insertOrder(t, user.userId, 1, 1);
    const before = t.ctx.db.stats.statements;
    const res = await userClient(t, user.token).post('/api/content/payments/sessions', { orderId, type: 'session' });
    expect(res.status).toBe(200);
    return { lifetimeSec: (Date.parse(res.body.expiresAt) - Date.parse(res.body.createdDate)) / 1000, statements: t.ctx.db.stats.statements - before };
  }

  it('reads an account once, and a change committed anywhere is seen by the next request', async () => {
    const user = await signIn(t, 'accounts@example.com');
    await cashSession(user); // the session and the app token are cached from here on
    const first = await cashSession(user);
    const second = await cashSession(user);
    expect(second.statements).toBe(first.statements);
    await t.ctx.db.query(`UPDATE payment_accounts SET session_lifetime_sec = 600 WHERE identifier = 'cash'`);
    await t.ctx.db.changes.caughtUp();
    const changed = await cashSession(user);
    expect(changed.lifetimeSec).toBe(600);
    expect(changed.statements).toBe(second.statements + 1); // read again, once
    expect((await cashSession(user)).statements).toBe(second.statements);
  });

  it("an admin's change through the API is seen by the very next request", async () => {
    const user = await signIn(t, 'accounts-admin@example.com');
    const { rows } = await t.ctx.db.query<{ id: number }>(`SELECT id FROM payment_accounts WHERE identifier = 'cash'`);
    await cashSession(user);
    const res = await fetch(`${t.url}/api/admin/accounts/${rows[0]!.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionLifetimeSec: 900 }),
    });
    expect(res.status).toBe(200);
    expect((await cashSession(user)).lifetimeSec).toBe(900);
  });
});

describe.skipIf(!usePostgres)('TENDER_DB_LISTEN=off (PostgreSQL; for poolers that cannot carry LISTEN)', () => {
  it('never listens, caches no login session, and ends a revoked one on the next request', async () => {
    expect(loadConfig({ TENDER_DB_LISTEN: 'off' }).dbListen).toBe(false);
    expect(loadConfig({}).dbListen).toBe(true);
    expect(() => loadConfig({ TENDER_DB_LISTEN: 'sometimes' })).toThrow(/TENDER_DB_LISTEN/);
    const database = await createTestDatabase();
    // The database opened as `tender start` opens it with TENDER_DB_LISTEN=off.
    const t = await startTender({ database: { ...database, open: () => openDb({ ...loadConfig({}), databaseUrl: database.databaseUrl, dbListen: false }) } });
    try {
      await statementsOf(t, (await signIn(t, 'warm-up@example.com')).token); // app tokens are still cached (30 s)
      const user = await signIn(t, 'no-listen@example.com');
      const first = await statementsOf(t, user.token);
      expect(await statementsOf(t, user.token)).toBe(first); // asked the database again
      expect(t.ctx.db.changes.live).toBe(false);
      const { rows } = await t.ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '%:listen'`,
      );
      expect(rows[0]!.n).toBe(0);
      await t.ctx.db.query('UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1', [user.userId]);
      expect((await userClient(t, user.token).get(SESSIONS)).status).toBe(401);
    } finally {
      await t.close();
      await database.drop();
    }
  });
});
