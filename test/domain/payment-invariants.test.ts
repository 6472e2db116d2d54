import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPaymentEvent, type PaymentEvent } from '../../src/domain/apply-payment-event.js';
import { money, type Money } from '../../src/domain/money.js';
import { checkPaymentInvariants } from '../../src/domain/payment-invariants.js';
import { PaymentRuleError } from '../../src/domain/payment-rule-error.js';
import { canPaymentMove, type PaymentStatus } from '../../src/domain/payment-status.js';
import { authorize, cancel, capture, fail, refund, requireAction, type PaymentState } from '../../src/domain/payment.js';

const state = (over: Partial<PaymentState>): PaymentState => ({
  status: 'authorized',
  currency: 'USD',
  authorized: 100n,
  captured: 0n,
  refunded: 0n,
  appliedEventIds: new Set(),
  ...over,
});

describe('checkPaymentInvariants', () => {
  it('accepts a valid state', () => {
    expect(checkPaymentInvariants(state({}))).toEqual([]);
  });

  it('reports refunds above captures and captures above authorization', () => {
    expect(checkPaymentInvariants(state({ status: 'partially_captured', captured: 10n, refunded: 11n }))).toContain(
      'refunded (11) exceeds captured (10)',
    );
    expect(checkPaymentInvariants(state({ status: 'captured', captured: 101n }))).toContain(
      'captured (101) exceeds authorized (100)',
    );
    expect(checkPaymentInvariants(state({ refunded: -1n }))).toContain('refunded (-1) is negative');
  });

  it('reports a status that disagrees with the amounts', () => {
    expect(checkPaymentInvariants(state({ status: 'captured', captured: 50n }))[0]).toMatch(/status 'captured' requires/);
    expect(checkPaymentInvariants(state({ status: 'canceled', captured: 0n }))[0]).toMatch(/status 'canceled' requires/);
  });

  it('reports unknown statuses and currencies', () => {
    expect(checkPaymentInvariants(state({ status: 'paid' as PaymentStatus, currency: 'XXX' }))).toEqual([
      "unknown status 'paid'",
      "unknown currency 'XXX'",
    ]);
  });
});

// ---- property: random operation sequences never break an invariant ----

type Command =
  | { op: 'requireAction'; viaEvent: boolean }
  | { op: 'authorize'; amount: bigint; autoCapture: boolean; viaEvent: boolean }
  | { op: 'capture'; amount: bigint; viaEvent: boolean }
  | { op: 'captureRest'; delta: bigint; viaEvent: boolean }
  | { op: 'refund'; amount: bigint; viaEvent: boolean }
  | { op: 'refundRest'; delta: bigint; viaEvent: boolean }
  | { op: 'cancel'; viaEvent: boolean }
  | { op: 'fail'; viaEvent: boolean }
  | { op: 'foreignCapture'; amount: bigint }
  | { op: 'duplicate'; pick: number };

const amount = fc.oneof(
  fc.bigInt({ min: -2n, max: 3n }),
  fc.bigInt({ min: 1n, max: 5_000n }),
  fc.bigInt({ min: 1n, max: 20_000n }),
);
const delta = fc.bigInt({ min: -1n, max: 1n });
const viaEvent = fc.boolean();
// Weighted towards money movements so sequences reach the partial and refund statuses
// instead of ending early in canceled/failed.
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ op: fc.constant('requireAction' as const), viaEvent }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('authorize' as const), amount, autoCapture: fc.boolean(), viaEvent }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('capture' as const), amount, viaEvent }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('captureRest' as const), delta, viaEvent }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('refund' as const), amount, viaEvent }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('refundRest' as const), delta, viaEvent }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), viaEvent }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('fail' as const), viaEvent }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('foreignCapture' as const), amount: fc.bigInt({ min: 1n, max: 100n }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), pick: fc.nat() }) },
);

/** Most sequences start by creating the payment so they get past the first step. */
const creation: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('requireAction' as const), viaEvent }),
  fc.record({ op: fc.constant('authorize' as const), amount: fc.bigInt({ min: 1n, max: 20_000n }), autoCapture: fc.boolean(), viaEvent }),
  command,
);

const usd = (n: bigint): Money => money(n, 'USD');

/** The error code an independent reading of the rules predicts, or null for success. */
function expectedRefusal(s: PaymentState | null, c: Command, value: bigint): string | null {
  const status = s?.status ?? null;
  const positive = value > 0n;
  switch (c.op) {
    case 'requireAction':
      return s === null ? null : 'invalid_transition';
    case 'authorize':
      if (status !== null && status !== 'requires_action') return 'invalid_transition';
      return positive ? null : 'invalid_amount';
    case 'capture':
    case 'captureRest':
      if (s === null || (status !== 'authorized' && status !== 'partially_captured')) return 'invalid_transition';
      if (!positive) return 'invalid_amount';
      return value > s.authorized - s.captured ? 'amount_exceeds_capturable' : null;
    case 'refund':
    case 'refundRest':
      if (s === null || (status !== 'partially_captured' && status !== 'captured' && status !== 'partially_refunded')) {
        return 'invalid_transition';
      }
      if (!positive) return 'invalid_amount';
      return value > s.captured - s.refunded ? 'amount_exceeds_refundable' : null;
    case 'cancel':
      return status === 'requires_action' || status === 'authorized' || status === 'partially_captured'
        ? null
        : 'invalid_transition';
    case 'fail':
      return status === 'requires_action' ? null : 'invalid_transition';
    case 'foreignCapture':
      return s === null || (status !== 'authorized' && status !== 'partially_captured')
        ? 'invalid_transition'
        : 'currency_mismatch';
    case 'duplicate':
      return null;
  }
}

function amountOf(s: PaymentState | null, c: Command): bigint {
  if (c.op === 'captureRest') return (s ? s.authorized - s.captured : 0n) + c.delta;
  if (c.op === 'refundRest') return (s ? s.captured - s.refunded : 0n) + c.delta;
  return 'amount' in c ? c.amount : 0n;
}

function toEvent(c: Command, value: bigint, id: string): PaymentEvent | null {
  switch (c.op) {
    case 'requireAction':
      return { id, kind: 'requires_action', currency: 'USD' };
    case 'authorize':
      return { id, kind: 'authorized', amount: usd(value), autoCapture: c.autoCapture };
    case 'capture':
    case 'captureRest':
      return { id, kind: 'captured', amount: usd(value) };
    case 'refund':
    case 'refundRest':
      return { id, kind: 'refunded', amount: usd(value) };
    case 'cancel':
      return { id, kind: 'canceled' };
    case 'fail':
      return { id, kind: 'failed' };
    default:
      return null;
  }
}

function runDirect(s: PaymentState | null, c: Command, value: bigint): PaymentState {
  const need = (): PaymentState => {
    if (s === null) throw new PaymentRuleError('invalid_transition', 'no payment yet');
    return s;
  };
  switch (c.op) {
    case 'requireAction':
      return requireAction(s, 'USD');
    case 'authorize':
      return authorize(s, usd(value), { autoCapture: c.autoCapture });
    case 'capture':
    case 'captureRest':
      return capture(need(), usd(value));
    case 'refund':
    case 'refundRest':
      return refund(need(), usd(value));
    case 'cancel':
      return cancel(need());
    case 'fail':
      return fail(need());
    case 'foreignCapture':
      return capture(need(), money(value, 'EUR'));
    case 'duplicate':
      throw new Error('handled by the caller');
  }
}

describe('payment aggregate properties', () => {
  it('never breaks an invariant under any sequence of operations and replays', () => {
    fc.assert(
      fc.property(creation, fc.array(command, { minLength: 1, maxLength: 40, size: 'medium' }), (first, rest) => {
        const commands = [first, ...rest];
        let s: PaymentState | null = null;
        const applied: PaymentEvent[] = [];
        let capturedSum = 0n;
        let refundedSum = 0n;

        commands.forEach((c, i) => {
          const before: PaymentState | null = s;
          if (c.op === 'duplicate') {
            if (before === null || applied.length === 0) return;
            const again = applyPaymentEvent(before, applied[c.pick % applied.length] as PaymentEvent);
            expect(again).toBe(before);
            return;
          }

          const value = amountOf(before, c);
          const event = c.op !== 'foreignCapture' && c.viaEvent ? toEvent(c, value, `evt_${i}`) : null;
          let next: PaymentState | null = null;
          let refusal: unknown = null;
          try {
            next = event ? applyPaymentEvent(before, event) : runDirect(before, c, value);
          } catch (err) {
            refusal = err;
          }

          const predicted = expectedRefusal(before, c, value);
          if (refusal !== null) {
            expect(refusal).toBeInstanceOf(PaymentRuleError);
            expect((refusal as PaymentRuleError).code).toBe(predicted);
            if (before !== null) expect(checkPaymentInvariants(before)).toEqual([]);
            return; // state unchanged: `s` still refers to the untouched previous value
          }
          expect(predicted).toBeNull();
          if (next === null) throw new Error('unreachable');
          expect(checkPaymentInvariants(next)).toEqual([]);
          if (event) {
            applied.push(event);
            expect(next.appliedEventIds.has(event.id)).toBe(true);
          }

          if (c.op === 'authorize' && c.autoCapture) capturedSum += value;
          if (c.op === 'capture' || c.op === 'captureRest') capturedSum += value;
          if (c.op === 'refund' || c.op === 'refundRest') refundedSum += value;
          expect(next.captured).toBe(capturedSum);
          expect(next.refunded).toBe(refundedSum);

          if (before !== null) {
            expect(next.captured >= before.captured).toBe(true);
            expect(next.refunded >= before.refunded).toBe(true);
            if (before.status !== 'requires_action') expect(next.authorized <= before.authorized).toBe(true);
            expect(canPaymentMove(before.status, next.status)).toBe(true);
            for (const id of before.appliedEventIds) expect(next.appliedEventIds.has(id)).toBe(true);
          }
          s = next;
        });
      }),
      { numRuns: 1000 },
    );
  });
});
