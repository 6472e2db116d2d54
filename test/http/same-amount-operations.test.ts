import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateways/gateway.js';
import { gatewayFor, registerGateway } from '../../src/gateways/registry.js';
import { api, insertOrder, signIn } from '../support/fixtures.js';
import { cardToken, testGatewayAccount } from '../support/test-gateway.js';
import { startTender, type TestTender } from '../support/tender.js';
import { signedHeaders } from '../reliability/support/webhooks.js';

/**
 * Two captures of the same amount in flight on one payment, the gateway running the second one
 * first and its event arriving before either call has returned: the event must settle the
 * operation the provider actually ran, never its twin — else the twin's own event is later
 * counted as new money (found by the torture test: Tender 3.00 captured, the gateway 2.00).
 */
describe('same-amount operations in flight: events settle the operation the provider ran', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
  });
  afterAll(async () => {
    await t?.close();
  });

  const gate = () => {
    let open: () => void = () => undefined;
    const opened = new Promise<void>((r) => (open = r));
    return { open, opened };
  };

  async function twoCapturesInFlight(label: string, onBDone: (accountId: number) => Promise<void>) {
    const accountId = await testGatewayAccount(t, `card-${label}`, 'manual', { simulateWebhookLoss: true });
    const u = await signIn(t, `twins-${label}@example.com`);
    const orderId = await insertOrder(t, u.userId, 1, 1, `card-${label}`);
    const call = api(t, u.token);
    const session = await call('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
    const auth = await call('POST', `/api/content/payments/sessions/${session.body.id}/authorize`, { token: await cardToken(t, '4242424242424242') });
    expect(auth.body.status).toBe('authorized');
    const paymentId = auth.body.payment.id as number;
    const real = gatewayFor('test');
    const aCalled = gate();
    const aGo = gate();
    const bDone = gate();
    const bGo = gate();
    let calls = 0;
    registerGateway({
      ...real,
      capture: async (...args: Parameters<Gateway['capture']>) => {
        if (++calls === 1) {
          aCalled.open();
          await aGo.opened; // A reaches the gateway last
          return real.capture(...args);
        }
        const result = await real.capture(...args);
        bDone.open();
        await bGo.opened; // B's outcome is recorded after its event arrived
        return result;
      },
    } as Gateway);
    const admin = api(t);
    try {
      const a = admin('POST', `/api/admin/payments/${paymentId}/capture`, { amount: '1.00' });
      await aCalled.opened;
      const b = admin('POST', `/api/admin/payments/${paymentId}/capture`, { amount: '1.00' });
      await bDone.opened;
      await onBDone(accountId);
      bGo.open();
      expect((await b).status).toBe(200);
      aGo.open();
      expect((await a).status).toBe(200);
    } finally {
      aGo.open();
      bGo.open();
      registerGateway(real);
    }
    return { accountId, paymentId };
  }

  const latestCaptureEvent = async (accountId: number) => (await t.ctx.db.query<{ body: string }>(
    `SELECT body FROM test_gateway_events WHERE account_id = $1 AND type = 'charge.captured' ORDER BY created_at DESC, id DESC LIMIT 1`,
    [accountId])).rows[0]!.body;
  const deliver = (accountId: number, body: string) =>
    fetch(`${t.url}/api/webhooks/${accountId}`, { method: 'POST', headers: signedHeaders(t.ctx.keys, accountId, body), body });
  const books = async (paymentId: number) => (await t.ctx.db.query<{ tender: string; gateway: string; ops: string }>(
    `SELECT p.captured_amount::text AS tender, i.amount_captured::text AS gateway,
            (SELECT string_agg(c.status || ':' || (c.gateway_ref IS NOT NULL), ',' ORDER BY c.id) FROM captures c WHERE c.payment_id = p.id) AS ops
       FROM payments p JOIN test_gateway_intents i ON i.id = p.gateway_ref WHERE p.id = $1`, [paymentId])).rows[0];

  it('an event naming its request settles that operation; the other call\'s event is a duplicate', async () => {
    const { accountId, paymentId } = await twoCapturesInFlight('exact', async (acc) => {
      const res = await deliver(acc, await latestCaptureEvent(acc)); // B's event, before B's outcome
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ result: 'applied' });
    });
    const res = await deliver(accountId, await latestCaptureEvent(accountId)); // A's event
    expect(await res.json()).toMatchObject({ result: 'duplicate' });
    expect(await books(paymentId)).toEqual({ tender: '200', gateway: '200', ops: 'succeeded:true,succeeded:true' });
  });

  it('an event that cannot say which of two same-amount operations it answers is refused (503), then matches on redelivery', async () => {
    let stripped = '';
    const { accountId, paymentId } = await twoCapturesInFlight('ambiguous', async (acc) => {
      const event = JSON.parse(await latestCaptureEvent(acc)) as { data: { operation: Record<string, unknown> } };
      delete event.data.operation.request_key; // as a provider that echoes nothing would send it
      stripped = JSON.stringify(event);
      const res = await deliver(acc, stripped);
      expect(res.status).toBe(503);
    });
    const again = await deliver(accountId, stripped); // the provider's retry, after both calls returned
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ result: 'duplicate' });
    const aEvent = JSON.parse(await latestCaptureEvent(accountId)) as { data: { operation: Record<string, unknown> } };
    delete aEvent.data.operation.request_key;
    expect(await (await deliver(accountId, JSON.stringify(aEvent))).json()).toMatchObject({ result: 'duplicate' });
    expect(await books(paymentId)).toEqual({ tender: '200', gateway: '200', ops: 'succeeded:true,succeeded:true' });
  });

  it('an event naming a request key or session id that cannot be one is matched like any other, not an error', async () => {
    const accountId = await testGatewayAccount(t, 'card-oddkey', 'manual', { simulateWebhookLoss: true });
    const u = await signIn(t, 'twins-oddkey@example.com');
    const orderId = await insertOrder(t, u.userId, 1, 1, 'card-oddkey');
    const call = api(t, u.token);
    const session = await call('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
    const auth = await call('POST', `/api/content/payments/sessions/${session.body.id}/authorize`, { token: await cardToken(t, '4242424242424242') });
    const paymentId = auth.body.payment.id as number;
    expect((await api(t)('POST', `/api/admin/payments/${paymentId}/capture`, { amount: '1.00' })).status).toBe(200);
    for (const key of ['tender-capture-99999999999', 'tender-capture-0', 'tender-refund-1']) {
      const event = JSON.parse(await latestCaptureEvent(accountId)) as { id: string; data: { operation: Record<string, unknown> } };
      event.id = `${event.id}-${key}`;
      event.data.operation.request_key = key;
      const res = await deliver(accountId, JSON.stringify(event));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ result: 'duplicate' });
    }
    // A session id in the event that cannot be one is ignored; the provider's references still match.
    const odd = JSON.parse(await latestCaptureEvent(accountId)) as { id: string; data: { object: { metadata: Record<string, unknown> } } };
    odd.id = `${odd.id}-odd-session`;
    odd.data.object.metadata.tenderSessionId = 99_999_999_999;
    const res = await deliver(accountId, JSON.stringify(odd));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: 'duplicate' });
    expect((await books(paymentId))?.tender).toBe('100');
  });
});
