/**
 * Types of the payment lifecycle and admin APIs, derived from the server's wire schemas
 * (src/contract/engine.ts, src/contract/admin.ts) with `Static<>`, so they cannot drift from
 * what the server validates and serializes. Type-only: the SDK has no runtime dependency on
 * TypeBox or on server code.
 *
 * Amounts: responses carry decimals in MAJOR units (`amount: 12.5` = 12.50) with integer
 * `…Minor` twins (`amountMinor: 1250`); requests take a major-unit number or decimal string
 * (`12.5` or `"12.50"`), parsed by the server with the currency's exponent.
 */
import type { Static } from '@sinclair/typebox';
import type * as AdminContract from '../contract/admin.js';
import type * as Engine from '../contract/engine.js';
import type { PaymentSession, SessionType } from '../contract/payments.js';

/** Body of `POST /api/content/payments/process` (seed 001 `processPayment`). */
export type ProcessPaymentBody = Static<typeof Engine.ProcessPaymentBody>;
/**
 * A payment. `status` uses seed 001's words (`completed` once captured in full; also
 * `requires_action`, `authorized`, `partially_captured`, `partially_refunded`, `refunded`,
 * `canceled`, `failed`); `paymentStatus` is Tender's own (`captured` for `completed`).
 */
export type Payment = Static<typeof Engine.Payment>;
/** One page of payments: `{items, total}`. */
export type PaymentsPage = Static<typeof Engine.PaymentsPage>;
/** The cheap status poll: `{id, status, paymentStatus, updatedAt}`. */
export type PaymentStatusView = Static<typeof Engine.PaymentStatusView>;
/** A capture or a refund (`kind`), with its own `status` (`pending` and `unknown` settle later). */
export type PaymentOperation = Static<typeof Engine.Operation>;
/** Answer of a capture or refund: the operation and the payment after it. */
export type OperationResult = Static<typeof Engine.OperationResult>;
/** Body of an admin capture: `amount` (major units) defaults to everything still capturable. */
export type CaptureBody = Static<typeof Engine.CaptureBody>;
/** Body of an admin refund: `amount` (major units) defaults to everything still refundable. */
export type RefundBody = Static<typeof Engine.RefundBody>;
/** Body of `POST /api/content/payments/collections`: `{orderId}` or `{amount, currency}`. */
export type CreateCollectionBody = Static<typeof Engine.CreateCollectionBody>;
/** Body of `POST /api/content/payments/collections/:id/sessions`. */
export type CollectionSessionBody = Static<typeof Engine.CollectionSessionBody>;
/** A payment collection (seed 003) with its sessions and payments. */
export type PaymentCollection = Static<typeof Engine.Collection>;
/** A session of a collection (same shape as a {@link PaymentSession}). */
export type CollectionSession = Static<typeof Engine.Session>;
/** Body of `POST /api/content/payments/sessions/:id/authorize`. */
export type AuthorizeBody = Static<typeof Engine.AuthorizeBody>;
/** Answer of an authorize call; `status` says whether the customer has more to do. */
export type AuthorizeResponse = Static<typeof Engine.AuthorizeResponse>;
/** Body of an admin refund-request approval. */
export type ApproveRefundBody = Static<typeof Engine.ApproveRefundBody>;
/** Answer of a refund-request approval or rejection. */
export type RefundDecision = Static<typeof Engine.RefundDecision>;
/** A storage's payment status → order status map. */
export type StatusMappings = Static<typeof Engine.StatusMappings>;
/** Mapping changes: a string sets a mapping, `null` removes it. */
export type StatusMappingsInput = Static<typeof Engine.PutStatusMappingsBody>['mappings'];
/** One row of a payment's or order's append-only history. */
export type HistoryEntry = Static<typeof Engine.HistoryEntry>;
/** A history, oldest first. */
export type HistoryList = Static<typeof Engine.HistoryList>;

/** Query of the admin session list. */
export type AdminSessionsQuery = Static<typeof AdminContract.AdminSessionsQuery>;
/** One page of payment sessions of all users. */
export type AdminSessionsPage = Static<typeof AdminContract.AdminSessionsPage>;
/** Body of `POST /api/admin/payments/sessions/:id/receive`. */
export type ReceivePaymentBody = Static<typeof AdminContract.ReceivePaymentBody>;

/**
 * Filters and pagination of `GET /api/admin/payments`.
 *
 * Written by hand: the server declares this querystring schema inside
 * src/http/routes/admin-payments-routes.ts without exporting it, so it cannot be derived.
 * test/sdk/lifecycle-admin.test.ts checks these keys against the server's OpenAPI document.
 */
export interface AdminPaymentsFilter {
  /** Items to skip. Default 0. */
  offset?: number;
  /** Page size (1..100). Default 30. */
  limit?: number;
  /** Tender's payment status (`captured`, not `completed`), e.g. `authorized`, `refunded`. */
  status?: string;
  orderId?: number;
  accountId?: number;
  /** ISO-4217 code in upper case, e.g. `USD`. */
  currency?: string;
  /** Case-insensitive substring of the customer's login (e-mail). */
  customerEmail?: string;
  /** ISO-8601 time: created at or after it. */
  createdFrom?: string;
  /** ISO-8601 time: created before it. */
  createdTo?: string;
  /** `created_desc` (default), `created_asc`, `amount_desc` or `amount_asc`. */
  sort?: 'created_desc' | 'created_asc' | 'amount_desc' | 'amount_asc';
}

/** Per-call options of a write. */
export interface WriteOptions {
  /**
   * `Idempotency-Key` to send. Pass the same key when retrying a call whose outcome you did
   * not learn (e.g. after a crash): the server then answers the first call's stored result
   * instead of running it again. Default: a fresh random key (reused by the SDK's own retries).
   */
  idempotencyKey?: string;
}

export type { PaymentSession, SessionType };
