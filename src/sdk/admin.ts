import type { Static } from '@sinclair/typebox';
import type * as AdminContract from '../contract/admin.js';
import type * as Engine from '../contract/engine.js';
import type { PaymentSession } from '../contract/payments.js';
import { seg, type HttpClient, type HttpMethod } from './http-client.js';
import type { AdminOrderStorages, AdminPaymentsListPage, AdminSessionsListPage, AdminSessionsListQuery, AffectedOrders, Dashboard, DashboardDays } from './admin-types.js';
import type {
  AdminPaymentsFilter,
  ApproveRefundBody,
  CaptureBody,
  HistoryList,
  OperationResult,
  Payment,
  ReceivePaymentBody,
  RefundBody,
  RefundDecision,
  StatusMappings,
  StatusMappingsInput,
  WriteOptions,
} from './lifecycle-types.js';

const ADMIN = '/api/admin';

/** Query of the admin order list. */
export type AdminOrdersQuery = Static<typeof AdminContract.AdminOrdersQuery>;
/** One page of orders of all users. */
export type AdminOrdersPage = Static<typeof AdminContract.AdminOrdersPage>;
/** Query of the refund-request queue. */
export type AdminRefundRequestsQuery = Static<typeof Engine.AdminRefundRequestsQuery>;
/** One page of the refund-request queue. */
export type AdminRefundRequestsPage = Static<typeof Engine.AdminRefundRequestsPage>;

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
  listPayments(filter: AdminPaymentsFilter = {}): Promise<AdminPaymentsListPage> {
    const { offset, limit, status, orderId, accountId, currency, customerEmail, createdFrom, createdTo, sort } = filter;
    return this.#call('GET', '/payments', undefined, undefined, [
      ['offset', offset], ['limit', limit], ['status', status], ['orderId', orderId], ['accountId', accountId], ['currency', currency],
      ['customerEmail', customerEmail], ['createdFrom', createdFrom], ['createdTo', createdTo], ['sort', sort],
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

  /**
   * Payment sessions of all users, with the same filters and sorting as {@link listPayments}
   * (`status` is the session's stored status). `GET /api/admin/payments/sessions`.
   */
  listSessions(query: AdminSessionsListQuery = {}): Promise<AdminSessionsListPage> {
    const { offset, limit, status, userId, orderId, accountId, currency, customerEmail, createdFrom, createdTo, sort } = query;
    return this.#call('GET', '/payments/sessions', undefined, undefined, [
      ['offset', offset], ['limit', limit], ['status', status], ['userId', userId], ['orderId', orderId], ['accountId', accountId],
      ['currency', currency], ['customerEmail', customerEmail], ['createdFrom', createdFrom], ['createdTo', createdTo], ['sort', sort],
    ]);
  }

  /**
   * Orders a proposed mapping change concerns (changes nothing): those of the storage whose
   * payment status has a changed mapping and whose order status differs from the new one.
   * `GET /api/admin/order-storages/{marker}/status-mappings/affected-orders`.
   * @param mappings Proposed changes: payment status → order status, `null` to remove.
   */
  getAffectedOrders(marker: string, mappings: StatusMappingsInput): Promise<AffectedOrders> {
    const text = Object.entries(mappings).map(([k, v]) => `${k}:${v ?? ''}`).join(',');
    return this.#call('GET', `/order-storages/${seg(marker)}/status-mappings/affected-orders`, undefined, undefined, [['mappings', text]]);
  }

  /** Order storages with their statuses. `GET /api/admin/order-storages`. */
  listOrderStorages(): Promise<AdminOrderStorages> {
    return this.#call('GET', '/order-storages');
  }

  /** Orders of all users, newest first. `GET /api/admin/orders`. */
  listOrders(query: AdminOrdersQuery = {}): Promise<AdminOrdersPage> {
    const { offset, limit, status, userId } = query;
    return this.#call('GET', '/orders', undefined, undefined, [['offset', offset], ['limit', limit], ['status', status], ['userId', userId]]);
  }

  /** The customers' refund requests, newest first. `GET /api/admin/refund-requests`. */
  listRefundRequests(query: AdminRefundRequestsQuery = {}): Promise<AdminRefundRequestsPage> {
    const { offset, limit, status, orderId } = query;
    return this.#call('GET', '/refund-requests', undefined, undefined, [['offset', offset], ['limit', limit], ['status', status], ['orderId', orderId]]);
  }

  /**
   * Payment volume per day and currency, authorization and capture success rates, statuses and
   * refunds of the last 7, 30 or 90 days (UTC). `GET /api/admin/dashboard`.
   */
  getDashboard(days: DashboardDays = 30): Promise<Dashboard> {
    return this.#call('GET', '/dashboard', undefined, undefined, [['days', days]]);
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
