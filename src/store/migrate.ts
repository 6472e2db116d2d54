import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

// src/store/migrate.ts and dist/store/migrate.js sit at the same depth, so this resolves to the
// SQL files in src/ for both (the SQL is not copied into dist/).
const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;
// Any constant works; it only has to be the same in every Tender process.
const MIGRATION_LOCK_KEY = 726_300_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => FILE_PATTERN.test(f)).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const version = Number(file.slice(0, 4));
    if (out.some((m) => m.version === version)) throw new Error(`duplicate migration number ${version}`);
    out.push({ version, name: file.replace(/\.sql$/, ''), sql: await readFile(dir + file, 'utf8') });
  }
  return out;
}

/**
 * Applies the forward-only migrations not applied yet, each in its own transaction, under a
 * transaction-scoped advisory lock so that several Tender processes starting together apply
 * each migration exactly once.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await loadMigrations());
  await db.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  ).catch(async (err: unknown) => {
    // Two processes racing CREATE TABLE IF NOT EXISTS can collide on the catalog; the loser retries.
    if ((err as { code?: string }).code !== '23505') throw err;
  });
  const applied: string[] = [];
  for (const m of all) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const { rows } = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length > 0) return false;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}

/**
 * Splits a migration file on `;` at line ends, keeping `$$ … $$` bodies whole. Written here
 * because the extended query protocol used inside transactions takes one statement at a time,
 * and our migrations are plain DDL (no semicolons inside string literals except in $$ bodies).
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('--') && !inDollar) continue;
    current += line + '\n';
    const dollars = (line.match(/\$\$/g) ?? []).length;
    if (dollars % 2 === 1) inDollar = !inDollar;
    if (!inDollar && trimmed.endsWith(';')) {
      const s = current.trim().replace(/;$/, '');
      if (s) out.push(s);
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim().replace(/;$/, ''));
  return out;
}
