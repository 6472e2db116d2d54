import { describe, expect, it } from 'vitest';
import { applyEvent, applyPaymentEvent, type PaymentEvent } from '../../src/domain/apply-payment-event.js';
import { money } from '../../src/domain/money.js';
import { PaymentRuleError } from '../../src/domain/payment-rule-error.js';
import type { PaymentState } from '../../src/domain/payment.js';

const usd = (n: bigint) => money(n, 'USD');

function replay(events: readonly PaymentEvent[]): PaymentState {
  let state: PaymentState | null = null;
  for (const e of events) state = applyPaymentEvent(state, e);
  if (state === null) throw new Error('no events');
  return state;
}

describe('applyPaymentEvent', () => {
  it('applies a webhook history in order', () => {
    const s = replay([
      { id: 'evt_1', kind: 'requires_action', currency: 'USD' },
      { id: 'evt_2', kind: 'authorized', amount: usd(5000n) },
      { id: 'evt_3', kind: 'captured', amount: usd(2000n) },
      { id: 'evt_4', kind: 'refunded', amount: usd(500n) },
      { id: 'evt_5', kind: 'canceled' },
    ]);
    expect(s).toMatchObject({ status: 'partially_refunded', authorized: 2000n, captured: 2000n, refunded: 500n });
    expect([...s.appliedEventIds]).toEqual(['evt_1', 'evt_2', 'evt_3', 'evt_4', 'evt_5']);
  });

  it('ignores an event whose id was already applied', () => {
    const first = replay([
      { id: 'a', kind: 'authorized', amount: usd(5000n) },
      { id: 'c', kind: 'captured', amount: usd(2000n) },
    ]);
    const again = applyPaymentEvent(first, { id: 'c', kind: 'captured', amount: usd(2000n) });
    expect(again).toBe(first);
    expect(again.captured).toBe(2000n);
  });

  it('ignores a replayed id even when the payload differs', () => {
    const s = replay([{ id: 'a', kind: 'authorized', amount: usd(5000n) }]);
    expect(applyPaymentEvent(s, { id: 'a', kind: 'canceled' })).toBe(s);
  });

  it('applies the same kind again under a new id', () => {
    const s = replay([
      { id: 'a', kind: 'authorized', amount: usd(5000n) },
      { id: 'c1', kind: 'captured', amount: usd(2000n) },
      { id: 'c2', kind: 'captured', amount: usd(2000n) },
    ]);
    expect(s.captured).toBe(4000n);
  });

  it('creates the payment captured when the gateway auto-captures', () => {
    const s = applyPaymentEvent(null, { id: 'a', kind: 'authorized', amount: usd(900n), autoCapture: true });
    expect(s).toMatchObject({ status: 'captured', captured: 900n });
  });

  it('refuses a capture before the payment exists', () => {
    let thrown: unknown;
    try {
      applyPaymentEvent(null, { id: 'x', kind: 'captured', amount: usd(1n) });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(PaymentRuleError);
    expect((thrown as PaymentRuleError).code).toBe('invalid_transition');
  });

  it('does not record the id of a refused event', () => {
    const s = replay([{ id: 'a', kind: 'authorized', amount: usd(100n) }]);
    expect(() => applyPaymentEvent(s, { id: 'big', kind: 'captured', amount: usd(101n) })).toThrow(PaymentRuleError);
    expect(s.appliedEventIds.has('big')).toBe(false);
    expect(applyPaymentEvent(s, { id: 'big', kind: 'captured', amount: usd(100n) }).status).toBe('captured');
  });

  it('is also exported as applyEvent', () => {
    expect(applyEvent).toBe(applyPaymentEvent);
  });
});
