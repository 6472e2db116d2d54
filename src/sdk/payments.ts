import type {
  CreateSessionBody,
  PaymentAccount,
  PaymentSession,
  SessionByOrder,
  SessionType,
  SessionsPage,
} from '../contract/payments.js';
import { seg } from './http-client.js';
import { PaymentCollectionsModule } from './payment-collections.js';

const BASE = '/api/content/payments';

/**
 * Payment accounts and payment sessions of the current user. Same methods, paths and bodies
 * as the OneEntry SDK's `Payments`; every method requires authorization. A session's `amount`
 * is a decimal in MAJOR units (12.5 = 12.50); `amountMinor` is the integer twin in minor units.
 *
 * Also Tender's payment lifecycle: seed 001's `processPayment` and payment reads (payments-lifecycle.ts)
 * and seed 003's collections → sessions → authorize (payment-collections.ts); `capturePayment`/`refundPayment` need `adminToken`.
 */
export class PaymentsClient extends PaymentCollectionsModule {
  /**
   * The current user's payment sessions. `GET /api/content/payments/sessions/?offset&limit`
   * (with the trailing slash the OneEntry SDK sends).
   * @param offset Items to skip. Default 0.
   * @param limit Page size (1..100). Default 30.
   * @returns `{items, total}`.
   */
  getSessions(offset = 0, limit = 30): Promise<SessionsPage> {
    return this.http.request({ method: 'GET', path: `${BASE}/sessions/`, query: [['offset', offset], ['limit', limit]] });
  }

  /** One payment session. `GET /api/content/payments/sessions/{id}`. */
  getSessionById(id: number): Promise<PaymentSession> {
    return this.http.request({ method: 'GET', path: `${BASE}/sessions/${seg(id)}` });
  }

  /**
   * The payment session of an order. `GET /api/content/payments/sessions/order/{orderId}`.
   * @param id Order id.
   * @returns One session; the OneEntry contract also allows an array of sessions.
   */
  getSessionByOrderId(id: number): Promise<SessionByOrder> {
    return this.http.request({ method: 'GET', path: `${BASE}/sessions/order/${seg(id)}` });
  }

  /**
   * Starts paying an order. `POST /api/content/payments/sessions`,
   * body `{orderId, type, automaticTaxEnabled}`.
   * @param orderId Order to pay.
   * @param type `session` (hosted checkout, redirect to `paymentUrl`) or `intent`
   *   (confirm on the client with `clientSecret`). Default `session`.
   * @param automaticTaxEnabled Let the gateway compute taxes. Default false.
   * @returns The new session; `paymentUrl` is null for cash/custom accounts.
   */
  createSession(orderId: number, type: SessionType = 'session', automaticTaxEnabled = false): Promise<PaymentSession> {
    const body: CreateSessionBody = { orderId, type, automaticTaxEnabled };
    return this.http.request({ method: 'POST', path: `${BASE}/sessions`, body });
  }

  /**
   * All payment accounts. `GET /api/content/payments/accounts`.
   * @returns A plain array; `settings` never contains secrets.
   */
  getAccounts(): Promise<PaymentAccount[]> {
    return this.http.request({ method: 'GET', path: `${BASE}/accounts` });
  }

  /** One payment account. `GET /api/content/payments/accounts/{id}`. */
  getAccountById(id: number): Promise<PaymentAccount> {
    return this.http.request({ method: 'GET', path: `${BASE}/accounts/${seg(id)}` });
  }
}
