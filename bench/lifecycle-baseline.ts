/**
 * Part 2, the floor for part 1: the rows one Tender lifecycle flow ends with, written by plain
 * parameterized SQL through the raw driver, in as many commits as the Tender flow makes
 * (counted in part 1: Tender's 6 transactions + 2 autocommitted writes — the collection INSERT
 * and the session's gateway UPDATE — the test gateway's 3 transactions + 2 autocommitted
 * INSERTs = 13).
 *
 * Same tables, same indexes, constraints and triggers (the database is migrated with Tender's
 * own migrations), same row counts per table (checked in part 1 by counting rows before and
 * after a flow), and the same JSON payloads (copied from rows part 1 wrote). Each commit writes
 * what the matching Tender commit writes, with one statement per table touched (history and
 * outbox rows of one commit go in one multi-row INSERT each), no reads and no row locks — the
 * commits cannot be merged because in the real flow a gateway call sits between them.
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../src/context.js';
import { FLOW_AMOUNT, REFUND_AMOUNT } from './lifecycle.js';
import type { Run, SqlDriver } from './sql-driver.js';

/** Real payloads from part 1, so the baseline writes the same bytes. */
export interface Samples {
  /** The outbox rows of one flow, in order (session.created, authorized, captured, refunded). */
  events: { type: string; object_type: string; data: unknown }[];
  /** The test gateway's event bodies of one flow (confirm, capture, refund). */
  gatewayEvents: { type: string; body: string }[];
  /** The test gateway's operation results of one flow. */
  gatewayOperations: { kind: string; request_hash: string; result: unknown }[];
}

export async function collectSamples(ctx: AppContext): Promise<Samples> {
  const events = (await ctx.db.query<Samples['events'][number]>(
    'SELECT type, object_type, data FROM (SELECT * FROM events ORDER BY id DESC LIMIT 4) e ORDER BY id')).rows;
  const intent = (await ctx.db.query<{ id: string }>('SELECT id FROM test_gateway_intents ORDER BY created_at DESC LIMIT 1')).rows[0]!.id;
  const gatewayEvents = (await ctx.db.query<Samples['gatewayEvents'][number]>(
    'SELECT type, body FROM test_gateway_events WHERE intent_id = $1 ORDER BY created_at, id', [intent])).rows;
  const gatewayOperations = (await ctx.db.query<Samples['gatewayOperations'][number]>(
    'SELECT kind, request_hash, result FROM test_gateway_operations WHERE intent_id = $1 ORDER BY created_at, id', [intent])).rows;
  if (events.length !== 4 || gatewayEvents.length !== 3 || gatewayOperations.length !== 3) {
    throw new Error(`unexpected sample shape: ${events.length} events, ${gatewayEvents.length} gateway events, ${gatewayOperations.length} operations`);
  }
  return { events, gatewayEvents, gatewayOperations };
}

interface History {
  entity: string;
  entityId: number;
  action: string;
  from: string | null;
  to: string | null;
  amount: bigint | null;
  collectionId: number;
  sessionId?: number;
  paymentId?: number;
  actor: 'user' | 'merchant' | 'gateway';
  data?: unknown;
}

function history(run: Run, rows: History[]): Promise<unknown[]> {
  const values: unknown[] = [];
  const tuples = rows.map((h, i) => {
    values.push(h.entity, h.entityId, h.action, h.from, h.to, h.amount, 'USD', null, h.collectionId, h.sessionId ?? null,
      h.paymentId ?? null, h.actor, h.actor === 'user' ? '1' : 'bench', null, h.data ?? null);
    return `(${Array.from({ length: 15 }, (_, j) => `$${i * 15 + j + 1}`).join(', ')})`;
  });
  return run(
    `INSERT INTO payment_events (entity, entity_id, action, from_status, to_status, amount, currency, order_id, collection_id,
       session_id, payment_id, actor_type, actor_id, gateway_ref, data) VALUES ${tuples.join(', ')}`, values);
}

function outbox(run: Run, s: Samples, index: number, objectId: number): Promise<unknown[]> {
  const e = s.events[index]!;
  return run(
    'INSERT INTO events (public_id, type, object_type, object_id, ordering_key, order_id, data) VALUES ($1, $2, $3, $4, $5, NULL, $6)',
    [`evt_${randomBytes(12).toString('base64url')}`, e.type, e.object_type, objectId, `${e.object_type}:${objectId}`, e.data]);
}

function gatewayEvent(run: Run, s: Samples, index: number, accountId: number, intentId: string): Promise<unknown[]> {
  const e = s.gatewayEvents[index]!;
  return run(
    `INSERT INTO test_gateway_events (id, account_id, intent_id, type, body, delivery_status) VALUES ($1, $2, $3, $4, $5, 'dropped')`,
    [`evt_test_${randomBytes(12).toString('base64url')}`, accountId, intentId, e.type, e.body]);
}

function gatewayOperation(run: Run, s: Samples, index: number, accountId: number, intentId: string, amount: bigint | null): Promise<unknown[]> {
  const o = s.gatewayOperations[index]!;
  return run(
    `INSERT INTO test_gateway_operations (id, account_id, intent_id, kind, idempotency_key, request_hash, amount, succeeded, result)
     VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8)`,
    [`tgop_${randomBytes(12).toString('base64url')}`, accountId, intentId, o.kind, randomBytes(16).toString('hex'), o.request_hash, amount, o.result]);
}

type Id = { id: number };

/** One flow's rows in 13 commits (the order of the Tender flow's commits). */
export async function baselineFlow(db: SqlDriver, s: Samples, userId: number, accountId: number): Promise<void> {
  const amount = FLOW_AMOUNT;
  const intentId = `tgpi_${randomBytes(12).toString('base64url')}`;
  const tokenId = `tok_test_${randomBytes(12).toString('base64url')}`;

  // 1 (Tender): the collection.
  const [c] = await db.run<Id>(`INSERT INTO payment_collections (user_id, amount, currency) VALUES ($1, $2, 'USD') RETURNING id`, [userId, amount]);
  const collectionId = c!.id;

  // 2 (Tender): the session, its history, the collection's status, the outbox row.
  const sessionId = await db.tx(async (run) => {
    const [row] = await run<Id>(
      `INSERT INTO payment_sessions (collection_id, user_id, account_id, type, status, amount, currency, expires_at)
       VALUES ($1, $2, $3, 'intent', 'pending', $4, 'USD', now() + interval '1 day') RETURNING id`, [collectionId, userId, accountId, amount]);
    const id = row!.id;
    await history(run, [
      { entity: 'session', entityId: id, action: 'created', from: null, to: 'pending', amount, collectionId, sessionId: id, actor: 'user', data: { type: 'intent', accountId } },
      { entity: 'collection', entityId: collectionId, action: 'status_changed', from: 'not_paid', to: 'awaiting', amount, collectionId, actor: 'user' },
    ]);
    await run(`UPDATE payment_collections SET status = 'awaiting', updated_at = now() WHERE id = $1`, [collectionId]);
    await outbox(run, s, 0, id);
    return id;
  });

  // 3 (gateway): the intent. 4 (Tender): the session records it. 5 (gateway): the card token.
  await db.run(
    `INSERT INTO test_gateway_intents (id, account_id, tender_session_id, kind, amount, currency, capture_method, status, client_secret,
       idempotency_key, expires_at) VALUES ($1, $2, $3, 'intent', $4, 'USD', 'manual', 'requires_payment_method', $5, $6, now() + interval '1 day')`,
    [intentId, accountId, sessionId, amount, `${intentId}_secret_${randomBytes(18).toString('base64url')}`, `tender-session-${sessionId}`]);
  await db.run(
    `UPDATE payment_sessions SET gateway_status = 'requires_payment_method', gateway_ref = $2, client_secret = $3, updated_at = now() WHERE id = $1`,
    [sessionId, intentId, `${intentId}_secret`]);
  await db.run(`INSERT INTO test_gateway_tokens (id, brand, last4, exp_month, exp_year, scenario) VALUES ($1, 'visa', '4242', 12, 2030, 'succeeds')`, [tokenId]);

  // 6 (gateway): confirm.
  await db.tx(async (run) => {
    await run('UPDATE test_gateway_tokens SET intent_id = $2 WHERE id = $1', [tokenId, intentId]);
    await run(
      `UPDATE test_gateway_intents SET status = 'requires_capture', amount_capturable = $2, token_id = $3, card_brand = 'visa',
         card_last4 = '4242', authorized_at = now(), updated_at = now() WHERE id = $1`, [intentId, amount, tokenId]);
    await gatewayEvent(run, s, 0, accountId, intentId);
    await gatewayOperation(run, s, 0, accountId, intentId, null);
  });

  // 7 (Tender): the payment, the session and collection move, history, outbox.
  const paymentId = await db.tx(async (run) => {
    const [p] = await run<Id>(
      `INSERT INTO payments (collection_id, session_id, user_id, account_id, currency, amount, authorized_amount, status, gateway_status,
         gateway_ref, payment_method, card_brand, card_last4)
       VALUES ($1, $2, $3, $4, 'USD', $5, $5, 'authorized', 'requires_capture', $6, 'card', 'visa', '4242') RETURNING id`,
      [collectionId, sessionId, userId, accountId, amount, intentId]);
    const id = p!.id;
    await history(run, [
      { entity: 'payment', entityId: id, action: 'created', from: null, to: 'authorized', amount, collectionId, sessionId, paymentId: id, actor: 'gateway' },
      { entity: 'session', entityId: sessionId, action: 'status_changed', from: 'pending', to: 'authorized', amount, collectionId, sessionId, actor: 'gateway' },
      { entity: 'collection', entityId: collectionId, action: 'status_changed', from: 'awaiting', to: 'authorized', amount, collectionId, actor: 'gateway' },
    ]);
    await run(`UPDATE payment_sessions SET status = 'authorized', payment_id = $2, gateway_status = 'requires_capture', updated_at = now() WHERE id = $1`, [sessionId, id]);
    await run(`UPDATE payment_collections SET status = 'authorized', authorized_amount = $2, updated_at = now() WHERE id = $1`, [collectionId, amount]);
    await outbox(run, s, 1, id);
    return id;
  });

  await moneyStep(db, s, 'capture', { collectionId, sessionId, paymentId, accountId, intentId, amount, captured: amount, refunded: 0n });
  await moneyStep(db, s, 'refund', { collectionId, sessionId, paymentId, accountId, intentId, amount: REFUND_AMOUNT, captured: FLOW_AMOUNT, refunded: REFUND_AMOUNT });
}

interface MoneyStep {
  collectionId: number;
  sessionId: number;
  paymentId: number;
  accountId: number;
  intentId: string;
  amount: bigint;
  /** The payment's sums after the step. */
  captured: bigint;
  refunded: bigint;
}

/** 8–10 (capture) and 11–13 (refund): reserve, the gateway applies it, record the outcome. */
async function moneyStep(db: SqlDriver, s: Samples, kind: 'capture' | 'refund', m: MoneyStep): Promise<void> {
  const table = kind === 'capture' ? 'captures' : 'refunds';
  const after = kind === 'capture'
    ? { payment: 'captured', collection: 'completed', from: 'authorized', collectionFrom: 'authorized' }
    : { payment: 'partially_refunded', collection: 'partially_refunded', from: 'captured', collectionFrom: 'completed' };
  const base = { collectionId: m.collectionId, sessionId: m.sessionId, paymentId: m.paymentId };
  const opId = await db.tx(async (run) => {
    const [op] = await run<Id>(
      `INSERT INTO ${table} (payment_id, amount, currency, status, actor_type, actor_id${kind === 'refund' ? ', reason' : ''})
       VALUES ($1, $2, 'USD', 'pending', 'merchant', 'bench'${kind === 'refund' ? ", 'bench'" : ''}) RETURNING id`, [m.paymentId, m.amount]);
    await history(run, [{ entity: kind, entityId: op!.id, action: 'created', from: null, to: 'pending', amount: m.amount, ...base, actor: 'merchant' }]);
    return op!.id;
  });
  const index = kind === 'capture' ? 1 : 2;
  await db.tx(async (run) => {
    await run(
      kind === 'capture'
        ? `UPDATE test_gateway_intents SET status = 'succeeded', amount_capturable = 0, amount_captured = $2, updated_at = now() WHERE id = $1`
        : `UPDATE test_gateway_intents SET amount_refunded = $2, updated_at = now() WHERE id = $1`,
      [m.intentId, kind === 'capture' ? m.captured : m.refunded]);
    await gatewayEvent(run, s, index, m.accountId, m.intentId);
    await gatewayOperation(run, s, index, m.accountId, m.intentId, m.amount);
  });
  await db.tx(async (run) => {
    await run(`UPDATE ${table} SET status = 'succeeded', gateway_ref = $2, updated_at = now() WHERE id = $1`, [opId, `tg_${opId}`]);
    await run(
      `UPDATE payments SET status = $2, captured_amount = $3, refunded_amount = $4, gateway_status = 'succeeded', updated_at = now() WHERE id = $1`,
      [m.paymentId, after.payment, m.captured, m.refunded]);
    await history(run, [
      { entity: kind, entityId: opId, action: 'status_changed', from: 'pending', to: 'succeeded', amount: m.amount, ...base, actor: 'gateway' },
      { entity: 'payment', entityId: m.paymentId, action: kind === 'capture' ? 'captured' : 'refunded', from: after.from, to: after.payment, amount: m.amount, ...base, actor: 'gateway' },
      { entity: 'collection', entityId: m.collectionId, action: 'status_changed', from: after.collectionFrom, to: after.collection, amount: FLOW_AMOUNT, collectionId: m.collectionId, actor: 'gateway' },
    ]);
    await run(
      'UPDATE payment_collections SET status = $2, captured_amount = $3, refunded_amount = $4, updated_at = now() WHERE id = $1',
      [m.collectionId, after.collection, m.captured, m.refunded]);
    await outbox(run, s, kind === 'capture' ? 2 : 3, m.paymentId);
  });
}
