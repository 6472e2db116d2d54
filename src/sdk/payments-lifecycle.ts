import type { AdminClient } from './admin.js';
import { AdminTokenRequiredError } from './errors.js';
import { seg, type HttpClient } from './http-client.js';
import type {
  HistoryList,
  OperationResult,
  Payment,
  PaymentsPage,
  PaymentStatusView,
  ProcessPaymentBody,
  WriteOptions,
} from './lifecycle-types.js';
import { TenderModule } from './module.js';

/** Base path of the storefront payment API. */
export const PAYMENTS_BASE = '/api/content/payments';

/** Seed 001 `refundPayment` input. */
export interface RefundPaymentInput {
  paymentId: number;
  /** Major units (number or decimal string); default: everything still refundable. */
  amount?: number | string;
  /** Free text kept with the refund. */
  reason?: string;
}

/** Seed 001-style `capturePayment` input. */
export interface CapturePaymentInput {
  paymentId: number;
  /** Major units (number or decimal string); default: everything still capturable. */
  amount?: number | string;
}

/**
 * Seed 001's payment methods: pay an order with a gateway token in one call, then read the
 * current user's payments. Storefront calls need the user's session (`AuthProvider.auth`).
 * `capturePayment` and `refundPayment` are the merchant's and go to the admin API, so they
 * need `adminToken` in the `defineTender` config (server side only).
 */
export abstract class PaymentLifecycleModule extends TenderModule {
  readonly #admin: AdminClient | undefined;

  /** @internal */
  constructor(http: HttpClient, admin?: AdminClient) {
    super(http);
    this.#admin = admin;
  }

  /**
   * Pays an order with a tokenized payment method. `POST /api/content/payments/process`.
   *
   * The server charges the order's own total through the order's payment account; `amount`, if
   * given, is only checked against it (422 `amount_mismatch` when it differs), and `currency`
   * must be the order's (400 `currency_mismatch`).
   * @param body `token` is the gateway's token (test gateway: `tok_test_…` from
   *   `POST /test-gateway/v1/tokens`), never card data.
   * @returns The payment: `status` `completed` (or `authorized` for manual-capture accounts), or
   *   `requires_action` with `nextAction.url` for a 3-D Secure challenge; after the challenge,
   *   poll {@link getPaymentById} or {@link getPaymentStatus}.
   * @throws TenderApiError 402 `card_declined` / `insufficient_funds` on a decline (the order
   *   stays payable with another card); 409 `idempotency_conflict` when `options.idempotencyKey`
   *   was used for another request.
   */
  processPayment(body: ProcessPaymentBody, options?: WriteOptions): Promise<Payment> {
    return this.http.request({ method: 'POST', path: `${PAYMENTS_BASE}/process`, body, idempotencyKey: options?.idempotencyKey });
  }

  /**
   * The current user's payments, newest first. `GET /api/content/payments/payments?offset&limit`.
   * @param offset Items to skip. Default 0.
   * @param limit Page size (1..100). Default 30.
   */
  getPayments(offset = 0, limit = 30): Promise<PaymentsPage> {
    return this.http.request({ method: 'GET', path: `${PAYMENTS_BASE}/payments`, query: [['offset', offset], ['limit', limit]] });
  }

  /** One payment of the current user. `GET /api/content/payments/payments/{id}`. */
  getPaymentById(id: number): Promise<Payment> {
    return this.http.request({ method: 'GET', path: `${PAYMENTS_BASE}/payments/${seg(id)}` });
  }

  /** Payments of one of the current user's orders (up to 100, newest first). `GET /api/content/payments/orders/{orderId}/payments`. */
  getPaymentsByOrder(orderId: number): Promise<Payment[]> {
    return this.http.request({ method: 'GET', path: `${PAYMENTS_BASE}/orders/${seg(orderId)}/payments` });
  }

  /** A payment's status, cheap enough to poll. `GET /api/content/payments/payments/{id}/status`. */
  getPaymentStatus(id: number): Promise<PaymentStatusView> {
    return this.http.request({ method: 'GET', path: `${PAYMENTS_BASE}/payments/${seg(id)}/status` });
  }

  /** A payment's history, oldest first. `GET /api/content/payments/payments/{id}/history`. */
  getPaymentHistory(id: number): Promise<HistoryList> {
    return this.http.request({ method: 'GET', path: `${PAYMENTS_BASE}/payments/${seg(id)}/history` });
  }

  /**
   * Merchant operation: captures all or part of an authorized payment, through the admin API
   * (`POST /api/admin/payments/{id}/capture`). Same as `Admin.capturePayment`.
   * @throws AdminTokenRequiredError when the client has no `adminToken`.
   */
  async capturePayment(input: CapturePaymentInput, options?: WriteOptions): Promise<OperationResult> {
    const admin = this.#requireAdmin('Payments.capturePayment');
    return admin.capturePayment(input.paymentId, input.amount === undefined ? {} : { amount: input.amount }, options);
  }

  /**
   * Merchant operation (seed 001 `refundPayment`): refunds all or part of a captured payment,
   * through the admin API (`POST /api/admin/payments/{id}/refund`). Same as `Admin.refundPayment`.
   * @returns The refund (`operation`) and the payment after it (`status` `refunded` or `partially_refunded`).
   * @throws AdminTokenRequiredError when the client has no `adminToken`.
   * @throws TenderApiError 422 `amount_exceeds_refundable`, 409 `invalid_transition` (nothing captured).
   */
  async refundPayment(input: RefundPaymentInput, options?: WriteOptions): Promise<OperationResult> {
    const admin = this.#requireAdmin('Payments.refundPayment');
    const body: { amount?: number | string; reason?: string } = {};
    if (input.amount !== undefined) body.amount = input.amount;
    if (input.reason !== undefined) body.reason = input.reason;
    return admin.refundPayment(input.paymentId, body, options);
  }

  #requireAdmin(method: string): AdminClient {
    if (!this.#admin) throw new AdminTokenRequiredError(method);
    return this.#admin;
  }
}
