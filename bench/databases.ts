/**
 * Fresh databases for the benchmark: one per part, so that no part measures tables another part
 * filled. PostgreSQL: `CREATE DATABASE` on the server of DATABASE_URL (default the local test
 * server); PGlite: a copy of one migrated template directory (initialising a PGlite directory
 * takes ~6 s, a copy opens in ~0.2 s — the same trick as test/global-setup.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { createPgDb } from '../src/store/pg-db.js';
import { createPgliteDb } from '../src/store/pglite-db.js';

export type Engine = 'postgres' | 'pglite';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function pgBaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_PG_URL;
}

/** Null when the server answers, else why not (the benchmark then runs on PGlite only). */
export async function pgUnreachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Where a fresh database lives; `open` gives a new handle each time (a child process opens its own). */
export interface FreshDatabase {
  engine: Engine;
  /** PostgreSQL connection string. */
  url?: string;
  /** PGlite data directory. */
  dataDir?: string;
  /** Opens it as Tender does (pool size as Tender's default unless given). */
  open(poolSize?: number): Promise<Db>;
  drop(): Promise<void>;
}

export async function pgServerVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

/** A new, empty (or migrated) database on the PostgreSQL server of `base`. */
export async function freshPgDatabase(base: string, label: string, migrated = true): Promise<FreshDatabase> {
  const name = `tender_bench_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  const url = u.toString();
  if (migrated) {
    const db = createPgDb({ connectionString: url, max: 2 });
    await migrate(db);
    await db.close();
  }
  return {
    engine: 'postgres',
    url,
    open: async (poolSize) => createPgDb({ connectionString: url, max: poolSize ?? 10, applicationName: 'tender-bench' }),
    async drop() {
      // BENCH_KEEP_DB=1 leaves the database for inspection (EXPLAIN, pg_stat_statements).
      if (process.env.BENCH_KEEP_DB === '1') {
        process.stderr.write(`kept database ${name}\n`);
        return;
      }
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../src/store/migrations/', import.meta.url));

/** One migrated PGlite directory per migration set, built once and kept in the temp dir. */
async function pgliteTemplate(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of (await readdir(MIGRATIONS_DIR)).sort()) hash.update(f).update(await readFile(join(MIGRATIONS_DIR, f)));
  const template = join(tmpdir(), `tender-bench-pglite-${hash.digest('hex').slice(0, 16)}`);
  if (await stat(join(template, 'READY')).then(() => true, () => false)) return template;
  const building = `${template}.building-${process.pid}`;
  // A directory without READY is a leftover of an interrupted build.
  await rm(template, { recursive: true, force: true });
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  const db = await createPgliteDb({ dataDir: building });
  await migrate(db);
  await db.close();
  await writeFile(join(building, 'READY'), '');
  // Atomic: a process that finished first keeps its template, ours is dropped.
  await rename(building, template).catch(async () => {
    await rm(building, { recursive: true, force: true });
  });
  return template;
}

/** A fresh PGlite directory: migrated (a template copy) or empty (initialised on first open). */
export async function freshPgliteDatabase(migrated = true): Promise<FreshDatabase> {
  const parent = await mkdtemp(join(tmpdir(), 'tender-bench-'));
  const dataDir = join(parent, 'pgdata');
  if (migrated) await cp(await pgliteTemplate(), dataDir, { recursive: true });
  return {
    engine: 'pglite',
    dataDir,
    open: () => createPgliteDb({ dataDir }),
    drop: () => rm(parent, { recursive: true, force: true }),
  };
}

export function freshDatabase(engine: Engine, label: string, migrated = true): Promise<FreshDatabase> {
  return engine === 'postgres' ? freshPgDatabase(pgBaseUrl(), label, migrated) : freshPgliteDatabase(migrated);
}
