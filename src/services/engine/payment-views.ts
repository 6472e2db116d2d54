import { toMajorNumber } from '../../domain/format-major.js';
import type { PaymentRow } from '../../store/payment-store.js';
import type { OperationKind, OperationRow } from './operations.js';

/** Wire status of a payment (seed 001 vocabulary: `completed` once captured in full). */
export function paymentWireStatus(status: PaymentRow['status']): string {
  return status === 'captured' ? 'completed' : status;
}

const major = (amount: bigint, currency: string) => toMajorNumber({ amount, currency: currency.trim() });

export interface PaymentView {
  id: number;
  orderId: number | null;
  collectionId: number;
  sessionId: number;
  amount: number;
  currency: string;
  status: string;
  paymentStatus: PaymentRow['status'];
  authorizedAmount: number;
  capturedAmount: number;
  refundedAmount: number;
  amountMinor: number;
  authorizedMinor: number;
  capturedMinor: number;
  refundedMinor: number;
  paymentMethod: string | null;
  gateway: string;
  accountId: number;
  gatewayTransactionId: string | null;
  gatewayStatus: string | null;
  cardDetails: { brand: string; last4: string } | null;
  nextAction: Record<string, unknown> | null;
  clientSecret?: string;
  disputed: boolean;
  createdAt: string;
  updatedAt: string;
}

export function paymentView(p: PaymentRow & { account_type?: string }): PaymentView {
  const view: PaymentView = {
    id: p.id,
    orderId: p.order_id,
    collectionId: p.collection_id,
    sessionId: p.session_id,
    amount: major(p.amount, p.currency),
    currency: p.currency.trim(),
    status: paymentWireStatus(p.status),
    paymentStatus: p.status,
    authorizedAmount: major(p.authorized_amount, p.currency),
    capturedAmount: major(p.captured_amount, p.currency),
    refundedAmount: major(p.refunded_amount, p.currency),
    amountMinor: Number(p.amount),
    authorizedMinor: Number(p.authorized_amount),
    capturedMinor: Number(p.captured_amount),
    refundedMinor: Number(p.refunded_amount),
    paymentMethod: p.payment_method,
    gateway: p.account_type ?? 'unknown',
    accountId: p.account_id,
    gatewayTransactionId: p.gateway_ref,
    gatewayStatus: p.gateway_status,
    cardDetails: p.card_brand && p.card_last4 ? { brand: p.card_brand, last4: p.card_last4 } : null,
    nextAction: p.status === 'requires_action' ? p.next_action : null,
    disputed: p.disputed,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
  const secret = p.status === 'requires_action' ? (p.next_action as { clientSecret?: string } | null)?.clientSecret : undefined;
  if (secret) view.clientSecret = secret;
  return view;
}

export interface OperationView {
  id: number;
  kind: OperationKind;
  paymentId: number;
  amount: number;
  amountMinor: number;
  currency: string;
  status: OperationRow['status'];
  gatewayRef: string | null;
  reason: string | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

export function operationView(kind: OperationKind, op: OperationRow): OperationView {
  return {
    id: op.id,
    kind,
    paymentId: op.payment_id,
    amount: major(op.amount, op.currency),
    amountMinor: Number(op.amount),
    currency: op.currency.trim(),
    status: op.status,
    gatewayRef: op.gateway_ref,
    reason: op.reason ?? null,
    error: op.error,
    createdAt: op.created_at.toISOString(),
    updatedAt: op.updated_at.toISOString(),
  };
}

export const PAYMENT_SELECT = `SELECT p.*, a.type AS account_type FROM payments p JOIN payment_accounts a ON a.id = p.account_id`;
