import { describe, expect, it } from 'vitest';
import {
  assertSessionTransition,
  isSessionStatus,
  isSessionTerminal,
  SESSION_INITIAL_STATUS,
  SESSION_STATUSES,
  SESSION_TRANSITIONS,
  type SessionStatus,
} from '../../src/domain/session-status.js';
import { describeTransitionTable } from './describe-transition-table.js';

const expected: Record<SessionStatus, readonly SessionStatus[]> = {
  pending: ['requires_more', 'requires_action', 'authorized', 'canceled', 'expired', 'failed'],
  requires_more: ['requires_action', 'authorized', 'canceled', 'expired', 'failed'],
  requires_action: ['requires_more', 'authorized', 'canceled', 'expired', 'failed'],
  authorized: [],
  canceled: [],
  expired: [],
  failed: [],
};

describeTransitionTable({
  entity: 'payment_session',
  table: SESSION_TRANSITIONS,
  all: SESSION_STATUSES,
  initial: SESSION_INITIAL_STATUS,
  expected,
  isTerminal: isSessionTerminal,
  assertMove: assertSessionTransition,
});

describe('session status', () => {
  it('starts pending', () => {
    expect(SESSION_INITIAL_STATUS).toBe('pending');
  });

  it('treats authorized as terminal for the session (the money moves to the payment)', () => {
    expect(isSessionTerminal('authorized')).toBe(true);
  });

  it('lets a declined session be retried through requires_more', () => {
    expect(() => assertSessionTransition('requires_action', 'requires_more')).not.toThrow();
    expect(() => assertSessionTransition('requires_more', 'authorized')).not.toThrow();
  });

  it('recognises only its own status strings', () => {
    expect(isSessionStatus('pending')).toBe(true);
    expect(isSessionStatus('waiting')).toBe(false);
    expect(isSessionStatus('constructor')).toBe(false);
    expect(isSessionStatus(1)).toBe(false);
  });
});
