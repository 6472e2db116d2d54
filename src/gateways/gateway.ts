/**
 * The one interface every payment gateway adapter implements. Provider SDK types never leave
 * an adapter's folder. A decline is a returned value (`outcome: 'declined'`), never an
 * exception; an exception means "we do not know what happened" and the caller records the
 * operation as `unknown` for reconciliation.
 */
import type { Money } from '../domain/money.js';

export type AccountType = 'stripe' | 'paypal' | 'custom' | 'test';
export type CaptureMethod = 'automatic' | 'manual';

/** A payment account as an adapter sees it: settings for the active mode, secrets decrypted. */
export interface GatewayAccount {
  id: number;
  identifier: string;
  type: AccountType;
  testMode: boolean;
  captureMethod: CaptureMethod;
  sessionLifetimeSec: number;
  successUrl: string | null;
  cancelUrl: string | null;
  /** Non-secret settings of the active mode (test settings when testMode). */
  settings: Record<string, unknown>;
  /** Decrypted secrets of the active mode; only adapters read them. */
  secrets: Record<string, string>;
}

export interface OrderLine {
  productId: number;
  title: string;
  quantity: number;
  /** Unit price in minor units. */
  unitAmount: bigint;
}

export interface SessionInput {
  /** Tender's session id (goes into provider metadata to link back). */
  id: number;
  type: 'session' | 'intent';
  amount: Money;
  orderId: number | null;
  lines: OrderLine[];
  automaticTax: boolean;
  expiresAt: Date;
  successUrl: string | null;
  cancelUrl: string | null;
  customerEmail?: string;
}

export interface InitiateResult {
  gatewayStatus: string;
  /** The provider's id of the checkout/intent/order (Stripe cs_… / pi_…, PayPal order id). */
  gatewayRef: string | null;
  paymentUrl: string | null;
  clientSecret?: string;
  /** Extra non-secret data kept on the session row. */
  data?: Record<string, unknown>;
}

/** What the customer (or their storefront) submits to authorize: a token, never a card number. */
export interface AuthorizeInput {
  token?: string;
  paymentMethod?: string;
  /** Where the customer returns after a challenge. */
  returnUrl?: string;
}

export type AuthorizeResult =
  | {
      outcome: 'authorized';
      amount: Money;
      /** The gateway captured on authorization. */
      captured: boolean;
      gatewayRef: string | null;
      gatewayStatus: string;
      card?: { brand: string; last4: string };
      paymentMethod?: string;
    }
  | { outcome: 'requires_action'; gatewayRef: string | null; gatewayStatus: string; nextAction: Record<string, unknown>; clientSecret?: string }
  | { outcome: 'requires_more'; gatewayStatus: string; reason: string }
  | { outcome: 'declined'; gatewayStatus: string; declineCode: string; message: string };

export type OperationResult =
  | { outcome: 'succeeded'; gatewayRef: string | null; gatewayStatus: string }
  | { outcome: 'failed'; gatewayStatus: string; code: string; message: string };

export interface PaymentRef {
  gatewayRef: string | null;
  sessionRef: string | null;
  amount: Money;
}

export interface Gateway extends Partial<WebhookCapable> {
  readonly type: AccountType;
  /**
   * True when `initiate` does no I/O (manual accounts), so the session can be created and
   * initiated in one transaction.
   */
  readonly localInitiate: boolean;
  /**
   * True when the provider allows a single capture and releases whatever was not captured
   * (Stripe): Tender then releases the remainder too, so nothing stays "capturable" that the
   * provider would refuse.
   */
  readonly singleCapture?: boolean;
  initiate(account: GatewayAccount, session: SessionInput, idempotencyKey: string): Promise<InitiateResult>;
  authorize(account: GatewayAccount, session: SessionInput & { gatewayRef: string | null }, input: AuthorizeInput, idempotencyKey: string): Promise<AuthorizeResult>;
  capture(account: GatewayAccount, payment: PaymentRef, amount: Money, idempotencyKey: string): Promise<OperationResult>;
  refund(account: GatewayAccount, payment: PaymentRef, amount: Money, reason: string | null, idempotencyKey: string): Promise<OperationResult>;
  cancel(account: GatewayAccount, payment: PaymentRef, idempotencyKey: string): Promise<OperationResult>;
}

/**
 * A provider event, verified and normalized by the adapter. `id` is the provider's event id
 * (deduplication key); the session is found by `tenderSessionId` (from metadata) or by
 * `sessionRef` (the provider reference stored on the session).
 */
export interface GatewayEvent {
  id: string;
  /** The provider's own event type, kept in the record. */
  type: string;
  occurredAt: Date;
  tenderSessionId?: number | null;
  sessionRef?: string | null;
  action: GatewayEventAction;
  /**
   * True when the adapter parsed the whole raw body as JSON to read the event: the body is then
   * recorded as sent (PostgreSQL reads the text into jsonb), not parsed and serialized again —
   * which also keeps numbers beyond a double's precision exact.
   */
  bodyIsJson?: boolean;
}

export type GatewayEventAction =
  | {
      kind: 'authorized';
      amount: Money;
      captured: boolean;
      paymentRef: string | null;
      gatewayStatus: string;
      card?: { brand: string; last4: string };
      paymentMethod?: string;
    }
  | { kind: 'requires_action'; gatewayStatus: string; nextAction: Record<string, unknown>; paymentRef: string | null }
  /** The gateway needs more from the customer (a payment method, a new card) before it can authorize. */
  | { kind: 'requires_more'; gatewayStatus: string; reason: string }
  /** The customer's attempt failed (decline, 3-D Secure failed); the session may be retried. */
  | { kind: 'attempt_failed'; gatewayStatus: string; code: string; message: string; paymentRef: string | null }
  /**
   * Money moved at the provider. `requestKey`: the idempotency key of the request that moved it,
   * when the provider echoes it (Tender's are `tender-capture-<id>` / `tender-refund-<id>`), so
   * the event is matched to exactly that operation rather than by amount.
   */
  | { kind: 'captured'; amount: Money; paymentRef: string | null; operationRef: string | null; gatewayStatus: string; requestKey?: string | null }
  | { kind: 'refunded'; amount: Money; paymentRef: string | null; operationRef: string | null; gatewayStatus: string; requestKey?: string | null }
  | { kind: 'canceled'; paymentRef: string | null; gatewayStatus: string }
  | { kind: 'expired'; gatewayStatus: string }
  | { kind: 'dispute'; paymentRef: string | null; reason: string; amount: Money | null }
  /** Verified, but nothing for Tender to do (recorded and ignored). */
  | { kind: 'ignored'; reason: string };

export class WebhookSignatureError extends Error {
  readonly code = 'webhook_signature_invalid';
}

/** What the provider says about a session or payment now (reconciliation, redirect return). */
export interface RetrieveResult {
  /** Normalized actions that bring Tender's state to the provider's, applied like webhook events. */
  actions: GatewayEventAction[];
  gatewayStatus: string;
}

export interface WebhookCapable {
  /**
   * Verifies the signature over the raw body with the account's secret and normalizes the
   * event. Throws WebhookSignatureError when it does not verify (forged, stale, other account).
   */
  parseWebhook(account: GatewayAccount, rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<GatewayEvent>;
  /**
   * Asks the provider for the current state of a session (and its payment). The answer must list
   * EVERY capture and refund the provider has for the payment: reconciliation marks an in-flight
   * operation failed when the provider's full list lacks it.
   */
  retrieve(account: GatewayAccount, session: { id: number; gatewayRef: string | null; paymentRef: string | null }): Promise<RetrieveResult>;
}
