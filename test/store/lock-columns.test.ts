import { describe, expect, it } from 'vitest';
import { ACCOUNT_COLUMNS, COLLECTION_COLUMNS, OPERATION_COLUMNS, PAYMENT_COLUMNS } from '../../src/services/engine/locks.js';
import { useTestDatabase } from '../support/database.js';

// The engine's lock statements list these tables' columns by name (to read a collection and its
// payment in one joined row); a migration that adds a column must add it there too.
describe('lock helpers name every column of the rows they return', () => {
  const { db } = useTestDatabase();

  it.each([
    ['payment_collections', COLLECTION_COLUMNS],
    ['payments', PAYMENT_COLUMNS],
    ['payment_accounts', ACCOUNT_COLUMNS],
    ['captures', OPERATION_COLUMNS.captures],
    ['refunds', OPERATION_COLUMNS.refunds],
  ] as const)('%s', async (table, listed) => {
    const { rows } = await db().query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    expect([...listed].sort()).toEqual(rows.map((r) => r.column_name).sort());
  });
});
