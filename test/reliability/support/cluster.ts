import { KeyRing } from '../../../src/crypto.js';
import type { Db } from '../../../src/store/db.js';
import { createAdminToken } from '../../../src/services/tokens.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { signIn } from '../../support/fixtures.js';
import { spawnTender, type TenderProcess } from '../../support/process.js';
import { testGatewayAccount } from '../../support/test-gateway.js';
import { startTender, TEST_SECRET_KEY, type TestTender } from '../../support/tender.js';

export interface ClusterUser {
  userId: number;
  email: string;
  token: string;
}

export interface Cluster {
  database: TestDatabase;
  /** A connection of the test's own, to inspect the database. */
  db: Db;
  keys: KeyRing;
  appToken: string;
  adminToken: string;
  viewerToken: string;
  users: ClusterUser[];
  /** Test gateway accounts by identifier. */
  accounts: Record<string, number>;
  /** Base URLs of the processes that are up (index → URL; undefined while one is down). */
  urls: (string | undefined)[];
  /** Round-robin over the live processes. */
  next(): string;
  /** `kill -9` (or another signal) one process and wait for it to exit. */
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts process `index` again (a new port). */
  restart(index: number): Promise<void>;
  /** Everything the processes printed (warnings and errors; LOG_LEVEL=warn). */
  output(): string;
  /** The processes' error log lines (pino level ≥ 50), for failure messages. */
  errors(): string[];
  close(): Promise<void>;
}

export interface ClusterOptions {
  processes: number;
  users: number;
  /** Test gateway accounts to create: identifier → capture method and settings. */
  accounts: Record<string, { capture: 'automatic' | 'manual'; settings?: Record<string, unknown> }>;
  env?: Record<string, string>;
}

/**
 * N real `tender start` processes on one fresh PostgreSQL database, seeded (demo project, tokens,
 * users, test gateway accounts) by an in-process Tender that is closed before they start — as in
 * test/acceptance/two-processes.test.ts.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const database = await createTestDatabase();
  const seeder: TestTender = await startTender({ database });
  const accounts: Record<string, number> = {};
  const users: ClusterUser[] = [];
  let viewerToken: string;
  try {
    for (const [identifier, a] of Object.entries(options.accounts)) accounts[identifier] = await testGatewayAccount(seeder, identifier, a.capture, a.settings ?? {});
    for (let i = 0; i < options.users; i++) {
      const email = `reliability-${i}@example.com`;
      const u = await signIn(seeder, email);
      users.push({ ...u, email });
    }
    viewerToken = (await createAdminToken(seeder.ctx, 'reliability viewer', 'viewer')).token;
  } finally {
    await seeder.close();
  }
  const env = {
    DATABASE_URL: database.databaseUrl!, TENDER_SECRET_KEY: TEST_SECRET_KEY, TENDER_DEMO: '0', PORT: '0', TENDER_JOBS: '0',
    TENDER_DB_POOL: '12', ...options.env,
  };
  const procs: (TenderProcess | undefined)[] = await Promise.all(Array.from({ length: options.processes }, () => spawnTender(env)));
  const dead: string[] = [];
  const db = await database.open();
  let rr = 0;
  const cluster: Cluster = {
    database,
    db,
    keys: KeyRing.fromString(TEST_SECRET_KEY),
    appToken: seeder.appToken,
    adminToken: seeder.adminToken,
    viewerToken,
    users,
    accounts,
    urls: procs.map((p) => p?.url),
    next() {
      const live = cluster.urls.filter((u): u is string => u !== undefined);
      if (live.length === 0) throw new Error('no Tender process is up');
      return live[rr++ % live.length]!;
    },
    async kill(index, signal = 'SIGKILL') {
      const p = procs[index];
      cluster.urls[index] = undefined;
      if (!p) return;
      await p.kill(signal);
      dead.push(p.output());
      procs[index] = undefined;
    },
    async restart(index) {
      const p = await spawnTender(env);
      procs[index] = p;
      cluster.urls[index] = p.url;
    },
    output: () => [...dead, ...procs.map((p) => p?.output() ?? '')].join('\n'),
    errors: () => cluster.output().split('\n').filter((l) => /"level":(50|60)/.test(l)),
    async close() {
      await Promise.all(procs.map((p) => p?.kill('SIGTERM')));
      await db.close();
      await database.drop();
    },
  };
  return cluster;
}
