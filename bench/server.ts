/**
 * The HTTP side's server, run as a child process so that its RSS and CPU are its own (the load
 * generator runs in the parent). Two modes (BENCH_SERVER):
 * - `tender`: Tender's app exactly as `tender start` builds it (docs on; the job runner off, as
 *   with `--no-jobs`: it only polls and fans out to webhook endpoints, of which there are none),
 *   on a fresh database with the demo project, the benchmark's test-gateway account and users;
 * - `bare`: the floor — a bare Fastify with one route doing one INSERT and one doing one SELECT
 *   of 30 rows, through the raw driver (`pg.Pool` of Tender's default size, or PGlite);
 * - `floor`: the storefront flow's rows in Tender's schema (a database the parent migrated and
 *   seeded as for Tender), written by the least plain SQL, same driver (bench/floor-routes.ts).
 * The parent talks to it over the IPC channel (counters, CPU profile, setup), never over HTTP,
 * so control traffic never lands in a measurement.
 */
import type { DbStats } from '../src/store/db.js';
import { startProfile, summarize, type CpuProfile } from './cpu-profile.js';

export interface ServerReady {
  url: string;
  pid: number;
  appToken?: string;
  accountId?: number;
  users?: { userId: number; accessToken: string }[];
  /**
   * The getSessions phase's users: apart from the storefront's, so that each has exactly the
   * sessions the phase seeds (100, as the SELECT route's table has 100 rows per user) however
   * many orders the storefront phase made.
   */
  pageUsers?: { userId: number; accessToken: string }[];
  /** BENCH_WEBHOOK_DIRECT: Tender's webhook ingestion behind a bare Fastify. */
  directUrl?: string;
}

export interface ServerStats {
  statements: number;
  commits: number;
  rollbacks: number;
  rssMb: number;
  cpuMs: number;
}

export interface SessionForWebhook {
  id: number;
  gateway_ref: string;
  amount: string;
  currency: string;
  account_id: number;
  created: number;
}

type Message = { id: number; cmd: string; args?: Record<string, unknown> };

const mode = process.env.BENCH_SERVER ?? 'tender';
const engine = process.env.BENCH_ENGINE ?? 'postgres';

const poolSize = Number(process.env.TENDER_DB_POOL ?? 10);
/** Tender's db.stats in `tender` mode; the bare routes count their statements the same way. */
let stats: DbStats = { statements: 0, commits: 0, rollbacks: 0 };
const handlers = new Map<string, (args: Record<string, unknown>) => Promise<unknown>>();
let stopProfile: (() => Promise<CpuProfile>) | undefined;

handlers.set('stats', async (): Promise<ServerStats> => {
  const cpu = process.cpuUsage();
  return { ...stats, rssMb: process.memoryUsage().rss / 1024 / 1024, cpuMs: (cpu.user + cpu.system) / 1000 };
});
/** Memory after a full GC (the child runs with --expose-gc): what is retained, not garbage. */
handlers.set('gc', async () => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heapUsedMb: m.heapUsed / 1024 / 1024, externalMb: m.external / 1024 / 1024, rssMb: m.rss / 1024 / 1024 };
});
handlers.set('profile-start', async () => {
  stopProfile = await startProfile();
  return null;
});
handlers.set('profile-stop', async (args) => {
  const stop = stopProfile;
  stopProfile = undefined;
  if (!stop) return null;
  const profile = await stop();
  // BENCH_PROFILE_DIR: keep the raw profile too (open it in Chrome's DevTools, or summarize it
  // with `npx tsx bench/cpu-profile.ts FILE`).
  const dir = process.env.BENCH_PROFILE_DIR;
  if (dir) {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${engine}-${String(args.name ?? 'phase')}-${Date.now()}.cpuprofile`, JSON.stringify(profile));
  }
  return summarize(profile, 25);
});

/**
 * Rows per table, and the history and outbox rows by kind: a test compares what one storefront
 * flow adds through Tender and through the floor (test/bench/bench-harness.test.ts).
 */
function registerRowCounts(query: (sql: string, params: unknown[]) => Promise<unknown[]>): void {
  handlers.set('row-counts', async () => {
    const tables = ['orders', 'payment_collections', 'payment_sessions', 'payments', 'captures', 'refunds', 'gateway_events', 'test_gateway_intents', 'idempotency_keys'];
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = ((await query(`SELECT count(*)::int AS n FROM ${t}`, [])) as { n: number }[])[0]!.n;
    for (const r of (await query(`SELECT entity || '.' || action AS k, count(*)::int AS n FROM payment_events GROUP BY 1`, [])) as { k: string; n: number }[]) out[`history ${r.k}`] = r.n;
    for (const r of (await query('SELECT type AS k, count(*)::int AS n FROM events GROUP BY 1', [])) as { k: string; n: number }[]) out[`outbox ${r.k}`] = r.n;
    return out;
  });
}

/** Tops every page user up to `perUser` order sessions (setup for the getSessions pages). */
function registerSeedSessions(query: (sql: string, params: unknown[]) => Promise<unknown[]>, accountId: number): void {
  handlers.set('seed-sessions', async (args) => {
    const perUser = Number(args.perUser ?? 60);
    await query(
      `WITH u AS (SELECT s.user_id, $2::int - count(*)::int AS missing FROM (SELECT id AS user_id FROM users WHERE identifier LIKE 'page-%') s
                   LEFT JOIN payment_sessions ps ON ps.user_id = s.user_id AND ps.order_id IS NOT NULL GROUP BY s.user_id),
            o AS (INSERT INTO orders (storage_id, user_id, form_identifier, payment_account_id, form_data, lines, currency, total, status_identifier)
                  SELECT st.id, u.user_id, 'order', $1, '[]', '[]', 'USD', 1250, 'inProgress'
                    FROM u CROSS JOIN LATERAL generate_series(1, GREATEST(u.missing, 0)) g, order_storages st WHERE st.identifier = 'orders'
                  RETURNING id, user_id, total),
            c AS (INSERT INTO payment_collections (order_id, user_id, amount, currency, status)
                  SELECT id, user_id, total, 'USD', 'awaiting' FROM o RETURNING id, order_id, user_id, amount)
       INSERT INTO payment_sessions (collection_id, order_id, user_id, account_id, type, status, amount, currency, expires_at, gateway_status)
       SELECT c.id, c.order_id, c.user_id, $1, 'intent', 'pending', c.amount, 'USD', now() + interval '1 day', 'requires_payment_method' FROM c`,
      [accountId, perUser],
    );
    return query(`SELECT ps.user_id, count(*)::int AS n FROM payment_sessions ps JOIN users u ON u.id = ps.user_id
                   WHERE ps.order_id IS NOT NULL AND u.identifier LIKE 'page-%' GROUP BY ps.user_id`, []);
  });
}

const SESSIONS_FOR_WEBHOOKS = `
  SELECT s.id, s.gateway_ref, s.amount::text AS amount, s.currency, s.account_id, extract(epoch FROM s.created_at)::int AS created
    FROM payment_sessions s WHERE s.status = 'pending' AND s.gateway_ref LIKE 'tgpi\\_%' ORDER BY s.id LIMIT $1`;

let ready: ServerReady;
if (mode === 'tender') ready = await startTender();
else if (mode === 'floor') ready = await startFloor();
else ready = await startBare();

process.on('message', (raw) => {
  const m = raw as Message;
  const handler = handlers.get(m.cmd);
  if (!handler) {
    process.send?.({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
    return;
  }
  handler(m.args ?? {}).then(
    (value) => process.send?.({ id: m.id, ok: true, value }),
    (err: unknown) => process.send?.({ id: m.id, ok: false, error: (err as Error).message }),
  );
});
process.send?.({ ready });

async function startTender(): Promise<ServerReady> {
  // Imported here so that the bare server loads none of Tender (its RSS is the floor's).
  const { createPgDb } = await import('../src/store/pg-db.js');
  const { createPgliteDb } = await import('../src/store/pglite-db.js');
  const { buildApp } = await import('../src/http/app.js');
  const { createAppToken } = await import('../src/services/tokens.js');
  const { benchUsers, openBenchContext, seedBench } = await import('./tender-setup.js');
  const { countingDb, createCounter } = await import('./counting-db.js');
  const { createTestGateway } = await import('../src/gateways/test/test-gateway.js');
  const { registerGateway } = await import('../src/gateways/registry.js');
  const raw = engine === 'postgres'
    ? createPgDb({ connectionString: process.env.BENCH_DB_URL!, max: poolSize })
    : await createPgliteDb({ dataDir: process.env.BENCH_DATA_DIR! });
  stats = raw.stats;
  registerRowCounts(async (sql, params) => (await raw.query(sql, params)).rows);
  // The counting view only tallies (one closure call per statement) and, while a probe asks for
  // it, lists statements; it lets the per-route breakdown tell Tender's from the test gateway's.
  const counter = createCounter();
  const db = countingDb(raw, counter, 'tender');
  const ctx = await openBenchContext(db, process.env.TENDER_SECRET_KEY!, { port: 0, host: '127.0.0.1' });
  // No test-gateway webhook may fly around unmeasured: the gateway's own events are dropped
  // (the webhook phase posts its own signed events).
  const accountId = await seedBench(ctx, { simulateWebhookLoss: true });
  const users = await benchUsers(ctx, Number(process.env.BENCH_USERS ?? 32));
  const pageUsers = await benchUsers(ctx, Number(process.env.BENCH_USERS ?? 32), 'page');
  const appToken = (await createAppToken(ctx, 'bench storefront')).token;
  const app = await buildApp(ctx);
  // buildApp registered the test gateway on ctx; this second instance of the same adapter, on the
  // gateway's own counting view, replaces it in the registry (the last one registered wins,
  // NOTE.md) so that its statements are counted apart. Its webhooks are dropped like the first's.
  registerGateway(createTestGateway({ ...ctx, db: countingDb(raw, counter, 'gateway') }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  ctx.config.publicUrl = url;

  /** Tops every page user up to `perUser` order sessions (setup for the getSessions pages). */
  registerSeedSessions(async (sql, params) => (await raw.query(sql, params)).rows, accountId);
  /** Sessions the storefront phase created (pending, with a test-gateway intent). */
  handlers.set('sessions', async (args) => (await raw.query<SessionForWebhook>(SESSIONS_FOR_WEBHOOKS, [Number(args.limit ?? 5000)])).rows);
  handlers.set('trace', async (args) => {
    if (args.action === 'start') {
      counter.trace = [];
      return { tallies: structuredClone(counter.tallies) };
    }
    const trace = counter.trace ?? [];
    counter.trace = null;
    return { tallies: structuredClone(counter.tallies), trace };
  });
  handlers.set('webhook-results', async () => {
    const { rows } = await raw.query<{ result: string; n: number }>('SELECT result, count(*)::int AS n FROM gateway_events GROUP BY result');
    return Object.fromEntries(rows.map((r) => [r.result, r.n]));
  });
  // BENCH_WEBHOOK_DIRECT=1: the same ingestWebhook also behind a bare Fastify (its own port, no
  // plugins: no security headers, authentication hooks, idempotency, request ids), so that the
  // webhook phase shows what Tender's app adds around the engine.
  let directUrl: string | undefined;
  if (process.env.BENCH_WEBHOOK_DIRECT === '1') {
    const { default: Fastify } = await import('fastify');
    const { ingestWebhook } = await import('../src/services/engine/gateway-events.js');
    const direct = Fastify({ logger: false });
    direct.removeContentTypeParser('application/json');
    direct.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    direct.post<{ Params: { accountId: string }; Body: string }>('/api/webhooks/:accountId', async (request) => {
      const out = await ingestWebhook(ctx, Number(request.params.accountId), request.body, request.headers, request.ip);
      return { received: true, result: out.result, eventId: out.eventId };
    });
    await direct.listen({ port: 0, host: '127.0.0.1' });
    const a = direct.server.address();
    directUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }
  return { url, pid: process.pid, appToken, accountId, users, pageUsers, directUrl };
}

async function startBare(): Promise<ServerReady> {
  const { default: Fastify } = await import('fastify');
  // The raw driver, not Tender's Db wrapper: one query straight to pg.Pool / PGlite.
  const query = await rawQuery();
  await query(`CREATE TABLE bench_rows (
    id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, user_id integer NOT NULL, status text NOT NULL,
    amount integer NOT NULL, currency char(3) NOT NULL, data jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())`, []);
  await query('CREATE INDEX bench_rows_user ON bench_rows (user_id, id DESC)', []);
  // 32 users × 100 rows: a SELECT page of 30 rows always exists.
  await query(`INSERT INTO bench_rows (user_id, status, amount, currency, data)
    SELECT u, 'pending', 1250, 'USD', '{"type":"intent"}' FROM generate_series(1, 32) u, generate_series(1, 100)`, []);
  const app = Fastify({ logger: false });
  app.post<{ Body: { userId: number; amount: number } }>('/insert', async (request) => {
    const rows = await query(
      `INSERT INTO bench_rows (user_id, status, amount, currency, data) VALUES ($1, 'pending', $2, 'USD', $3) RETURNING id, created_at`,
      [request.body.userId, request.body.amount, { type: 'intent' }]);
    return rows[0];
  });
  app.get<{ Querystring: { user: string; offset: string } }>('/select', async (request) =>
    query('SELECT * FROM bench_rows WHERE user_id = $1 ORDER BY id DESC LIMIT 30 OFFSET $2', [Number(request.query.user), Number(request.query.offset)]));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, pid: process.pid };
}

async function startFloor(): Promise<ServerReady> {
  const { default: Fastify } = await import('fastify');
  const { registerFloorRoutes, registerFloorWebhooks } = await import('./floor-routes.js');
  const { query, transaction } = await rawDriver();
  registerRowCounts(query);
  const users = await query(`SELECT id FROM users WHERE identifier LIKE 'bench-%' ORDER BY id`, []) as { id: number }[];
  const pageUsers = await query(`SELECT id FROM users WHERE identifier LIKE 'page-%' ORDER BY id`, []) as { id: number }[];
  const [account] = await query(`SELECT id FROM payment_accounts WHERE identifier = 'bench-card'`, []) as { id: number }[];
  const app = Fastify({ logger: false });
  await registerFloorRoutes(app, query);
  await registerFloorWebhooks(app, query, process.env.TENDER_SECRET_KEY!, transaction);
  handlers.set('sessions', async (args) => query(SESSIONS_FOR_WEBHOOKS, [Number(args.limit ?? 5000)]));
  registerSeedSessions(query, account!.id);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // The floor authenticates nobody: a user's "token" is their id.
  return { url: `http://127.0.0.1:${port}`, pid: process.pid, accountId: account!.id, users: users.map((u) => ({ userId: u.id, accessToken: String(u.id) })),
    pageUsers: pageUsers.map((u) => ({ userId: u.id, accessToken: String(u.id) })) };
}

type RawQuery = (sql: string, params: unknown[], name?: string) => Promise<unknown[]>;

async function rawQuery(): Promise<RawQuery> {
  return (await rawDriver()).query;
}

/**
 * The raw driver: statements, and transactions of several (on PostgreSQL without BEGIN and
 * COMMIT, one Sync committing them, as Tender's Db does: src/store/pg-implicit-tx.ts).
 */
async function rawDriver(): Promise<{ query: RawQuery; transaction: <T>(fn: (q: RawQuery) => Promise<T>) => Promise<T> }> {
  if (engine === 'postgres') {
    const pg = (await import('pg')).default;
    // The floors plan their prepared statements once, generically, as Tender's pool does (pg-db.ts).
    const options = mode === 'floor' ? '-c plan_cache_mode=force_generic_plan' : undefined;
    const pool = new pg.Pool({ connectionString: process.env.BENCH_DB_URL!, max: poolSize, options });
    pool.on('error', () => {});
    // A name makes it a prepared statement, parsed and planned once per connection (as Tender's
    // Db does): the floors use one, so that they pay no planning; the bare routes keep pg's plain
    // unnamed statement (their definition since the first round).
    // Loaded on the first transaction (the floor's), so that the bare server loads none of Tender.
    let Itx: typeof import('../src/store/pg-implicit-tx.js').ImplicitTransaction | undefined;
    return {
      query: async (sql, params, name) => {
        stats.statements++;
        return (await pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params })).rows;
      },
      async transaction(fn) {
        Itx ??= (await import('../src/store/pg-implicit-tx.js')).ImplicitTransaction;
        const client = await pool.connect();
        const itx = new Itx();
        void client.query(itx as never);
        try {
          const out = await fn(async (sql, params, name) => {
            stats.statements++;
            return (await itx.query(sql, params, name)).rows;
          });
          await itx.commit();
          stats.commits++;
          return out;
        } catch (err) {
          await itx.rollback().catch(() => {});
          throw err;
        } finally {
          client.release(itx.connectionLost);
        }
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = new PGlite({ dataDir: process.env.BENCH_DATA_DIR! });
  await pglite.waitReady;
  const query: RawQuery = async (sql, params) => {
    stats.statements++;
    return (await pglite.query(sql, params)).rows;
  };
  return {
    query,
    transaction: (fn) => pglite.transaction(async (tx) => {
      stats.statements += 2; // BEGIN, COMMIT
      stats.commits++;
      return fn(async (sql, params) => {
        stats.statements++;
        return (await tx.query(sql, params)).rows;
      });
    }),
  };
}
