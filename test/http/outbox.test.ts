import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, insertOrder, paidCashOrder, signIn } from '../support/fixtures.js';
import { cardToken, testGatewayAccount, webhooksIdle } from '../support/test-gateway.js';
import { startTender, type TestTender } from '../support/tender.js';

describe('outbox: every state change writes its event in the same transaction', () => {
  let t: TestTender;
  let user: { userId: number; token: string };
  beforeAll(async () => {
    t = await startTender();
    user = await signIn(t, 'outbox@example.com');
    await testGatewayAccount(t, 'card', 'manual');
  });
  afterAll(() => t?.close());

  const eventsOf = async (orderId: number) =>
    (await t.ctx.db.query<{ type: string; public_id: string; data: { object: Record<string, unknown> } }>(
      'SELECT type, public_id, data FROM events WHERE order_id = $1 ORDER BY id', [orderId])).rows;

  it('emits the lifecycle of a card payment in order, each with the object as the API returns it', async () => {
    const orderId = await insertOrder(t, user.userId, 1, 1, 'card');
    const call = api(t, user.token);
    const s = await call('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
    const a = await call('POST', `/api/content/payments/sessions/${s.body.id}/authorize`, { token: await cardToken(t, '4242424242424242') });
    await webhooksIdle();
    const admin = api(t);
    await admin('POST', `/api/admin/payments/${a.body.payment.id}/capture`, { amount: '300.00' });
    await admin('POST', `/api/admin/payments/${a.body.payment.id}/refund`, { amount: '100.00' });
    await webhooksIdle();
    const events = await eventsOf(orderId);
    expect(events.map((e) => e.type)).toEqual([
      'payment_session.created', 'payment.authorized', 'payment.captured', 'payment.refunded',
    ]);
    expect(new Set(events.map((e) => e.public_id)).size).toBe(events.length);
    expect(events[0]!.data.object).toMatchObject({ id: s.body.id, orderId, status: 'waiting' });
    expect(events[1]!.data.object).toMatchObject({ id: a.body.payment.id, status: 'authorized', authorizedMinor: 34000 });
    expect(events[2]!.data.object).toMatchObject({ status: 'partially_captured', capturedMinor: 30000 });
    expect(events[3]!.data.object).toMatchObject({ refundedMinor: 10000 });
    // The object is what the API shows (a snapshot as of the event).
    const now = await admin('GET', `/api/admin/payments/${a.body.payment.id}`);
    expect(events[3]!.data.object).toEqual(now.body);
  });

  it('emits order.status_changed and refund-request events', async () => {
    const { orderId } = await paidCashOrder(t, user.userId, user.token, 2, 2);
    const call = api(t, user.token);
    await call('POST', `/api/content/orders/${orderId}/refund`, { products: { '2': { quantity: 1 } }, note: 'one broke' });
    await call('DELETE', `/api/content/orders/${orderId}/refund`);
    const types = (await eventsOf(orderId)).map((e) => e.type);
    expect(types).toEqual([
      'payment_session.created', 'payment.authorized', 'payment.captured', 'order.status_changed', 'refund_request.created', 'refund_request.canceled',
    ]);
    const changed = (await eventsOf(orderId)).find((e) => e.type === 'order.status_changed')!;
    expect(changed.data).toMatchObject({ object: { id: orderId, statusIdentifier: 'paid' }, previousStatus: 'inProgress' });
  });

  it('emits nothing for a state change whose transaction rolls back, and always emits once it commits', async () => {
    const orderId = await insertOrder(t, user.userId, 1, 1);
    const s = await api(t, user.token)('POST', '/api/content/payments/sessions', { orderId, type: 'session' });
    await t.ctx.db.exec(`
      CREATE FUNCTION refuse_paid2() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.status_identifier = 'paid' THEN RAISE EXCEPTION 'test: refusing paid'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_paid2 BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION refuse_paid2();`);
    const before = (await eventsOf(orderId)).map((e) => e.type);
    expect((await api(t)('POST', `/api/admin/payments/sessions/${s.body.id}/receive`, {})).status).toBe(500);
    expect((await eventsOf(orderId)).map((e) => e.type)).toEqual(before);
    await t.ctx.db.exec('DROP TRIGGER refuse_paid2 ON orders; DROP FUNCTION refuse_paid2();');
    expect((await api(t)('POST', `/api/admin/payments/sessions/${s.body.id}/receive`, {})).status).toBe(200);
    expect((await eventsOf(orderId)).map((e) => e.type)).toEqual([...before, 'payment.authorized', 'payment.captured', 'order.status_changed']);
  });
});
