#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50
// Node flags (docs/benchmarks-history.md, second round): --max-semi-space-size=4 (MB; Node's default is 16)
// makes the young generation smaller, and --heap-growing-percent=50 lets the old generation grow
// to 1.5× what survived the last full GC before the next one instead of up to 4×. With ~32 MB of
// live heap, the server's peak RSS under load was 190–200 MB without them and 122–131 MB with
// them, at no measured cost in throughput. `npm start` passes the same flags (package.json).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import type { AppContext } from './context.js';
import { randomToken } from './crypto.js';
import { buildApp } from './http/app.js';
import { loadJobConfig } from './jobs/job-config.js';
import { startJobs } from './jobs/runner.js';
import { createLogger } from './logger.js';
import { openContext } from './runtime.js';
import { reconcile } from './services/engine/reconcile.js';
import { verifyDatabase } from './services/verify-service.js';
import { DEMO_PROJECT_PATH, loadProjectFile, seedProject } from './services/project-seed.js';
import { createAdminUser, findAdminUser } from './services/admin-user-service.js';
import { createAdminToken, createAppToken } from './services/tokens.js';

const USAGE = `Usage: tender <command>

  start [--no-jobs]           migrate, (demo mode) seed the demo project, serve HTTP and run
                              the job runner (webhooks, scheduled jobs; off with --no-jobs or TENDER_JOBS=0)
  migrate                     apply database migrations and exit
  seed FILE                   load a project (catalog, forms, accounts, storages, users) from JSON
  token create NAME           create an app token (x-app-token) for a storefront
  admin create EMAIL [--role owner|viewer] [--password PASSWORD]
                              create an admin user of the panel at /admin (without
                              --password: prints a one-time password, changed at first sign-in)
  admin-token create NAME [--role owner|viewer]
                              create an admin API token
  reconcile                   ask the gateways about unsettled payments once, then exit
  verify                      check every money invariant over the database; exit 1 on any violation

Environment: DATABASE_URL, TENDER_DATA_DIR, PORT, HOST, TENDER_PUBLIC_URL, TENDER_SECRET_KEY,
TENDER_DEMO, LOG_LEVEL — see README.md.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' }, 'no-jobs': { type: 'boolean' } },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const config = loadConfig();
  const log = createLogger(command === 'start' ? config.logLevel : 'warn');

  if (command === 'start') return start(config, log, !values['no-jobs'] && process.env.TENDER_JOBS !== '0');

  const ctx = await openContext(config, log);
  try {
    switch (command) {
      case 'migrate':
        console.log('Migrations are up to date.');
        return 0;
      case 'seed': {
        if (!sub) return usage('seed needs a FILE');
        await seedProject(ctx, await loadProjectFile(sub));
        console.log(`Seeded project from ${sub}.`);
        return 0;
      }
      case 'token': {
        if (sub !== 'create' || !arg) return usage('token create NAME');
        const { token } = await createAppToken(ctx, arg);
        console.log(`App token: ${token}`);
        return 0;
      }
      case 'admin': {
        if (sub !== 'create' || !arg) return usage('admin create EMAIL [--role owner|viewer] [--password PASSWORD]');
        const role = values.role ?? 'owner';
        if (role !== 'owner' && role !== 'viewer') return usage('--role must be owner or viewer');
        const { user, password, generated } = await createAdminUser(ctx, { email: arg, role, password: values.password });
        console.log(`Admin user ${user.email} (${user.role}) created.`);
        if (generated) console.log(`One-time password: ${password}\n(shown once; it must be changed at the first sign-in at /admin)`);
        return 0;
      }
      case 'admin-token': {
        if (sub !== 'create' || !arg) return usage('admin-token create NAME [--role owner|viewer]');
        const role = values.role ?? 'owner';
        if (role !== 'owner' && role !== 'viewer') return usage('--role must be owner or viewer');
        const { token } = await createAdminToken(ctx, arg, role);
        console.log(`Admin token: ${token}`);
        return 0;
      }
      case 'verify': {
        const report = await verifyDatabase(ctx);
        for (const v of report.violations) console.log(`VIOLATION ${v.check} ${v.entity} ${v.id}: ${v.message}`);
        console.log(`checked ${Object.entries(report.checked).map(([k, n]) => `${n} ${k}`).join(', ')}; ${report.violations.length} violations`);
        return report.violations.length > 0 ? 1 : 0;
      }
      case 'reconcile': {
        // Gateways that need the HTTP app's context (the test gateway) register when it is built.
        await buildApp(ctx, { docs: false });
        const report = await reconcile(ctx, { olderThanSec: 0 });
        console.log(JSON.stringify(report));
        return report.errors > 0 ? 1 : 0;
      }
      default:
        return usage(`unknown command "${command}"`);
    }
  } finally {
    await ctx.db.close();
  }
}

function usage(message: string): number {
  console.error(`tender: ${message}\n\n${USAGE}`);
  return 2;
}

interface DemoTokens {
  appToken: string;
  adminToken: string;
  /** The demo admin user of the panel (added later: older data directories lack it). */
  adminEmail?: string;
  adminPassword?: string;
}

const DEMO_ADMIN_EMAIL = 'admin@example.com';

/** A demo admin user with a known password (no change asked), created once per data directory. */
async function ensureDemoAdmin(ctx: AppContext, tokens: DemoTokens, file: string): Promise<DemoTokens> {
  if (tokens.adminEmail && tokens.adminPassword) return tokens;
  if (await findAdminUser(ctx, DEMO_ADMIN_EMAIL)) return tokens;
  const password = randomToken(12);
  await createAdminUser(ctx, { email: DEMO_ADMIN_EMAIL, role: 'owner', password });
  const next = { ...tokens, adminEmail: DEMO_ADMIN_EMAIL, adminPassword: password };
  await writeFile(file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  return next;
}

/** Seeds the demo project once and keeps its tokens in the data directory (demo mode only). */
async function ensureDemo(ctx: AppContext): Promise<DemoTokens> {
  const file = join(ctx.config.dataDir, 'demo-tokens.json');
  try {
    return await ensureDemoAdmin(ctx, JSON.parse(await readFile(file, 'utf8')) as DemoTokens, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await seedProject(ctx, await loadProjectFile(DEMO_PROJECT_PATH));
    const tokens = {
      appToken: (await createAppToken(ctx, 'demo storefront')).token,
      adminToken: (await createAdminToken(ctx, 'demo admin', 'owner')).token,
    };
    await writeFile(file, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
    return ensureDemoAdmin(ctx, tokens, file);
  }
}

async function start(config: ReturnType<typeof loadConfig>, log: ReturnType<typeof createLogger>, runJobs: boolean): Promise<number> {
  const ctx = await openContext(config, log);
  const demo = config.demo ? await ensureDemo(ctx) : undefined;
  const app = await buildApp(ctx);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  if (!process.env.TENDER_PUBLIC_URL && typeof address === 'object' && address) {
    // PORT=0 picks a free port: report (and build payment links with) the real one.
    config.publicUrl = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
  }
  const jobs = runJobs ? await startJobs(ctx, loadJobConfig()) : undefined;
  const lines = [
    `Tender is running (${ctx.db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}).`,
    `URL: ${config.publicUrl}`,
    `API docs: ${config.publicUrl}/docs`,
    `Admin panel: ${config.publicUrl}/admin`,
  ];
  if (demo) {
    lines.push(
      `App token: ${demo.appToken}`,
      `Admin token: ${demo.adminToken}`,
      'Demo user: your-user@email.com / 123456',
      ...(demo.adminEmail ? [`Demo admin: ${demo.adminEmail} / ${demo.adminPassword}`] : []),
      'DEMO MODE: a demo project with a demo user is loaded and one-time codes are written to the log. Do not use demo mode in production.',
    );
  }
  console.log(lines.join('\n'));
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    await jobs?.stop();
    await app.close();
    await ctx.db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(`tender: ${(err as Error).message ?? String(err)}`);
    process.exit(1);
  },
);
