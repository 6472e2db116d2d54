import { describe, expect, it } from 'vitest';
import { money } from '../../src/domain/money.js';
import { checkPaymentInvariants } from '../../src/domain/payment-invariants.js';
import { PaymentRuleError } from '../../src/domain/payment-rule-error.js';
import {
  authorize,
  cancel,
  capture,
  fail,
  refund,
  requireAction,
  type PaymentState,
} from '../../src/domain/payment.js';

const usd = (n: bigint) => money(n, 'USD');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PaymentRuleError);
    return (err as PaymentRuleError).code;
  }
  return undefined;
}

function amounts(s: PaymentState) {
  const { status, authorized, captured, refunded } = s;
  expect(checkPaymentInvariants(s)).toEqual([]);
  return { status, authorized, captured, refunded };
}

const authorized10k = (): PaymentState => authorize(null, usd(10000n));

describe('payment aggregate', () => {
  describe('authorize', () => {
    it('creates an authorized payment holding the amount', () => {
      const p = authorized10k();
      expect(amounts(p)).toEqual({ status: 'authorized', authorized: 10000n, captured: 0n, refunded: 0n });
      expect(p.currency).toBe('USD');
      expect(p.appliedEventIds.size).toBe(0);
    });

    it('captures everything at once for auto-capture gateways', () => {
      expect(amounts(authorize(null, usd(500n), { autoCapture: true }))).toEqual({
        status: 'captured',
        authorized: 500n,
        captured: 500n,
        refunded: 0n,
      });
    });

    it('completes a payment that required customer action', () => {
      const waiting = requireAction(null, 'usd');
      expect(amounts(waiting)).toEqual({ status: 'requires_action', authorized: 0n, captured: 0n, refunded: 0n });
      expect(amounts(authorize(waiting, usd(700n))).status).toBe('authorized');
      expect(amounts(authorize(waiting, usd(700n), { autoCapture: true })).status).toBe('captured');
    });

    it('refuses to authorize an already authorized payment', () => {
      expect(codeOf(() => authorize(authorized10k(), usd(1n)))).toBe('invalid_transition');
    });

    it('refuses to create a payment that already exists', () => {
      expect(codeOf(() => requireAction(authorized10k(), 'USD'))).toBe('invalid_transition');
    });

    it('refuses a zero or negative authorization', () => {
      expect(codeOf(() => authorize(null, usd(0n)))).toBe('invalid_amount');
      expect(codeOf(() => authorize(null, usd(-1n)))).toBe('invalid_amount');
    });

    it('refuses to authorize in another currency than the payment', () => {
      expect(codeOf(() => authorize(requireAction(null, 'USD'), money(1n, 'EUR')))).toBe('currency_mismatch');
    });

    it('refuses an authorization that cannot be stored', () => {
      expect(codeOf(() => authorize(null, usd(9223372036854775808n)))).toBe('invalid_amount');
    });
  });

  describe('capture', () => {
    it('refuses to capture more than was authorized', () => {
      expect(codeOf(() => capture(authorized10k(), usd(10001n)))).toBe('amount_exceeds_capturable');
    });

    it('captures in parts until everything is captured', () => {
      let p = authorized10k();
      p = capture(p, usd(3333n));
      expect(amounts(p).status).toBe('partially_captured');
      p = capture(p, usd(3333n));
      expect(amounts(p).status).toBe('partially_captured');
      p = capture(p, usd(3334n));
      expect(amounts(p)).toEqual({ status: 'captured', authorized: 10000n, captured: 10000n, refunded: 0n });
    });

    it('refuses to capture more than the uncaptured remainder', () => {
      const p = capture(authorized10k(), usd(6000n));
      expect(() => capture(p, usd(4001n))).toThrow(/only 4000 remain authorized and uncaptured/);
    });

    it('refuses a zero capture', () => {
      expect(codeOf(() => capture(authorized10k(), usd(0n)))).toBe('invalid_amount');
    });

    it('refuses to capture in another currency', () => {
      expect(codeOf(() => capture(authorized10k(), money(100n, 'EUR')))).toBe('currency_mismatch');
    });

    it('refuses to capture a fully captured, canceled or waiting payment', () => {
      expect(codeOf(() => capture(capture(authorized10k(), usd(10000n)), usd(1n)))).toBe('invalid_transition');
      expect(codeOf(() => capture(cancel(authorized10k()), usd(1n)))).toBe('invalid_transition');
      expect(codeOf(() => capture(requireAction(null, 'USD'), usd(1n)))).toBe('invalid_transition');
    });
  });

  describe('refund', () => {
    const captured = (): PaymentState => capture(authorized10k(), usd(10000n));

    it('refunds in parts until everything is refunded', () => {
      let p = refund(captured(), usd(2500n));
      expect(amounts(p).status).toBe('partially_refunded');
      p = refund(p, usd(2500n));
      expect(amounts(p).status).toBe('partially_refunded');
      p = refund(p, usd(5000n));
      expect(amounts(p)).toEqual({ status: 'refunded', authorized: 10000n, captured: 10000n, refunded: 10000n });
    });

    it('refuses to refund more than was captured', () => {
      expect(codeOf(() => refund(captured(), usd(10001n)))).toBe('amount_exceeds_refundable');
      expect(codeOf(() => refund(refund(captured(), usd(9000n)), usd(1001n)))).toBe('amount_exceeds_refundable');
    });

    it('refuses to refund a payment with nothing captured', () => {
      expect(codeOf(() => refund(authorized10k(), usd(1n)))).toBe('invalid_transition');
      expect(codeOf(() => refund(cancel(authorized10k()), usd(1n)))).toBe('invalid_transition');
    });

    it('refuses to refund a fully refunded payment', () => {
      expect(codeOf(() => refund(refund(captured(), usd(10000n)), usd(1n)))).toBe('invalid_transition');
    });

    it('refunds the captured part of a partially captured payment and keeps it capturable', () => {
      let p = capture(authorized10k(), usd(4000n));
      p = refund(p, usd(4000n));
      expect(amounts(p)).toEqual({ status: 'partially_captured', authorized: 10000n, captured: 4000n, refunded: 4000n });
      expect(codeOf(() => refund(p, usd(1n)))).toBe('amount_exceeds_refundable');
      p = capture(p, usd(6000n));
      expect(amounts(p)).toEqual({ status: 'partially_refunded', authorized: 10000n, captured: 10000n, refunded: 4000n });
    });
  });

  describe('cancel', () => {
    it('releases an authorized payment with nothing captured', () => {
      expect(amounts(cancel(authorized10k()))).toEqual({ status: 'canceled', authorized: 0n, captured: 0n, refunded: 0n });
    });

    it('cancels a payment waiting for customer action', () => {
      expect(amounts(cancel(requireAction(null, 'USD'))).status).toBe('canceled');
    });

    it('releases the uncaptured remainder of a partially captured payment and keeps it refundable', () => {
      let p = cancel(capture(authorized10k(), usd(3000n)));
      expect(amounts(p)).toEqual({ status: 'captured', authorized: 3000n, captured: 3000n, refunded: 0n });
      expect(codeOf(() => capture(p, usd(1n)))).toBe('invalid_transition');
      p = refund(p, usd(3000n));
      expect(amounts(p).status).toBe('refunded');
    });

    it('settles a partially captured payment with refunds to its refund status', () => {
      const half = refund(capture(authorized10k(), usd(3000n)), usd(1000n));
      expect(amounts(cancel(half)).status).toBe('partially_refunded');
      const all = refund(capture(authorized10k(), usd(3000n)), usd(3000n));
      expect(amounts(cancel(all))).toEqual({ status: 'refunded', authorized: 3000n, captured: 3000n, refunded: 3000n });
    });

    it('refuses to cancel a captured payment', () => {
      expect(codeOf(() => cancel(capture(authorized10k(), usd(10000n))))).toBe('invalid_transition');
    });

    it('refuses to cancel twice', () => {
      expect(codeOf(() => cancel(cancel(authorized10k())))).toBe('invalid_transition');
    });
  });

  describe('fail', () => {
    it('fails a payment waiting for customer action', () => {
      expect(amounts(fail(requireAction(null, 'USD'))).status).toBe('failed');
    });

    it('refuses to fail a payment once funds are held', () => {
      expect(codeOf(() => fail(authorized10k()))).toBe('invalid_transition');
    });
  });

  describe('purity', () => {
    it('never modifies the state it was given', () => {
      const before = authorized10k();
      const snapshot = { ...before };
      capture(before, usd(100n));
      cancel(before);
      expect(() => capture(before, usd(10001n))).toThrow();
      expect({ ...before }).toEqual(snapshot);
      expect(Object.isFrozen(before)).toBe(true);
    });

    it('explains a refused transition and where the payment can go instead', () => {
      expect(() => fail(authorized10k())).toThrow(
        "Cannot move payment from 'authorized' to 'failed': only a payment waiting for customer action can fail; from 'authorized' it can move to 'partially_captured', 'captured', 'canceled'",
      );
    });
  });
});
