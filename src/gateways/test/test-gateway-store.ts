/**
 * SQL for the test gateway's own tables (migration 0005_test_gateway.sql). It lives beside the
 * adapter rather than in src/store because these tables are the simulated provider's state,
 * not Tender's: nothing outside src/gateways/test reads them.
 */
import type { CaptureMethod } from '../gateway.js';
import type { Queryable } from '../../store/db.js';
import { deferWrite } from '../../store/history-store.js';
import type { CardScenario } from './test-cards.js';

export type IntentStatus = 'requires_payment_method' | 'requires_action' | 'requires_capture' | 'succeeded' | 'canceled';
export type IntentKind = 'session' | 'intent';
export type OperationKind = 'confirm' | 'capture' | 'refund' | 'cancel';

export interface TokenRow {
  id: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  scenario: CardScenario;
  intent_id: string | null;
}

export interface IntentRow {
  id: string;
  account_id: number;
  tender_session_id: number;
  kind: IntentKind;
  amount: bigint;
  currency: string;
  capture_method: CaptureMethod;
  status: IntentStatus;
  cancellation_reason: 'requested_by_merchant' | 'expired' | null;
  amount_capturable: bigint;
  amount_captured: bigint;
  amount_refunded: bigint;
  client_secret: string;
  token_id: string | null;
  card_brand: string | null;
  card_last4: string | null;
  last_error: { code: string; message: string } | null;
  next_action: Record<string, unknown> | null;
  return_url: string | null;
  success_url: string | null;
  cancel_url: string | null;
  idempotency_key: string;
  expires_at: Date;
  authorized_at: Date | null;
  created_at: Date;
}

export interface OperationRow {
  id: string;
  account_id: number;
  intent_id: string;
  kind: OperationKind;
  idempotency_key: string;
  request_hash: string;
  amount: bigint | null;
  succeeded: boolean;
  result: Record<string, unknown>;
  created_at: Date;
}

export async function insertToken(q: Queryable, t: Omit<TokenRow, 'intent_id'>): Promise<void> {
  await q.query(
    `INSERT INTO test_gateway_tokens (id, brand, last4, exp_month, exp_year, scenario) VALUES ($1, $2, $3, $4, $5, $6)`,
    [t.id, t.brand, t.last4, t.exp_month, t.exp_year, t.scenario],
  );
}

export async function lockToken(q: Queryable, id: string): Promise<TokenRow | undefined> {
  const { rows } = await q.query<TokenRow>('SELECT * FROM test_gateway_tokens WHERE id = $1 FOR UPDATE', [id]);
  return rows[0];
}

/*
 * The provider's writes (claimToken, saveIntent, insertOperation, insertEvent) join its
 * transaction's last statement (`deferWrite`): each operation reads everything it needs under
 * the intent's lock first and reads none of these rows after writing them, so one statement at
 * the commit carries them all. Outside a transaction they run at once.
 */

export async function claimToken(q: Queryable, tokenId: string, intentId: string): Promise<void> {
  await deferWrite(q, (n) => ({ sql: `UPDATE test_gateway_tokens SET intent_id = $${n + 1} WHERE id = $${n}`, params: [tokenId, intentId] }), `test_gateway_tokens:${tokenId}`);
}

export type NewIntent = Pick<IntentRow,
  'id' | 'account_id' | 'tender_session_id' | 'kind' | 'amount' | 'currency' | 'capture_method' | 'client_secret' |
  'success_url' | 'cancel_url' | 'idempotency_key' | 'expires_at' | 'created_at'>;

/** Inserts the intent; undefined when the account already used this idempotency key. */
export async function insertIntent(q: Queryable, i: NewIntent): Promise<IntentRow | undefined> {
  const { rows } = await q.query<IntentRow>(
    `INSERT INTO test_gateway_intents (id, account_id, tender_session_id, kind, amount, currency, capture_method, status,
       client_secret, success_url, cancel_url, idempotency_key, expires_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'requires_payment_method', $8, $9, $10, $11, $12, $13, $13)
     ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING *`,
    [i.id, i.account_id, i.tender_session_id, i.kind, i.amount, i.currency, i.capture_method, i.client_secret,
      i.success_url, i.cancel_url, i.idempotency_key, i.expires_at, i.created_at],
  );
  return rows[0];
}

export async function intentByKey(q: Queryable, accountId: number, key: string): Promise<IntentRow | undefined> {
  const { rows } = await q.query<IntentRow>('SELECT * FROM test_gateway_intents WHERE account_id = $1 AND idempotency_key = $2', [accountId, key]);
  return rows[0];
}

export async function getIntent(q: Queryable, id: string, lock = false): Promise<IntentRow | undefined> {
  const { rows } = await q.query<IntentRow>(`SELECT * FROM test_gateway_intents WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

/** The latest intent made for a Tender session (reconciliation when Tender lost the reference). */
export async function intentOfSession(q: Queryable, accountId: number, sessionId: number): Promise<IntentRow | undefined> {
  const { rows } = await q.query<IntentRow>(
    'SELECT * FROM test_gateway_intents WHERE account_id = $1 AND tender_session_id = $2 ORDER BY created_at DESC, id LIMIT 1',
    [accountId, sessionId],
  );
  return rows[0];
}

/** Writes every mutable column back (the provider changes an intent only under its row lock). */
export async function saveIntent(q: Queryable, i: IntentRow, now: Date): Promise<void> {
  // Keyed by the intent: a second save in one transaction replaces the first (it carries every
  // column from the same object, so the last state wins, as it did with two UPDATEs).
  const params = [i.id, i.status, i.cancellation_reason, i.amount_capturable, i.amount_captured, i.amount_refunded, i.token_id, i.card_brand,
    i.card_last4, i.last_error === null ? null : JSON.stringify(i.last_error), i.next_action === null ? null : JSON.stringify(i.next_action),
    i.return_url, i.authorized_at, now];
  await deferWrite(q, (n) => ({
    sql: `UPDATE test_gateway_intents SET ${INTENT_SAVED.map((c, j) => `${c} = $${n + j + 1}${c === 'last_error' || c === 'next_action' ? '::jsonb' : ''}`).join(', ')}
           WHERE id = $${n}`,
    params,
  }), `test_gateway_intents:${i.id}`);
}

const INTENT_SAVED = ['status', 'cancellation_reason', 'amount_capturable', 'amount_captured', 'amount_refunded', 'token_id', 'card_brand',
  'card_last4', 'last_error', 'next_action', 'return_url', 'authorized_at', 'updated_at'] as const;

export async function operationByKey(q: Queryable, accountId: number, key: string): Promise<OperationRow | undefined> {
  const { rows } = await q.query<OperationRow>('SELECT * FROM test_gateway_operations WHERE account_id = $1 AND idempotency_key = $2', [accountId, key]);
  return rows[0];
}

export async function insertOperation(q: Queryable, op: Omit<OperationRow, 'created_at'> & { reason?: string | null }, now: Date): Promise<void> {
  const params = [op.id, op.account_id, op.intent_id, op.kind, op.idempotency_key, op.request_hash, op.amount, op.succeeded,
    JSON.stringify(op.result), op.reason ?? null, now];
  await deferWrite(q, (n) => ({
    sql: `INSERT INTO test_gateway_operations (id, account_id, intent_id, kind, idempotency_key, request_hash, amount, succeeded, result, reason, created_at)
          VALUES (${params.map((_, j) => `$${n + j}${j === 8 ? '::jsonb' : ''}`).join(', ')})`,
    params,
  }));
}

/** Successful captures and refunds of an intent, oldest first (what retrieve reports). */
export async function moneyOperations(q: Queryable, intentId: string): Promise<OperationRow[]> {
  const { rows } = await q.query<OperationRow>(
    `SELECT * FROM test_gateway_operations WHERE intent_id = $1 AND succeeded AND kind IN ('capture', 'refund') ORDER BY created_at, id`,
    [intentId],
  );
  return rows;
}

export interface EventRow {
  id: string;
  account_id: number;
  intent_id: string | null;
  type: string;
  body: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped';

export async function insertEvent(q: Queryable, e: EventRow, status: 'pending' | 'dropped', now: Date): Promise<void> {
  const params = [e.id, e.account_id, e.intent_id, e.type, e.body, status, now];
  await deferWrite(q, (n) => ({
    sql: `INSERT INTO test_gateway_events (id, account_id, intent_id, type, body, delivery_status, created_at)
          VALUES (${params.map((_, j) => `$${n + j}`).join(', ')})`,
    params,
  }));
}

export async function getEvent(q: Queryable, id: string): Promise<EventRow | undefined> {
  const { rows } = await q.query<EventRow>('SELECT id, account_id, intent_id, type, body FROM test_gateway_events WHERE id = $1', [id]);
  return rows[0];
}

export async function recordDelivery(
  q: Queryable,
  id: string,
  status: DeliveryStatus,
  error: string | null,
  countAttempt: boolean,
): Promise<void> {
  await q.query(
    `UPDATE test_gateway_events SET delivery_status = $2, last_error = $3, attempts = attempts + $4,
       delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
     WHERE id = $1`,
    [id, status, error, countAttempt ? 1 : 0],
  );
}
