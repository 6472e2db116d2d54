import { describe, expect, it } from 'vitest';
import {
  assertOperationTransition,
  isOperationStatus,
  isOperationTerminal,
  OPERATION_INITIAL_STATUS,
  OPERATION_STATUSES,
  OPERATION_TRANSITIONS,
  type OperationStatus,
} from '../../src/domain/operation-status.js';
import { describeTransitionTable } from './describe-transition-table.js';

const expected: Record<OperationStatus, readonly OperationStatus[]> = {
  pending: ['succeeded', 'failed', 'unknown'],
  unknown: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
};

describeTransitionTable({
  entity: 'gateway_operation',
  table: OPERATION_TRANSITIONS,
  all: OPERATION_STATUSES,
  initial: OPERATION_INITIAL_STATUS,
  expected,
  isTerminal: isOperationTerminal,
  assertMove: assertOperationTransition,
});

describe('operation status', () => {
  it('keeps unknown open so reconciliation can resolve it', () => {
    expect(isOperationTerminal('unknown')).toBe(false);
  });

  it('refuses to go back to pending once the gateway answered', () => {
    expect(() => assertOperationTransition('unknown', 'pending')).toThrow(/gateway_operation/);
  });

  it('recognises only its own status strings', () => {
    expect(isOperationStatus('unknown')).toBe(true);
    expect(isOperationStatus('timeout')).toBe(false);
  });
});
