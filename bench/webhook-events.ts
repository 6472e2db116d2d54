/**
 * Signed test-gateway webhooks for sessions the storefront phase created, built exactly as the
 * test gateway builds and signs them (src/gateways/test/test-events.ts, test-webhook-signature.ts):
 * per session, in order, the authorization (manual capture: amount_capturable_updated), the
 * capture of the whole amount and a partial refund — three distinct event ids, each of which
 * Tender verifies, deduplicates and applies.
 */
import { randomBytes } from 'node:crypto';
import { KeyRing } from '../src/crypto.js';
import type { IntentObject, TestEvent } from '../src/gateways/test/test-events.js';
import { SIGNATURE_HEADER, signatureHeader, webhookSecret } from '../src/gateways/test/test-webhook-signature.js';
import type { SessionForWebhook } from './server.js';

export interface SignedEvent {
  path: string;
  body: string;
  headers: Record<string, string>;
}

const REFUND_MINOR = 1000n;

export function sessionEvents(secretKey: string, s: SessionForWebhook): SignedEvent[] {
  const keys = KeyRing.fromString(secretKey);
  const secret = webhookSecret(keys, s.account_id);
  const amount = BigInt(s.amount);
  const now = Math.floor(Date.now() / 1000);
  const intent = (over: Partial<IntentObject>): IntentObject => ({
    id: s.gateway_ref, object: 'payment_intent', kind: 'intent', status: 'requires_capture', amount: s.amount, currency: s.currency.trim(),
    captureMethod: 'manual', amountCapturable: '0', amountCaptured: '0', amountRefunded: '0', card: { brand: 'visa', last4: '4242' },
    lastError: null, nextAction: null, cancellationReason: null, metadata: { tenderSessionId: s.id }, created: s.created, ...over,
  });
  const event = (type: TestEvent['type'], object: IntentObject, operation?: TestEvent['data']['operation']): TestEvent => ({
    id: `evt_test_${randomBytes(12).toString('base64url')}`, object: 'event', type, created: now, account: s.account_id,
    data: operation ? { object, operation } : { object },
  });
  const refund = amount < REFUND_MINOR ? amount : REFUND_MINOR;
  const events = [
    event('payment_intent.amount_capturable_updated', intent({ amountCapturable: s.amount })),
    event('charge.captured', intent({ status: 'succeeded', amountCaptured: s.amount }),
      { id: `tgcp_${randomBytes(9).toString('base64url')}`, object: 'capture', amount: s.amount, currency: s.currency.trim() }),
    event('charge.refunded', intent({ status: 'succeeded', amountCaptured: s.amount, amountRefunded: refund.toString() }),
      { id: `tgre_${randomBytes(9).toString('base64url')}`, object: 'refund', amount: refund.toString(), currency: s.currency.trim() }),
  ];
  return events.map((e) => {
    const body = JSON.stringify(e);
    return {
      path: `/api/webhooks/${s.account_id}`,
      body,
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(secret, body, now) },
    };
  });
}
