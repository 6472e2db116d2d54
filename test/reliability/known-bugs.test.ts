import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateways/gateway.js';
import { gatewayFor, registerGateway } from '../../src/gateways/registry.js';
import { api, insertOrder, signIn } from '../support/fixtures.js';
import { cardToken, testGatewayAccount } from '../support/test-gateway.js';
import { startTender, type TestTender } from '../support/tender.js';

/**
 * Engine bugs the reliability suite found, each reproduced deterministically. An open bug's
 * reproduction is marked `it.fails` (and torture.test.ts / crash.test.ts may count it under a
 * `KNOWN_BUG_*` name instead of failing); when the fix lands, `it.fails` turns red, and the
 * marker and the tolerance go. Fixed bugs' reproductions stay as regression tests.
 * The crash test's order created twice (retry after kill -9) is reproduced where `npm test`
 * runs it: test/http/create-idempotency.test.ts.
 */
describe('known engine bugs (reproductions)', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
    await testGatewayAccount(t, 'card', 'automatic');
  });
  afterAll(async () => {
    await t?.close();
  });

  // FIXED (was src/services/session-service.ts createSession): for a gateway
  // whose initiate runs after the transaction (test, Stripe, PayPal: localInitiate false), the
  // session row is committed `pending` with no gateway reference, then initiateRemote() runs.
  // Any createSession for the same order, type and account that comes in before the initiate is
  // recorded — a concurrent double-click, or a retry after the process died right there (kill -9
  // in crash.test.ts) — finds that open session and returns it as is (`fresh: false`): no
  // clientSecret / paymentUrl, and it is never initiated. Authorizing it then answers 402
  // card_declined / resource_missing ("No test gateway intent for this session") forever.
  // Now an open session whose gateway_ref is still NULL is initiated again (initiateRemote is
  // idempotent: its provider key is `tender-session-<id>`).
  it('a session whose gateway initiate was never recorded is initiated when the order asks for it again', async () => {
    const real = gatewayFor('test');
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    // The first initiate stalls after the session row is committed: the state a process killed
    // between the two steps leaves behind.
    registerGateway({
      ...real,
      initiate: async (...args: Parameters<Gateway['initiate']>) => {
        if (first) {
          first = false;
          await held;
        }
        return real.initiate(...args);
      },
    } as Gateway);
    const u = await signIn(t, 'known-bug-session@example.com');
    const call = api(t, u.token);
    const orderId = await insertOrder(t, u.userId, 1, 1, 'card');
    try {
      const stalled = call('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
      for (let i = 0; i < 100; i++) {
        const { rows } = await t.ctx.db.query('SELECT 1 FROM payment_sessions WHERE order_id = $1', [orderId]);
        if (rows.length > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const again = await call('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
      expect(again.status).toBe(200);
      const auth = await call('POST', `/api/content/payments/sessions/${again.body.id}/authorize`, { token: await cardToken(t, '4242424242424242') });
      release();
      await stalled;
      expect([auth.status, auth.body.status]).toEqual([200, 'authorized']);
      expect(again.body.clientSecret).toEqual(expect.any(String));
    } finally {
      release();
      registerGateway(real);
    }
  });

  // FIXED (was src/services/engine/apply-action.ts applyMoved): a capture/refund event was
  // matched to an in-flight operation by AMOUNT; with two same-amount captures in flight, the
  // event of the one the gateway ran first could settle the other, and the second call's own
  // event was later counted as new money (Tender 3.00, gateway 2.00; torture, 2026-11-21 09:00).
  // Events now name the request (idempotency key echoed by the provider) and match exactly; an
  // event that cannot say which of two same-amount operations it answers is refused with 503
  // and matched on redelivery. The reproduction runs under npm test:
  // test/http/same-amount-operations.test.ts.
});
