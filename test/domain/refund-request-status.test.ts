import { describe, expect, it } from 'vitest';
import {
  assertRefundRequestTransition,
  isRefundRequestStatus,
  isRefundRequestTerminal,
  REFUND_REQUEST_INITIAL_STATUS,
  REFUND_REQUEST_STATUSES,
  REFUND_REQUEST_TRANSITIONS,
  type RefundRequestStatus,
} from '../../src/domain/refund-request-status.js';
import { describeTransitionTable } from './describe-transition-table.js';

const expected: Record<RefundRequestStatus, readonly RefundRequestStatus[]> = {
  pending: ['approved', 'rejected', 'canceled'],
  approved: [],
  rejected: [],
  canceled: [],
};

describeTransitionTable({
  entity: 'refund_request',
  table: REFUND_REQUEST_TRANSITIONS,
  all: REFUND_REQUEST_STATUSES,
  initial: REFUND_REQUEST_INITIAL_STATUS,
  expected,
  isTerminal: isRefundRequestTerminal,
  assertMove: assertRefundRequestTransition,
});

describe('refund request status', () => {
  it('starts pending', () => {
    expect(REFUND_REQUEST_INITIAL_STATUS).toBe('pending');
  });

  it('refuses to cancel a request that was already approved', () => {
    expect(() => assertRefundRequestTransition('approved', 'canceled')).toThrow(/Cannot move refund_request from 'approved' to 'canceled'/);
  });

  it('recognises only its own status strings', () => {
    expect(isRefundRequestStatus('rejected')).toBe(true);
    expect(isRefundRequestStatus('refunded')).toBe(false);
  });
});
