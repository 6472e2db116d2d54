import type { PaymentSession } from '../contract/payments.js';
import { seg, type HttpClient, type HttpMethod } from './http-client.js';
import type {
  AdminPaymentsFilter,
  AdminSessionsPage,
  AdminSessionsQuery,
  ApproveRefundBody,
  CaptureBody,
  HistoryList,
  OperationResult,
  Payment,
  PaymentsPage,
  ReceivePaymentBody,
  RefundBody,
  RefundDecision,
  StatusMappings,
  StatusMappingsInput,
  WriteOptions,
} from './lifecycle-types.js';

const ADMIN = '/api/admin';

/**
 * The merchant's side of Tender (`/api/admin`): payments of all users, captures, refunds,
 * cancels, refund-request decisions, status mappings and manual payments.
 *
 * Every call sends `Authorization: Bearer <adminToken>` (the token given to `defineTender`);
 * it never uses the storefront user's session and never refreshes. Writes need a token with
 * role `owner` (a `viewer` token gets 403 `forbidden`), carry an `Idempotency-Key` and are
 * retried like every SDK write. An admin token is a server-side secret: never ship it to a browser.
 *
 * Amounts: responses in major units plus `…Minor` twins; request amounts are a major-unit
 * number or decimal string (`12.5`, `"12.50"`).
 */
export class AdminClient {
  readonly #http: HttpClient;

  /** @internal Built by `defineTender` with a transport that holds the admin token. */
  constructor(http: HttpClient) {
    this.#http = http;
  }

  #call<T>(method: HttpMethod, path: string, body?: unknown, options?: WriteOptions, query?: ReadonlyArray<readonly [string, string | number | undefined]>): Promise<T> {
    return this.#http.request<T>({ method, path: ADMIN + path, body, query, autoRefresh: false, idempotencyKey: options?.idempotencyKey });
  }

  /**
   * Payments of all users, newest first. `GET /api/admin/payments`.
   * @param filter `status` is Tender's payment status (`captured`, not `completed`); `currency` upper case.
   */
  listPayments(filter: AdminPaymentsFilter = {}): Promise<PaymentsPage> {
    const { offset, limit, status, orderId, accountId, currency } = filter;
    return this.#call('GET', '/payments', undefined, undefined, [
      ['offset', offset], ['limit', limit], ['status', status], ['orderId', orderId], ['accountId', accountId], ['currency', currency],
    ]);
  }

  /** One payment of any user. `GET /api/admin/payments/{id}`. */
  getPayment(id: number): Promise<Payment> {
    return this.#call('GET', `/payments/${seg(id)}`);
  }

  /** A payment's history (authorizations, captures, refunds, status changes), oldest first. */
  getPaymentHistory(id: number): Promise<HistoryList> {
    return this.#call('GET', `/payments/${seg(id)}/history`);
  }

  /** An order's payment history (all its sessions and payments), oldest first. */
  getOrderHistory(orderId: number): Promise<HistoryList> {
    return this.#call('GET', `/orders/${seg(orderId)}/history`);
  }

  /**
   * Captures all or part of an authorized payment. `POST /api/admin/payments/{id}/capture`.
   * @param body `amount` in major units; default: everything still capturable.
   * @returns The capture and the payment after it. `operation.status` is `succeeded`, or
   *   `pending`/`unknown` (HTTP 202) when the gateway has not confirmed yet: poll the payment.
   */
  capturePayment(paymentId: number, body: CaptureBody = {}, options?: WriteOptions): Promise<OperationResult> {
    return this.#call('POST', `/payments/${seg(paymentId)}/capture`, body, options);
  }

  /**
   * Refunds all or part of a captured payment. `POST /api/admin/payments/{id}/refund`.
   * @param body `amount` in major units (default: everything still refundable) and a `reason`.
   * @returns The refund and the payment after it; `operation.status` as for {@link capturePayment}.
   */
  refundPayment(paymentId: number, body: Omit<RefundBody, 'paymentId'> = {}, options?: WriteOptions): Promise<OperationResult> {
    return this.#call('POST', `/payments/${seg(paymentId)}/refund`, body, options);
  }

  /** Cancels (voids) an authorization that has not been captured. `POST /api/admin/payments/{id}/cancel`. */
  cancelPayment(paymentId: number, options?: WriteOptions): Promise<Payment> {
    return this.#call('POST', `/payments/${seg(paymentId)}/cancel`, undefined, options);
  }

  /**
   * Approves a customer's refund request and refunds through the gateway.
   * `POST /api/admin/refund-requests/{id}/approve`.
   * @param body `amount` (major units) to approve part of it; default all. `note` for the audit log.
   */
  approveRefundRequest(requestId: number, body: ApproveRefundBody = {}, options?: WriteOptions): Promise<RefundDecision> {
    return this.#call('POST', `/refund-requests/${seg(requestId)}/approve`, body, options);
  }

  /** Rejects a customer's refund request. `POST /api/admin/refund-requests/{id}/reject`, body `{note}`. */
  rejectRefundRequest(requestId: number, note: string, options?: WriteOptions): Promise<RefundDecision> {
    return this.#call('POST', `/refund-requests/${seg(requestId)}/reject`, { note }, options);
  }

  /** The payment status → order status map of an order storage. `GET /api/admin/order-storages/{marker}/status-mappings`. */
  getStatusMappings(marker: string): Promise<StatusMappings> {
    return this.#call('GET', `/order-storages/${seg(marker)}/status-mappings`);
  }

  /**
   * Changes a storage's payment status → order status map.
   * `PUT /api/admin/order-storages/{marker}/status-mappings`, body `{mappings}`.
   * @param mappings Payment status → order status identifier to set, or `null` to remove.
   * @returns The whole map after the change.
   */
  setStatusMappings(marker: string, mappings: StatusMappingsInput, options?: WriteOptions): Promise<StatusMappings> {
    return this.#call('PUT', `/order-storages/${seg(marker)}/status-mappings`, { mappings }, options);
  }

  /** Payment sessions of all users. `GET /api/admin/payments/sessions`. */
  listSessions(query: AdminSessionsQuery = {}): Promise<AdminSessionsPage> {
    const { offset, limit, status, userId } = query;
    return this.#call('GET', '/payments/sessions', undefined, undefined, [
      ['offset', offset], ['limit', limit], ['status', status], ['userId', userId],
    ]);
  }

  /**
   * Records that a manual payment (cash, bank transfer) for a session was received.
   * `POST /api/admin/payments/sessions/{id}/receive`.
   * @returns The session, now paid (its `paymentId` set).
   */
  receivePayment(sessionId: number, body: ReceivePaymentBody = {}, options?: WriteOptions): Promise<PaymentSession> {
    return this.#call('POST', `/payments/sessions/${seg(sessionId)}/receive`, body, options);
  }
}
