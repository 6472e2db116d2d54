/**
 * Public surface of the pure domain layer. Import from here (`../domain/index.js`) rather
 * than from individual files so internal splits stay private.
 */
export * from './domain-error.js';
export * from './money-error.js';
export * from './currencies.js';
export * from './money.js';
export * from './allocate.js';
export * from './parse-major.js';
export * from './parse-minor.js';
export * from './format-major.js';
export * from './invalid-transition-error.js';
export * from './state-machine.js';
export * from './session-status.js';
export * from './payment-status.js';
export * from './collection-status.js';
export * from './refund-request-status.js';
export * from './operation-status.js';
export * from './payment-rule-error.js';
export * from './payment.js';
export * from './apply-payment-event.js';
export * from './payment-invariants.js';
