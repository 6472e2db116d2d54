import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createPgDb } from '../../src/store/pg-db.js';
import { usePostgres, useTestDatabase } from '../support/database.js';

// PostgreSQL runs parameterized statements as named prepared statements (src/store/pg-db.ts).
describe.skipIf(!usePostgres)('prepared statements on PostgreSQL (skipped: needs DATABASE_URL)', () => {
  const { db } = useTestDatabase();

  it('keeps answering after a migration changes a table under a prepared statement, in and out of transactions', async () => {
    await db().exec('CREATE TABLE prep_probe (id int PRIMARY KEY, a text)');
    await db().query('INSERT INTO prep_probe VALUES ($1, $2)', [1, 'x']);
    const select = 'SELECT * FROM prep_probe WHERE id = $1';
    // Prepared on every pooled connection the pool hands out.
    await Promise.all(Array.from({ length: 10 }, () => db().query(select, [1])));
    await db().transaction((tx) => tx.query(select, [1]));
    await db().exec('ALTER TABLE prep_probe ADD COLUMN b text DEFAULT $$y$$');
    const after = await Promise.all(Array.from({ length: 10 }, () => db().query<{ a: string; b: string }>(select, [1])));
    for (const r of after) expect(r.rows[0]).toEqual({ id: 1, a: 'x', b: 'y' });
    await db().exec('ALTER TABLE prep_probe ADD COLUMN c int DEFAULT 7');
    const inTx = await db().transaction((tx) => tx.query<{ c: number }>(select, [1]));
    expect(inTx.rows[0]!.c).toBe(7);
  });

  it('gives the same answers as unnamed statements for dynamic SQL of many shapes', async () => {
    for (let n = 1; n <= 30; n++) {
      const params = Array.from({ length: n }, (_, i) => i);
      const sql = `SELECT ${params.map((_, i) => `$${i + 1}::int`).join(' + ')} AS s`;
      const { rows } = await db().query<{ s: number }>(sql, params);
      expect(rows[0]!.s).toBe((n * (n - 1)) / 2);
    }
  });

  it('prepares nothing when TENDER_DB_PREPARED=off (for poolers in transaction mode)', async () => {
    expect(loadConfig({ TENDER_DB_PREPARED: 'off' }).dbPreparedStatements).toBe(false);
    expect(loadConfig({}).dbPreparedStatements).toBe(true);
    expect(() => loadConfig({ TENDER_DB_PREPARED: 'maybe' })).toThrow(/TENDER_DB_PREPARED/);
    const url = process.env.DATABASE_URL!;
    for (const preparedStatements of [false, true]) {
      const one = createPgDb({ connectionString: url, max: 1, preparedStatements });
      try {
        await one.query('SELECT $1::int AS n', [1]);
        const { rows } = await one.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements');
        expect(rows[0]!.n > 0).toBe(preparedStatements);
      } finally {
        await one.close();
      }
    }
  });
});
