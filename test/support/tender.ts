import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type TenderConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { KeyRing } from '../../src/crypto.js';
import { buildApp } from '../../src/http/app.js';
import { DEFAULT_JOB_CONFIG, withOverrides, type JobConfigOverrides } from '../../src/jobs/job-config.js';
import { startJobs, type JobRunner } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { openContext } from '../../src/runtime.js';
import { DEMO_PROJECT_PATH, loadProjectFile, seedProject, type ProjectFile } from '../../src/services/project-seed.js';
import { createAdminToken, createAppToken } from '../../src/services/tokens.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_SECRET_KEY = KeyRing.generate();

export interface TestTender {
  ctx: AppContext;
  app: FastifyInstance;
  /** Base URL of the listening server (http://127.0.0.1:PORT). */
  url: string;
  appToken: string;
  adminToken: string;
  database: TestDatabase;
  /** The job runner, when started with `jobs`. */
  jobs?: JobRunner;
  /** Every log line written so far (JSON strings), for assertions that nothing leaks. */
  logs: string[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Seed the demo project (default true). */
  demo?: boolean;
  project?: ProjectFile;
  database?: TestDatabase;
  now?: () => Date;
  config?: Partial<TenderConfig>;
  /** Run the job runner (webhook delivery, scheduled jobs) too; off by default. */
  jobs?: boolean | JobConfigOverrides;
}

/** A real, listening Tender on a fresh database, seeded with the demo project. */
export async function startTender(options: StartOptions = {}): Promise<TestTender> {
  const database = options.database ?? (await createTestDatabase());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      // TEST_LOG_STDERR=1 also shows the server's log lines (debugging a failing test).
      if (process.env.TEST_LOG_STDERR === '1') process.stderr.write(chunk);
      cb();
    },
  });
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'info', sink);
  const config: TenderConfig = {
    ...loadConfig({}),
    dataDir: database.dataDir ?? '/nonexistent',
    databaseUrl: database.databaseUrl,
    secretKey: TEST_SECRET_KEY,
    demo: true,
    port: 0,
    ...options.config,
  };
  const db = await database.open();
  const ctx = await openContext(config, log, db);
  if (options.now) ctx.now = options.now;
  if (options.demo !== false) await seedProject(ctx, await loadProjectFile(DEMO_PROJECT_PATH));
  if (options.project) await seedProject(ctx, options.project);
  const appToken = (await createAppToken(ctx, 'test storefront')).token;
  const adminToken = (await createAdminToken(ctx, 'test admin', 'owner')).token;
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  ctx.config.publicUrl = url;
  const jobs = options.jobs ? await startJobs(ctx, withOverrides(DEFAULT_JOB_CONFIG, options.jobs === true ? {} : options.jobs)) : undefined;
  let closed = false;
  return {
    ctx,
    app,
    url,
    appToken,
    adminToken,
    database,
    jobs,
    logs,
    async close() {
      if (closed) return;
      closed = true;
      await jobs?.stop();
      await app.close();
      await db.close();
      if (!options.database) await database.drop();
    },
  };
}
