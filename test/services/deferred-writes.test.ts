import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfCheck, setSelfCheck } from '../../src/services/collection-rows.js';
import { ingestWebhook } from '../../src/services/engine/gateway-events.js';
import { PAYMENT_SELECT, paymentView } from '../../src/services/engine/payment-views.js';
import { toOrderEntity } from '../../src/services/order-views.js';
import { createSession } from '../../src/services/session-service.js';
import { getCachedEngineAccount } from '../../src/store/account-store.js';
import { findOrderById } from '../../src/store/order-store.js';
import type { PaymentRow } from '../../src/store/payment-store.js';
import { sessionEvents } from '../../bench/webhook-events.js';
import { signatureHeader, webhookSecret } from '../../src/gateways/test/test-webhook-signature.js';
import { insertOrder, signIn } from '../support/fixtures.js';
import { startTender, TEST_SECRET_KEY, type TestTender } from '../support/tender.js';
import { testGatewayAccount } from '../support/test-gateway.js';

/**
 * A moved-money webhook writes its capture or refund row and the payment's new state with the
 * transaction's last statement (or, when the order's status moves, with the order's own
 * statement), the payment row computed in JavaScript; the order moved by a capture comes back
 * from its own UPDATE. The suite's self-check (TENDER_SELF_CHECK=1) writes them at once and
 * compares; this file turns it off, so the deferred writes themselves run, and checks what
 * committed against what the events rendered.
 */
describe('a webhook\'s writes deferred to its last statement (self-check off)', () => {
  let t: TestTender;
  let userId: number;
  const wasOn = selfCheck;
  beforeAll(async () => {
    setSelfCheck(false);
    t = await startTender();
    userId = (await signIn(t, 'deferred-writes@example.com')).userId;
    // The gateway's own webhooks are dropped: the test posts the provider's events itself.
    await testGatewayAccount(t, 'deferred-card', 'manual', { simulateWebhookLoss: true });
  });
  afterAll(async () => {
    setSelfCheck(wasOn);
    await t.close();
  });

  const payment = async (id: number) => paymentView((await t.ctx.db.query<PaymentRow & { account_type: string }>(`${PAYMENT_SELECT} WHERE p.id = $1`, [id])).rows[0]!);
  const lastEvent = async (type: string, objectId: number) => (await t.ctx.db.query<{ data: { object: unknown; previousStatus?: string } }>(
    'SELECT data FROM events WHERE type = $1 AND object_id = $2 ORDER BY id DESC LIMIT 1', [type, objectId])).rows[0]?.data;
  const gatewayEvent = async (providerId: string) => (await t.ctx.db.query<{ result: string; session_id: number; payment_id: number; has_payload: boolean; n: number }>(
    `SELECT result, session_id, payment_id, payload IS NOT NULL AS has_payload, count(*) OVER ()::int AS n
       FROM gateway_events WHERE provider_event_id = $1`, [providerId])).rows;

  it('authorized, captured, part refunded: fewer statements, and the rows committed are the ones the events rendered', async () => {
    const orderId = await insertOrder(t, userId, 1, 1, 'deferred-card');
    const session = await createSession(t.ctx, userId, { orderId, type: 'intent' });
    const { rows } = await t.ctx.db.query<{ id: number; gateway_ref: string; amount: string; currency: string; account_id: number; created: number }>(
      `SELECT id, gateway_ref, amount::text AS amount, currency, account_id, extract(epoch FROM created_at)::int AS created FROM payment_sessions WHERE id = $1`, [session.id]);
    const s = rows[0]!;
    const events = sessionEvents(TEST_SECRET_KEY, s);
    const post = async (i: number) => {
      const before = t.ctx.db.stats.statements;
      const out = await ingestWebhook(t.ctx, s.account_id, events[i]!.body, events[i]!.headers);
      return { result: out.result, statements: t.ctx.db.stats.statements - before - t.ctx.db.transactionStatements };
    };
    // The account is read once and cached once the change feed is live (PostgreSQL: LISTEN):
    // ingestWebhook's read of it is not the engine's.
    for (let i = 0; ; i++) {
      const n = t.ctx.db.stats.statements;
      await getCachedEngineAccount(t.ctx, t.ctx.db, s.account_id);
      if (t.ctx.db.stats.statements === n) break;
      if (i > 200) throw new Error('the account was never served from the cache');
      await new Promise((r) => setTimeout(r, 10));
    }
    const eventId = (i: number) => (JSON.parse(events[i]!.body) as { id: string }).id;

    // Lock; read (dedupe, the live payment, the collection's rows); the last statement.
    expect(await post(0)).toEqual({ result: 'applied', statements: 3 });
    const { rows: p } = await t.ctx.db.query<{ id: number }>('SELECT id FROM payments WHERE session_id = $1', [s.id]);
    const paymentId = p[0]!.id;
    expect((await lastEvent('payment.authorized', paymentId))?.object).toEqual(await payment(paymentId));

    // The capture moves the order ('paid'): the capture row and the payment join the order's statement.
    expect(await post(1)).toEqual({ result: 'applied', statements: 4 });
    const captured = await payment(paymentId);
    expect(captured).toMatchObject({ paymentStatus: 'captured', capturedMinor: Number(s.amount) });
    expect((await lastEvent('payment.captured', paymentId))?.object).toEqual(captured);
    const order = toOrderEntity((await findOrderById(t.ctx.db, orderId))!, 'en_US');
    expect(await lastEvent('order.status_changed', orderId)).toEqual(JSON.parse(JSON.stringify({ object: order, previousStatus: 'inProgress' })));
    const { rows: caps } = await t.ctx.db.query<{ amount: bigint; status: string; gateway_ref: string }>('SELECT amount, status, gateway_ref FROM captures WHERE payment_id = $1', [paymentId]);
    expect(caps).toEqual([{ amount: BigInt(s.amount), status: 'succeeded', gateway_ref: expect.stringMatching(/^tgcp_/) }]);

    // The part refund leaves the order as it is: everything joins the last statement.
    expect(await post(2)).toEqual({ result: 'applied', statements: 3 });
    const refunded = await payment(paymentId);
    expect(refunded).toMatchObject({ paymentStatus: 'partially_refunded', refundedMinor: 1000 });
    expect((await lastEvent('payment.refunded', paymentId))?.object).toEqual(refunded);
    const { rows: refs } = await t.ctx.db.query<{ amount: bigint; status: string }>('SELECT amount, status FROM refunds WHERE payment_id = $1', [paymentId]);
    expect(refs).toEqual([{ amount: 1000n, status: 'succeeded' }]);

    // Each event recorded once, already settled, with its session and payment.
    for (const i of [0, 1, 2]) {
      expect(await gatewayEvent(eventId(i))).toEqual([{ result: 'applied', session_id: s.id, payment_id: paymentId, has_payload: true, n: 1 }]);
    }
    // A redelivery is a duplicate after the lock and the read, and writes nothing.
    const counts = async () => (await t.ctx.db.query<{ c: number; r: number; g: number; h: number }>(
      `SELECT (SELECT count(*)::int FROM captures) AS c, (SELECT count(*)::int FROM refunds) AS r,
              (SELECT count(*)::int FROM gateway_events) AS g, (SELECT count(*)::int FROM payment_events) AS h`)).rows[0];
    const before = await counts();
    expect(await post(1)).toEqual({ result: 'duplicate', statements: 2 });
    expect(await counts()).toEqual(before);
    expect(await payment(paymentId)).toEqual(refunded);
  });

  const setMapping = (paymentStatus: string, orderStatus: string | null) => orderStatus === null
    ? t.ctx.db.query(`DELETE FROM payment_status_mappings WHERE payment_status = $1 AND storage_id = (SELECT id FROM order_storages WHERE identifier = 'orders')`, [paymentStatus])
    : t.ctx.db.query(`INSERT INTO payment_status_mappings (storage_id, payment_status, order_status_identifier)
                      SELECT id, $1, $2 FROM order_storages WHERE identifier = 'orders'
                      ON CONFLICT (storage_id, payment_status) DO UPDATE SET order_status_identifier = EXCLUDED.order_status_identifier`, [paymentStatus, orderStatus]);

  it('an authorization that moves the order: the payment and the session\'s move are written before the order is read back', async () => {
    await setMapping('authorized', 'paid');
    try {
      const orderId = await insertOrder(t, userId, 1, 1, 'deferred-card');
      const session = await createSession(t.ctx, userId, { orderId, type: 'session' });
      // The open session's checkout URL is the order's payment URL until the session moves.
      expect((await findOrderById(t.ctx.db, orderId))!.paymentUrl).toEqual(expect.any(String));
      const { rows } = await t.ctx.db.query<{ id: number; gateway_ref: string; amount: string; currency: string; account_id: number; created: number }>(
        `SELECT id, gateway_ref, amount::text AS amount, currency, account_id, extract(epoch FROM created_at)::int AS created FROM payment_sessions WHERE id = $1`, [session.id]);
      const [authorized] = sessionEvents(TEST_SECRET_KEY, rows[0]!);
      const before = t.ctx.db.stats.statements;
      expect((await ingestWebhook(t.ctx, rows[0]!.account_id, authorized!.body, authorized!.headers)).result).toBe('applied');
      const statements = t.ctx.db.stats.statements - before - t.ctx.db.transactionStatements;
      const order = (await findOrderById(t.ctx.db, orderId))!;
      expect(order).toMatchObject({ statusIdentifier: 'paid', paymentUrl: null });
      expect(await lastEvent('order.status_changed', orderId)).toEqual(JSON.parse(JSON.stringify({ object: toOrderEntity(order, 'en_US'), previousStatus: 'inProgress' })));
      const { rows: s } = await t.ctx.db.query<{ status: string; payment_id: number | null }>('SELECT status, payment_id FROM payment_sessions WHERE id = $1', [session.id]);
      const { rows: p } = await t.ctx.db.query<{ id: number }>('SELECT id FROM payments WHERE session_id = $1', [session.id]);
      expect(s[0]).toEqual({ status: 'authorized', payment_id: p[0]!.id });
      expect((await lastEvent('payment.authorized', p[0]!.id))?.object).toEqual(await payment(p[0]!.id));
      // Lock; read; the payment and the session's move; the collection and the order; the last statement.
      expect(statements).toBe(5);
    } finally {
      await setMapping('authorized', null);
    }
  });

  it('the same event delivered twice at once: applied once, the other a duplicate, one settled row', async () => {
    const orderId = await insertOrder(t, userId, 1, 1, 'deferred-card');
    const session = await createSession(t.ctx, userId, { orderId, type: 'intent' });
    const { rows } = await t.ctx.db.query<{ id: number; gateway_ref: string; amount: string; currency: string; account_id: number; created: number }>(
      `SELECT id, gateway_ref, amount::text AS amount, currency, account_id, extract(epoch FROM created_at)::int AS created FROM payment_sessions WHERE id = $1`, [session.id]);
    const [authorized, captured] = sessionEvents(TEST_SECRET_KEY, rows[0]!);
    expect((await ingestWebhook(t.ctx, rows[0]!.account_id, authorized!.body, authorized!.headers)).result).toBe('applied');
    // On PostgreSQL the second waits for the session's lock, then finds the first's row.
    const results = await Promise.all([0, 1, 2].map(() => ingestWebhook(t.ctx, rows[0]!.account_id, captured!.body, captured!.headers)));
    expect(results.map((r) => r.result).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(await gatewayEvent((JSON.parse(captured!.body) as { id: string }).id)).toEqual([
      { result: 'applied', session_id: session.id, payment_id: expect.any(Number), has_payload: true, n: 1 },
    ]);
    const { rows: caps } = await t.ctx.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM captures c JOIN payments p ON p.id = c.payment_id WHERE p.session_id = $1', [session.id]);
    expect(caps[0]!.n).toBe(1);
  });

  it('records the body as the provider sent it: the stored payload is the body, numbers beyond a double exact', async () => {
    const orderId = await insertOrder(t, userId, 1, 1, 'deferred-card');
    const session = await createSession(t.ctx, userId, { orderId, type: 'intent' });
    const { rows } = await t.ctx.db.query<{ id: number; gateway_ref: string; amount: string; currency: string; account_id: number; created: number }>(
      `SELECT id, gateway_ref, amount::text AS amount, currency, account_id, extract(epoch FROM created_at)::int AS created FROM payment_sessions WHERE id = $1`, [session.id]);
    const [authorized] = sessionEvents(TEST_SECRET_KEY, rows[0]!);
    // A field the event does not need, with an integer no double holds (JSON.parse would round it).
    const body = authorized!.body.replace(/}$/, ', "network_reference": 12345678901234567890123}');
    const now = Math.floor(Date.now() / 1000);
    const headers = { 'tender-test-signature': signatureHeader(webhookSecret(t.ctx.keys, rows[0]!.account_id), body, now) };
    expect((await ingestWebhook(t.ctx, rows[0]!.account_id, body, headers)).result).toBe('applied');
    const { rows: stored } = await t.ctx.db.query<{ same: boolean; ref: string }>(
      `SELECT payload = $2::jsonb AS same, payload->>'network_reference' AS ref FROM gateway_events WHERE provider_event_id = $1`,
      [(JSON.parse(body) as { id: string }).id, body]);
    expect(stored).toEqual([{ same: true, ref: '12345678901234567890123' }]);
  });
});
