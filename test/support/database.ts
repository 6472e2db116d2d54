import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgDb } from '../../src/store/pg-db.js';
import { createPgliteDb } from '../../src/store/pglite-db.js';

/** Tests run on PGlite by default and on real PostgreSQL when DATABASE_URL is set. */
export const usePostgres = Boolean(process.env.DATABASE_URL);

export interface TestDatabase {
  /** A connection string (PostgreSQL) or a PGlite data directory. */
  databaseUrl?: string;
  dataDir?: string;
  open(): Promise<Db>;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file (or one test). */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (usePostgres) {
    const base = new URL(process.env.DATABASE_URL!);
    const name = `tender_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base.toString());
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    const db = createPgDb({ connectionString: databaseUrl, max: 2 });
    await migrate(db);
    await db.close();
    return {
      databaseUrl,
      open: async () => createPgDb({ connectionString: databaseUrl, max: 10 }),
      async drop() {
        const c = new pg.Client({ connectionString: base.toString() });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const parent = await mkdtemp(join(tmpdir(), 'tender-test-'));
  const dataDir = join(parent, 'pgdata');
  await cp(inject('pgliteTemplate'), dataDir, { recursive: true });
  return {
    dataDir: parent,
    open: () => createPgliteDb({ dataDir }),
    drop: () => rm(parent, { recursive: true, force: true }),
  };
}

/**
 * A fresh database opened before the tests of the enclosing `describe` and dropped after them;
 * call `db()` inside a test.
 */
export function useTestDatabase(): { db: () => Db } {
  let database: TestDatabase | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = await database.open();
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });
  return { db: () => db! };
}
