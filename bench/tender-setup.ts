/**
 * A Tender context on a fresh database, prepared the way the benchmark needs it: the demo
 * project, one payment account on the built-in test gateway (manual capture, so that capture is
 * a step of its own), and signed-in storefront users. Used in-process (lifecycle) and by the
 * HTTP server child (bench/server.ts).
 */
import type { Logger } from 'pino';
import { loadConfig, type TenderConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { createLogger } from '../src/logger.js';
import { openContext } from '../src/runtime.js';
import { issueAccessToken } from '../src/services/access-tokens.js';
import { DEMO_PROJECT_PATH, loadProjectFile, seedProject } from '../src/services/project-seed.js';
import type { Db } from '../src/store/db.js';

export const BENCH_ACCOUNT = 'bench-card';

export interface BenchUser {
  userId: number;
  accessToken: string;
}

export function benchLogger(): Logger {
  // Only errors: a benchmark that logs every request measures the logger.
  return createLogger(process.env.BENCH_LOG_LEVEL ?? 'error', process.stderr);
}

export async function openBenchContext(db: Db, secretKey: string, overrides: Partial<TenderConfig> = {}): Promise<AppContext> {
  const config: TenderConfig = {
    ...loadConfig({}),
    dataDir: '/nonexistent',
    secretKey,
    demo: false,
    logLevel: 'error',
    ...overrides,
  };
  return openContext(config, benchLogger(), db);
}

/**
 * The demo project plus the benchmark's test-gateway account, allowed in the demo storage.
 * `settings` goes to test_settings (e.g. simulateWebhookLoss, NOTE.md).
 */
export async function seedBench(ctx: AppContext, settings: Record<string, unknown> = {}): Promise<number> {
  await seedProject(ctx, await loadProjectFile(DEMO_PROJECT_PATH));
  const { rows } = await ctx.db.query<{ id: number }>(
    `INSERT INTO payment_accounts (identifier, type, test_mode, capture_method, localize_infos, test_settings, session_lifetime_sec)
     VALUES ($1, 'test', true, 'manual', $2, $3, 86400) RETURNING id`,
    [BENCH_ACCOUNT, { en_US: { title: 'Bench card' } }, settings],
  );
  const id = rows[0]!.id;
  await ctx.db.query(`INSERT INTO order_storage_accounts (storage_id, account_id) SELECT id, $1 FROM order_storages WHERE identifier = 'orders'`, [id]);
  return id;
}

/**
 * Storefront users with a live login session and an access token each (as after a login),
 * `<prefix>-<i>@example.com`.
 */
export async function benchUsers(ctx: AppContext, count: number, prefix = 'bench'): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const { rows } = await ctx.db.query<{ id: number }>(
      `INSERT INTO users (auth_provider_id, identifier, password_hash, is_active)
       SELECT id, $1, 'not-a-password', true FROM auth_providers WHERE identifier = 'email' RETURNING id`,
      [`${prefix}-${i}@example.com`],
    );
    const userId = rows[0]!.id;
    const s = await ctx.db.query<{ id: number }>('INSERT INTO user_sessions (user_id) VALUES ($1) RETURNING id', [userId]);
    users.push({ userId, accessToken: await issueAccessToken(ctx, { userId, sessionId: s.rows[0]!.id, ttlSec: 4 * 3600 }) });
  }
  return users;
}
