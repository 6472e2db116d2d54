/**
 * Tender SDK: a typed client for Tender's OneEntry-compatible API.
 *
 * Drop-in for the `oneentry` SDK's `AuthProvider`, `Orders` and `Payments` modules (same
 * method names, positional arguments, URLs and bodies), with these differences:
 * - results are typed from the server's wire schemas;
 * - a non-2xx answer throws {@link TenderApiError}, a network failure {@link TenderNetworkError};
 * - writes carry an `Idempotency-Key` and are retried safely on network errors, 5xx and 429;
 * - concurrent 401s share one token refresh;
 * - `Payments` also has Tender's payment lifecycle (seed 001 `processPayment` and payment reads,
 *   seed 003 collections → sessions → authorize), and with an `adminToken` the merchant's
 *   `Admin` module (captures, refunds, cancels, refund requests, status mappings).
 *
 * Units: amounts on the wire are decimals in MAJOR units (`totalSum: 340` = 340.00 USD,
 * session `amount: 12.5`); Tender's twins `totalMinor` / `amountMinor` are integers in minor units.
 */
import { AdminClient } from './admin.js';
import { AuthProviderClient } from './auth-provider.js';
import { HttpClient, type FetchLike, type SaveFunction } from './http-client.js';
import { OrdersClient } from './orders.js';
import { PaymentsClient } from './payments.js';

/** Options of {@link defineTender}. */
export interface TenderConfig {
  /** App token, sent as `x-app-token` on every request. */
  token: string;
  /**
   * Admin token (server side only, never in a browser): adds the `Admin` module and enables the
   * merchant operations `Payments.capturePayment` / `Payments.refundPayment`. Sent as
   * `Authorization: Bearer` on `/api/admin` calls only.
   */
  adminToken?: string;
  /** Default language code for `langCode` queries and `formData` wrapping. Default `en_US`. */
  langCode?: string;
  auth?: {
    /** Refresh token saved from a previous session, to resume it. */
    refreshToken?: string;
    /** Persists the refresh token: called after login/refresh/automatic refresh, and with `''` after logout. */
    saveFunction?: SaveFunction;
    /** Auth provider marker used by the automatic refresh. Default `email`. */
    providerMarker?: string;
  };
  /** Custom fetch implementation. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Retries after a failed attempt (network error, 5xx, 429, 409 `idempotency_in_progress`). Default 2. */
  retries?: number;
}

/** The modules returned by {@link defineTender}; they share one token state. */
export interface TenderClient {
  AuthProvider: AuthProviderClient;
  Orders: OrdersClient;
  Payments: PaymentsClient;
}

/** What {@link defineTender} returns when given an `adminToken`. */
export interface TenderAdminClient extends TenderClient {
  /** The merchant's API (`/api/admin`), authorized by the admin token. */
  Admin: AdminClient;
}

/**
 * Creates a client for a Tender server.
 * @param url Project URL, e.g. `https://pay.example.com` (one trailing slash is ignored).
 * @param config App token and options.
 * @example
 * const { AuthProvider, Orders, Payments } = defineTender('https://pay.example.com', { token: APP_TOKEN });
 * await AuthProvider.auth('email', { authData: [{ marker: 'email_reg', value: email }, { marker: 'password_reg', value: pw }] });
 * const order = await Orders.createOrder('orders', { formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: [], products: [{ productId: 1, quantity: 1 }] });
 * const session = await Payments.createSession(order.id, 'session');
 * @example
 * // Server side: the merchant's API as well.
 * const { Admin } = defineTender('https://pay.example.com', { token: APP_TOKEN, adminToken: ADMIN_TOKEN });
 * await Admin.refundPayment(paymentId, { amount: '5.00', reason: 'damaged' });
 */
export function defineTender(url: string, config: TenderConfig & { adminToken: string }): TenderAdminClient;
export function defineTender(url: string, config: TenderConfig): TenderClient;
export function defineTender(url: string, config: TenderConfig): TenderClient | TenderAdminClient {
  const retries = config.retries ?? 2;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new TypeError(`retries must be a non-negative integer; got ${String(config.retries)}`);
  }
  if (config.adminToken !== undefined && (typeof config.adminToken !== 'string' || config.adminToken === '')) {
    throw new TypeError('adminToken must be a non-empty string when given');
  }
  const transport = (refresh: boolean) =>
    new HttpClient({
      url: url.replace(/\/+$/, ''),
      token: config.token,
      langCode: config.langCode ?? 'en_US',
      refreshToken: refresh ? config.auth?.refreshToken : undefined,
      saveFunction: refresh ? config.auth?.saveFunction : undefined,
      providerMarker: config.auth?.providerMarker || 'email',
      fetch: config.fetch,
      retries,
    });
  const http = transport(true);
  let admin: AdminClient | undefined;
  if (config.adminToken !== undefined) {
    // Its own transport: the admin token must never be replaced by a user login or refresh.
    const adminHttp = transport(false);
    adminHttp.accessToken = config.adminToken;
    admin = new AdminClient(adminHttp);
  }
  const client: TenderClient = {
    AuthProvider: new AuthProviderClient(http),
    Orders: new OrdersClient(http),
    Payments: new PaymentsClient(http, admin),
  };
  return admin ? { ...client, Admin: admin } : client;
}

/**
 * Alias of {@link defineTender}, so code written for the `oneentry` SDK only needs its import
 * path changed: `import { defineOneEntry } from '<tender sdk>'`.
 */
export const defineOneEntry = defineTender;

export { AuthProviderClient, type SignUpInput } from './auth-provider.js';
export { OrdersClient, type CreateOrderInput, type UpdateOrderInput } from './orders.js';
export { PaymentsClient } from './payments.js';
export { AdminClient } from './admin.js';
export { verifyWebhook, WebhookSignatureError, type TenderWebhookEvent, type WebhookSignatureFailure } from './verify-webhook.js';
export type { CapturePaymentInput, RefundPaymentInput } from './payments-lifecycle.js';
export type { MedusaCollectionInput, MedusaSessionInput } from './payment-collections.js';
export {
  AdminTokenRequiredError,
  PaymentActionRequiredError,
  TenderApiError,
  TenderError,
  TenderNetworkError,
} from './errors.js';
export type { FetchLike, SaveFunction } from './http-client.js';
export type {
  AdminPaymentsFilter,
  AdminSessionsPage,
  AdminSessionsQuery,
  ApproveRefundBody,
  AuthorizeBody,
  AuthorizeResponse,
  CaptureBody,
  CollectionSession,
  CreateCollectionBody,
  HistoryEntry,
  HistoryList,
  OperationResult,
  Payment,
  PaymentCollection,
  PaymentOperation,
  PaymentsPage,
  PaymentStatusView,
  ProcessPaymentBody,
  ReceivePaymentBody,
  RefundBody,
  RefundDecision,
  StatusMappings,
  StatusMappingsInput,
  WriteOptions,
} from './lifecycle-types.js';

export type { ErrorBody, FormDataItem, FormDataInput, FormDataOutput } from '../contract/common.js';
export type {
  ActiveSession,
  AuthBody,
  AuthDataItem,
  AuthEntity,
  AuthProvider,
  AuthProviderConfig,
  ChangePasswordBody,
  NotificationData,
  NotificationDataInput,
  SignUpBody,
  SignUpEntity,
} from '../contract/auth.js';
export type {
  CreateOrderBody,
  CreateOrderResponse,
  CreateRefundRequestBody,
  OrderDiscountConfig,
  OrderEntity,
  OrderLineInput,
  OrderPreview,
  OrderPreviewItem,
  OrderProduct,
  OrderStatus,
  OrdersPage,
  OrdersStorage,
  Picture,
  PreviewOrderBody,
  RefundRequest,
  UpdateOrderBody,
} from '../contract/orders.js';
export type {
  CreateSessionBody,
  PaymentAccount,
  PaymentSession,
  SessionByOrder,
  SessionType,
  SessionsPage,
} from '../contract/payments.js';
