import { describe, expect, it } from 'vitest';
import {
  assertPaymentTransition,
  canPaymentMove,
  isPaymentStatus,
  isPaymentTerminal,
  PAYMENT_CREATION_STATUSES,
  PAYMENT_INITIAL_STATUS,
  PAYMENT_STATUSES,
  PAYMENT_TRANSITIONS,
  type PaymentStatus,
} from '../../src/domain/payment-status.js';
import { describeTransitionTable } from './describe-transition-table.js';

const expected: Record<PaymentStatus, readonly PaymentStatus[]> = {
  requires_action: ['authorized', 'captured', 'failed', 'canceled'],
  authorized: ['partially_captured', 'captured', 'canceled'],
  partially_captured: ['captured', 'partially_refunded', 'refunded'],
  captured: ['partially_refunded', 'refunded'],
  partially_refunded: ['refunded'],
  refunded: [],
  canceled: [],
  failed: [],
};

describeTransitionTable({
  entity: 'payment',
  table: PAYMENT_TRANSITIONS,
  all: PAYMENT_STATUSES,
  initial: PAYMENT_INITIAL_STATUS,
  expected,
  isTerminal: isPaymentTerminal,
  assertMove: assertPaymentTransition,
});

describe('payment status', () => {
  it('does not let a held authorization fail (it ends by capture or cancel)', () => {
    expect(canPaymentMove('authorized', 'failed')).toBe(false);
  });

  it('never cancels a payment that has captured money', () => {
    for (const from of ['partially_captured', 'captured', 'partially_refunded', 'refunded'] as const) {
      expect(canPaymentMove(from, 'canceled')).toBe(false);
    }
  });

  it('allows "no status change" only for repeatable partial statuses', () => {
    for (const s of PAYMENT_STATUSES) {
      expect(canPaymentMove(s, s)).toBe(s === 'partially_captured' || s === 'partially_refunded');
    }
  });

  it('agrees with the table for every other pair', () => {
    for (const from of PAYMENT_STATUSES) {
      for (const to of PAYMENT_STATUSES) {
        if (from !== to) expect(canPaymentMove(from, to)).toBe(expected[from].includes(to));
      }
    }
  });

  it('can be created waiting for action, authorized, or already captured', () => {
    expect([...PAYMENT_CREATION_STATUSES].sort()).toEqual(['authorized', 'captured', 'requires_action']);
  });

  it('recognises only its own status strings', () => {
    expect(isPaymentStatus('partially_refunded')).toBe(true);
    expect(isPaymentStatus('succeeded')).toBe(false);
  });
});
