import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertCollectionTransition,
  COLLECTION_INITIAL_STATUS,
  COLLECTION_STATUSES,
  COLLECTION_TRANSITIONS,
  deriveCollectionStatus,
  isCollectionStatus,
  isCollectionTerminal,
  type CollectionSnapshot,
  type CollectionStatus,
} from '../../src/domain/collection-status.js';
import { money } from '../../src/domain/money.js';
import { authorize, cancel, capture, fail, refund, requireAction, type PaymentState } from '../../src/domain/payment.js';
import { SESSION_TRANSITIONS, type SessionStatus } from '../../src/domain/session-status.js';
import { canTransition, nextStates } from '../../src/domain/state-machine.js';
import { describeTransitionTable } from './describe-transition-table.js';

const BEFORE_CAPTURE: readonly CollectionStatus[] = [
  'not_paid',
  'awaiting',
  'requires_action',
  'partially_authorized',
  'authorized',
  'failed',
];
const AFTER: readonly CollectionStatus[] = ['partially_captured', 'completed', 'partially_refunded', 'refunded', 'canceled'];
const expected = Object.fromEntries([
  ...BEFORE_CAPTURE.map((s) => [s, [...BEFORE_CAPTURE.filter((t) => t !== s), ...AFTER]]),
  ['partially_captured', ['completed', 'partially_refunded', 'refunded']],
  ['completed', ['partially_refunded', 'refunded']],
  ['partially_refunded', ['refunded']],
  ['refunded', []],
  ['canceled', []],
]) as Record<CollectionStatus, readonly CollectionStatus[]>;

describeTransitionTable({
  entity: 'payment_collection',
  table: COLLECTION_TRANSITIONS,
  all: COLLECTION_STATUSES,
  initial: COLLECTION_INITIAL_STATUS,
  expected,
  isTerminal: isCollectionTerminal,
  assertMove: assertCollectionTransition,
  assertAllowsSame: true,
});

const usd = (n: bigint) => money(n, 'USD');
const snapshot = (over: Partial<CollectionSnapshot>): CollectionSnapshot => ({
  amount: 10000n,
  canceled: false,
  sessions: [],
  payments: [],
  ...over,
});

describe('deriveCollectionStatus', () => {
  it('is not_paid with no sessions or payments', () => {
    expect(deriveCollectionStatus(snapshot({}))).toBe('not_paid');
  });

  it('is awaiting while a session waits for the customer or for another method', () => {
    expect(deriveCollectionStatus(snapshot({ sessions: [{ status: 'pending' }] }))).toBe('awaiting');
    expect(deriveCollectionStatus(snapshot({ sessions: [{ status: 'expired' }, { status: 'requires_more' }] }))).toBe(
      'awaiting',
    );
  });

  it('is requires_action when a session or payment needs the customer', () => {
    expect(deriveCollectionStatus(snapshot({ sessions: [{ status: 'pending' }, { status: 'requires_action' }] }))).toBe(
      'requires_action',
    );
    expect(deriveCollectionStatus(snapshot({ payments: [requireAction(null, 'USD')] }))).toBe('requires_action');
  });

  it('is failed when something failed and nothing is open', () => {
    expect(deriveCollectionStatus(snapshot({ sessions: [{ status: 'failed' }] }))).toBe('failed');
    expect(deriveCollectionStatus(snapshot({ payments: [fail(requireAction(null, 'USD'))] }))).toBe('failed');
    expect(deriveCollectionStatus(snapshot({ sessions: [{ status: 'failed' }, { status: 'pending' }] }))).toBe('awaiting');
  });

  it('is not_paid after sessions expired or were canceled without failure', () => {
    expect(deriveCollectionStatus(snapshot({ sessions: [{ status: 'expired' }, { status: 'canceled' }] }))).toBe('not_paid');
    expect(deriveCollectionStatus(snapshot({ payments: [cancel(authorize(null, usd(10000n)))] }))).toBe('not_paid');
  });

  it('is authorized or partially_authorized by the held sum', () => {
    expect(deriveCollectionStatus(snapshot({ payments: [authorize(null, usd(10000n))] }))).toBe('authorized');
    expect(deriveCollectionStatus(snapshot({ payments: [authorize(null, usd(4000n))] }))).toBe('partially_authorized');
    expect(
      deriveCollectionStatus(snapshot({ payments: [authorize(null, usd(4000n)), authorize(null, usd(6000n))] })),
    ).toBe('authorized');
  });

  it('completes after partial captures 3333 + 3333 + 3334 of 10000, and is refunded after a full refund', () => {
    let p = authorize(null, usd(10000n));
    p = capture(p, usd(3333n));
    expect(deriveCollectionStatus(snapshot({ payments: [p] }))).toBe('partially_captured');
    p = capture(capture(p, usd(3333n)), usd(3334n));
    expect(deriveCollectionStatus(snapshot({ payments: [p] }))).toBe('completed');
    p = refund(p, usd(10000n));
    expect(deriveCollectionStatus(snapshot({ payments: [p] }))).toBe('refunded');
  });

  it('completes when three payments together capture the amount', () => {
    const payments = [3333n, 3333n, 3334n].map((n) => authorize(null, usd(n), { autoCapture: true }));
    expect(deriveCollectionStatus(snapshot({ payments }))).toBe('completed');
    const refunded = payments.map((p) => refund(p, usd(p.captured)));
    expect(deriveCollectionStatus(snapshot({ payments: refunded }))).toBe('refunded');
    expect(deriveCollectionStatus(snapshot({ payments: [refunded[0] as PaymentState, ...payments.slice(1)] }))).toBe(
      'partially_refunded',
    );
  });

  it('stays partially_refunded while a hold could still be captured', () => {
    const p = refund(capture(authorize(null, usd(10000n)), usd(4000n)), usd(4000n));
    expect(deriveCollectionStatus(snapshot({ payments: [p] }))).toBe('partially_refunded');
    expect(deriveCollectionStatus(snapshot({ payments: [cancel(p)] }))).toBe('refunded');
  });

  it('stays partially_refunded while a session is still open', () => {
    const p = refund(authorize(null, usd(10000n), { autoCapture: true }), usd(10000n));
    expect(deriveCollectionStatus(snapshot({ payments: [p], sessions: [{ status: 'pending' }] }))).toBe('partially_refunded');
  });

  it('ignores canceled and failed payments in the sums', () => {
    const payments = [cancel(authorize(null, usd(10000n))), fail(requireAction(null, 'USD')), authorize(null, usd(1n))];
    expect(deriveCollectionStatus(snapshot({ payments }))).toBe('partially_authorized');
  });

  it('is canceled when the flag is set, whatever else is there', () => {
    expect(deriveCollectionStatus(snapshot({ canceled: true, sessions: [{ status: 'pending' }] }))).toBe('canceled');
  });

  it('recognises only its own status strings', () => {
    expect(isCollectionStatus('completed')).toBe(true);
    expect(isCollectionStatus('paid')).toBe(false);
  });
});

// ---- property: whatever happens to sessions and payments, the derived status only moves legally ----

type Step =
  | { kind: 'openSession' }
  | { kind: 'moveSession'; pick: number; to: number; amount: bigint; autoCapture: boolean }
  | { kind: 'pay'; pick: number; op: 'authorize' | 'capture' | 'refund' | 'cancel' | 'fail'; amount: bigint; whole: boolean }
  | { kind: 'cancelCollection' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'openSession' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('moveSession' as const),
      pick: fc.nat(),
      to: fc.nat(),
      amount: fc.bigInt({ min: 1n, max: 12_000n }),
      autoCapture: fc.boolean(),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      pick: fc.nat(),
      op: fc.constantFrom('authorize' as const, 'capture' as const, 'refund' as const, 'cancel' as const, 'fail' as const),
      amount: fc.bigInt({ min: 1n, max: 12_000n }),
      whole: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancelCollection' as const }) },
);

function tryOp(p: PaymentState, s: Extract<Step, { kind: 'pay' }>): PaymentState {
  try {
    switch (s.op) {
      case 'authorize':
        return authorize(p, usd(s.amount));
      case 'capture':
        return capture(p, usd(s.whole ? p.authorized - p.captured : s.amount));
      case 'refund':
        return refund(p, usd(s.whole ? p.captured - p.refunded : s.amount));
      case 'cancel':
        return cancel(p);
      case 'fail':
        return fail(p);
    }
  } catch {
    return p; // refused operations leave the payment as it was
  }
}

describe('deriveCollectionStatus properties', () => {
  it('only ever changes status along the collection table', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 20_000n }), fc.array(step, { maxLength: 60, size: 'medium' }), (amount, steps) => {
        const sessions: SessionStatus[] = [];
        const payments: PaymentState[] = [];
        let canceled = false;
        const derive = () => deriveCollectionStatus({ amount, canceled, sessions: sessions.map((status) => ({ status })), payments });
        let status = derive();
        expect(status).toBe(COLLECTION_INITIAL_STATUS);

        for (const s of steps) {
          if (s.kind === 'openSession') {
            // the service rule: no new sessions on a terminal collection
            if (isCollectionTerminal(status)) continue;
            sessions.push('pending');
          } else if (s.kind === 'moveSession') {
            if (sessions.length === 0) continue;
            const i = s.pick % sessions.length;
            const options = nextStates(SESSION_TRANSITIONS, sessions[i] as SessionStatus);
            if (options.length === 0) continue;
            const to = options[s.to % options.length] as SessionStatus;
            sessions[i] = to;
            if (to === 'authorized') payments.push(authorize(null, usd(s.amount), { autoCapture: s.autoCapture }));
            if (to === 'requires_action' && s.autoCapture) payments.push(requireAction(null, 'USD'));
          } else if (s.kind === 'pay') {
            if (payments.length === 0) continue;
            const i = s.pick % payments.length;
            payments[i] = tryOp(payments[i] as PaymentState, s);
          } else {
            if (!canTransition(COLLECTION_TRANSITIONS, status, 'canceled')) continue;
            canceled = true;
          }
          const next = derive();
          expect(() => assertCollectionTransition(status, next)).not.toThrow();
          status = next;
        }
      }),
      { numRuns: 500 },
    );
  });
});
