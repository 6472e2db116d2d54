import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldOrderStatus } from '../../src/services/collection-rows.js';
import { ingestWebhook } from '../../src/services/engine/gateway-events.js';
import { lockSession } from '../../src/services/engine/locks.js';
import { createSession } from '../../src/services/session-service.js';
import { sessionEvents } from '../../bench/webhook-events.js';
import { insertOrder, signIn } from '../support/fixtures.js';
import { usePostgres } from '../support/database.js';
import { startTender, TEST_SECRET_KEY, type TestTender } from '../support/tender.js';
import { testGatewayAccount } from '../support/test-gateway.js';

interface OrderState { status: string; is_completed: boolean; version: number; history: number; events: number }

/**
 * A collection's move writes its order in the same transaction: the status the merchant mapped
 * for the new payment status (with a history row and an `order.status_changed` event), and
 * always `is_completed` and the version. When the mapping leaves the order's status as it is,
 * that write joins the transaction's last statement (the order's status is read with its lock);
 * these check that both ways end in the same rows, and what the second way saves.
 */
describe('the order written with its collection', () => {
  let t: TestTender;
  let userId: number;
  beforeAll(async () => {
    t = await startTender();
    userId = (await signIn(t, 'order-status-sync@example.com')).userId;
    // The gateway's own webhooks are dropped: the test posts the provider's events itself.
    await testGatewayAccount(t, 'sync-card', 'manual', { simulateWebhookLoss: true });
  });
  afterAll(() => t.close());

  const state = async (orderId: number): Promise<OrderState> => (await t.ctx.db.query<OrderState>(
    `SELECT o.status_identifier AS status, o.is_completed, o.version,
            (SELECT count(*)::int FROM payment_events WHERE entity = 'order' AND entity_id = o.id AND action = 'status_changed') AS history,
            (SELECT count(*)::int FROM events WHERE type = 'order.status_changed' AND object_id = o.id) AS events
       FROM orders o WHERE o.id = $1`, [orderId])).rows[0]!;

  const setMapping = (paymentStatus: string, orderStatus: string | null) => orderStatus === null
    ? t.ctx.db.query(`DELETE FROM payment_status_mappings WHERE payment_status = $1 AND storage_id = (SELECT id FROM order_storages WHERE identifier = 'orders')`, [paymentStatus])
    : t.ctx.db.query(`INSERT INTO payment_status_mappings (storage_id, payment_status, order_status_identifier)
                      SELECT id, $1, $2 FROM order_storages WHERE identifier = 'orders'
                      ON CONFLICT (storage_id, payment_status) DO UPDATE SET order_status_identifier = EXCLUDED.order_status_identifier`, [paymentStatus, orderStatus]);

  /** createSession on a new order; the statements its call cost. */
  const newSession = async () => {
    const orderId = await insertOrder(t, userId, 1, 1, 'sync-card');
    const before = await state(orderId);
    const statements = t.ctx.db.stats.statements;
    const session = await createSession(t.ctx, userId, { orderId, type: 'intent' });
    return { orderId, sessionId: session.id, before, statements: t.ctx.db.stats.statements - statements };
  };

  it('a move the mapping leaves alone: is_completed and the version written, no status change, one statement fewer', async () => {
    const stays = await newSession();
    expect(await state(stays.orderId)).toEqual({ ...stays.before, is_completed: false, version: stays.before.version + 1 });

    // The same call when the mapping moves the order ('awaiting' mapped to 'paid' for this test).
    await setMapping('awaiting', 'paid');
    try {
      const moves = await newSession();
      expect(await state(moves.orderId)).toEqual({ status: 'paid', is_completed: false, version: moves.before.version + 1, history: 1, events: 1 });
      // Its own collection-and-order statement, and the order read for its event.
      expect(moves.statements - stays.statements).toBe(2);
    } finally {
      await setMapping('awaiting', null);
    }
  });

  // The order's status is read in a sub-select of the locking statement: after a lock wait it
  // must be the row as the transaction waited for committed it, not the statement's snapshot.
  it.skipIf(!usePostgres)('the held status is the order row as committed by the transaction the lock waited for (PostgreSQL; PGlite runs one transaction at a time)', async () => {
    const { orderId, sessionId } = await newSession();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let updated: () => void = () => undefined;
    const updatedP = new Promise<void>((r) => (updated = r));
    const holder = t.ctx.db.transaction(async (tx) => {
      await tx.query(`UPDATE orders SET status_identifier = 'paid' WHERE id = $1`, [orderId]);
      updated();
      await held;
    });
    await updatedP;
    const waiter = t.ctx.db.transaction(async (tx) => {
      await lockSession(tx, sessionId);
      return heldOrderStatus(tx, orderId)?.status;
    });
    try {
      for (let i = 0; ; i++) {
        const { rows } = await t.ctx.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%payment_status_mappings%'`);
        if (rows[0]!.n === 1) break;
        if (i > 500) throw new Error('the locking statement never waited for the order');
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      release();
    }
    await holder;
    expect(await waiter).toBe('paid');
  });

  it('through a payment: authorized (stays), captured (mapped to paid), part refunded (stays paid, still completed)', async () => {
    const { orderId, sessionId } = await newSession();
    const { rows } = await t.ctx.db.query<{ id: number; gateway_ref: string; amount: string; currency: string; account_id: number; created: number }>(
      `SELECT id, gateway_ref, amount::text AS amount, currency, account_id, extract(epoch FROM created_at)::int AS created FROM payment_sessions WHERE id = $1`, [sessionId]);
    const [authorized, captured, refunded] = sessionEvents(TEST_SECRET_KEY, rows[0]!);
    const post = async (e: typeof authorized) => {
      const out = await ingestWebhook(t.ctx, rows[0]!.account_id, e!.body, e!.headers);
      expect(out.result).toBe('applied');
      return state(orderId);
    };
    const start = await state(orderId);
    expect(await post(authorized)).toEqual({ ...start, version: start.version + 1 });
    expect(await post(captured)).toEqual({ status: 'paid', is_completed: true, version: start.version + 2, history: start.history + 1, events: start.events + 1 });
    expect(await post(refunded)).toEqual({ status: 'paid', is_completed: true, version: start.version + 3, history: start.history + 1, events: start.events + 1 });
    const { rows: c } = await t.ctx.db.query<{ status: string }>('SELECT c.status FROM payment_collections c JOIN payment_sessions s ON s.collection_id = c.id WHERE s.id = $1', [sessionId]);
    expect(c[0]!.status).toBe('partially_refunded');
  });
});
