import { isCurrency } from './currencies.js';
import { MAX_STORABLE_AMOUNT } from './money.js';
import type { PaymentState } from './payment.js';
import { isPaymentStatus, type PaymentStatus } from './payment-status.js';

/**
 * What each status says about the amounts (a = authorized, c = captured, r = refunded),
 * on top of 0 ≤ r ≤ c ≤ a.
 */
const STATUS_RULES: Record<PaymentStatus, { readonly rule: string; readonly holds: (a: bigint, c: bigint, r: bigint) => boolean }> = {
  requires_action: { rule: 'authorized = 0', holds: (a) => a === 0n },
  authorized: { rule: 'authorized > 0 and captured = 0', holds: (a, c) => a > 0n && c === 0n },
  partially_captured: { rule: '0 < captured < authorized', holds: (a, c) => c > 0n && c < a },
  captured: { rule: 'captured = authorized > 0 and refunded = 0', holds: (a, c, r) => c > 0n && c === a && r === 0n },
  partially_refunded: {
    rule: 'captured = authorized and 0 < refunded < captured',
    holds: (a, c, r) => c === a && r > 0n && r < c,
  },
  refunded: { rule: 'refunded = captured = authorized > 0', holds: (a, c, r) => c > 0n && c === a && r === c },
  canceled: { rule: 'authorized = 0 (the hold was released)', holds: (a) => a === 0n },
  failed: { rule: 'authorized = 0', holds: (a) => a === 0n },
};

/**
 * Lists every broken invariant of a payment state; empty when the state is valid.
 * Used by tests and by the store as a cheap assertion before writing a row.
 *
 * Checks: known status and currency; bigint amounts within a Postgres bigint;
 * 0 ≤ refunded ≤ captured ≤ authorized; and the status/amount agreement in `STATUS_RULES`.
 */
export function checkPaymentInvariants(state: PaymentState): string[] {
  const violations: string[] = [];
  if (!isPaymentStatus(state.status)) violations.push(`unknown status '${String(state.status)}'`);
  if (!isCurrency(state.currency)) violations.push(`unknown currency '${String(state.currency)}'`);

  const { authorized: a, captured: c, refunded: r } = state;
  if (typeof a !== 'bigint' || typeof c !== 'bigint' || typeof r !== 'bigint') {
    violations.push('amounts must be bigint minor units');
    return violations;
  }
  if (r < 0n) violations.push(`refunded (${r}) is negative`);
  if (r > c) violations.push(`refunded (${r}) exceeds captured (${c})`);
  if (c > a) violations.push(`captured (${c}) exceeds authorized (${a})`);
  if (a > MAX_STORABLE_AMOUNT) violations.push(`authorized (${a}) does not fit a Postgres bigint`);

  const rule = isPaymentStatus(state.status) ? STATUS_RULES[state.status] : undefined;
  if (rule && !rule.holds(a, c, r)) {
    violations.push(`status '${state.status}' requires ${rule.rule}; got authorized=${a} captured=${c} refunded=${r}`);
  }
  return violations;
}
