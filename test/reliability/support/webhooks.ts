import type { KeyRing } from '../../../src/crypto.js';
import type { Db } from '../../../src/store/db.js';
import { SIGNATURE_HEADER, signatureHeader, webhookSecret } from '../../../src/gateways/test/test-webhook-signature.js';

export interface StoredEvent {
  id: string;
  accountId: number;
  type: string;
  body: string;
}

/** Headers of a test-gateway webhook signed for `accountId` at `atSec` (default: now). */
export function signedHeaders(keys: KeyRing, accountId: number, body: string, atSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(webhookSecret(keys, accountId), body, atSec) };
}

/** The events the test gateway emitted (its outbox), to deliver again as a provider retrying would. */
export async function storedEvents(db: Db, accountIds?: number[]): Promise<StoredEvent[]> {
  const { rows } = await db.query<{ id: string; account_id: number; type: string; body: string }>(
    `SELECT id, account_id, type, body FROM test_gateway_events ${accountIds ? 'WHERE account_id = ANY($1::int[])' : ''} ORDER BY created_at, id`,
    accountIds ? [accountIds] : [],
  );
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, type: r.type, body: r.body }));
}
