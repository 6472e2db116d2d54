import { describe, expect, it } from 'vitest';
import { DomainError, type DomainErrorCode } from '../../src/domain/domain-error.js';
import { InvalidTransitionError } from '../../src/domain/invalid-transition-error.js';
import { MoneyError } from '../../src/domain/money-error.js';
import { PaymentRuleError } from '../../src/domain/payment-rule-error.js';

describe('domain errors', () => {
  it('share one base class so the HTTP layer can map them by code', () => {
    const errors: DomainError[] = [
      new MoneyError('unknown_currency', 'x'),
      new PaymentRuleError('amount_exceeds_capturable', 'x'),
      new InvalidTransitionError('payment', 'refunded', 'captured'),
    ];
    for (const err of errors) {
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
  });

  it('name themselves for logs', () => {
    expect(new MoneyError('invalid_amount', 'x').name).toBe('MoneyError');
    expect(new PaymentRuleError('invalid_amount', 'x').name).toBe('PaymentRuleError');
    expect(new InvalidTransitionError('a', 'b', 'c').name).toBe('InvalidTransitionError');
  });

  it('keep the list of codes stable', () => {
    // Codes are public API: this list may only grow.
    const codes: Record<DomainErrorCode, true> = {
      unknown_currency: true,
      currency_mismatch: true,
      invalid_amount: true,
      invalid_transition: true,
      amount_exceeds_capturable: true,
      amount_exceeds_refundable: true,
    };
    expect(Object.keys(codes)).toHaveLength(6);
  });
});
