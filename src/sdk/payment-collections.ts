import { PaymentActionRequiredError, TenderApiError, TenderError } from './errors.js';
import { seg } from './http-client.js';
import type {
  AuthorizeBody,
  AuthorizeResponse,
  CollectionSession,
  CollectionSessionBody,
  CreateCollectionBody,
  Payment,
  PaymentCollection,
  PaymentSession,
  SessionType,
  WriteOptions,
} from './lifecycle-types.js';
import { PAYMENTS_BASE, PaymentLifecycleModule } from './payments-lifecycle.js';

/** Medusa-style `createPaymentCollections` input (seed 003). */
export interface MedusaCollectionInput {
  /** ISO-4217 code, any case (`usd`). */
  currency_code: string;
  /** Amount in MAJOR units (number or decimal string), as Medusa v2 takes it. */
  amount: number | string;
  /** Accepted for source compatibility and ignored: Tender has no regions. */
  region_id?: string;
}

/** Medusa-style `createPaymentSession` input (seed 003). */
export interface MedusaSessionInput {
  /** The payment account's `identifier` (Medusa's provider id), e.g. `test` or `stripe`. */
  provider_id: string;
  /**
   * Optional, checked only: a session always pays its whole collection, so a value that differs
   * from the collection's currency is refused before anything is created.
   */
  currency_code?: string;
  /** Optional, checked only, as `currency_code` (major units). */
  amount?: number | string;
  /** Provider data. Tender reads only `type`: `intent` (default; authorize with a token) or `session` (hosted checkout page). */
  data?: { type?: SessionType };
}

/**
 * Seed 003's accept-payment flow: a payment collection, a session per provider, then
 * authorize. Medusa's method names are kept (`createPaymentCollections`,
 * `createPaymentSession`, `authorizePaymentSession`, `listPaymentSessions`) next to Tender's
 * own (`createPaymentCollection`). Captures and refunds are the merchant's: see
 * `capturePayment` / `refundPayment` (admin token required).
 */
export abstract class PaymentCollectionsModule extends PaymentLifecycleModule {
  /**
   * Creates a payment collection: for an order (`{orderId}`: its total is the amount, one
   * collection per order, returned again on a repeat) or on its own (`{amount, currency}`).
   * `POST /api/content/payments/collections`.
   */
  createPaymentCollection(body: CreateCollectionBody, options?: WriteOptions): Promise<PaymentCollection> {
    return this.http.request({ method: 'POST', path: `${PAYMENTS_BASE}/collections`, body, idempotencyKey: options?.idempotencyKey });
  }

  /**
   * Medusa's name for {@link createPaymentCollection} with an amount: one input gives one
   * collection, an array gives an array (created one after the other).
   */
  createPaymentCollections(data: MedusaCollectionInput, options?: WriteOptions): Promise<PaymentCollection>;
  createPaymentCollections(data: MedusaCollectionInput[]): Promise<PaymentCollection[]>;
  async createPaymentCollections(data: MedusaCollectionInput | MedusaCollectionInput[], options?: WriteOptions): Promise<PaymentCollection | PaymentCollection[]> {
    const create = (d: MedusaCollectionInput, o?: WriteOptions) =>
      this.createPaymentCollection({ amount: d.amount, currency: d.currency_code.toUpperCase() }, o);
    if (!Array.isArray(data)) return create(data, options);
    const out: PaymentCollection[] = [];
    for (const d of data) out.push(await create(d));
    return out;
  }

  /** A payment collection of the current user, with its sessions and payments. `GET /api/content/payments/collections/{id}`. */
  getPaymentCollection(id: number): Promise<PaymentCollection> {
    return this.http.request({ method: 'GET', path: `${PAYMENTS_BASE}/collections/${seg(id)}` });
  }

  /**
   * Creates (or returns the open) session of a collection for one payment account (Medusa's
   * provider). `POST /api/content/payments/collections/{id}/sessions`, body `{accountIdentifier, type}`.
   * @throws TenderError before any request when `amount`/`currency_code` differ from the collection's.
   */
  async createPaymentSession(collectionId: number, input: MedusaSessionInput, options?: WriteOptions): Promise<CollectionSession> {
    const unknown = Object.keys(input.data ?? {}).filter((k) => k !== 'type');
    if (unknown.length > 0) {
      throw new TenderError(`createPaymentSession: data.${unknown.join(', data.')} is not supported; Tender reads only data.type ('intent' or 'session')`);
    }
    if (input.amount !== undefined || input.currency_code !== undefined) {
      const c = await this.getPaymentCollection(collectionId);
      const currencyDiffers = input.currency_code !== undefined && input.currency_code.toUpperCase() !== c.currency;
      // Both sides are decimals with at most 4 fraction digits, so Number() compares them exactly.
      const amountDiffers = input.amount !== undefined && Number(input.amount) !== c.amount;
      if (currencyDiffers || amountDiffers) {
        throw new TenderError(
          `Payment collection ${c.id} is ${c.amount} ${c.currency}; a session pays the whole collection ` +
            `(got ${String(input.amount ?? c.amount)} ${input.currency_code ?? c.currency})`,
        );
      }
    }
    const body: CollectionSessionBody = { accountIdentifier: input.provider_id };
    if (input.data?.type !== undefined) body.type = input.data.type;
    return this.http.request({ method: 'POST', path: `${PAYMENTS_BASE}/collections/${seg(collectionId)}/sessions`, body, idempotencyKey: options?.idempotencyKey });
  }

  /**
   * Authorizes a session with the customer's payment method. `POST /api/content/payments/sessions/{id}/authorize`.
   * Call it again (with `{}`) after the customer completed a challenge; an authorized session
   * answers its payment again.
   * @param context `token`: the gateway's token of the card (test gateway `tok_test_…`).
   * @returns The payment: `authorized`, or `completed` when the account captures automatically.
   * @throws PaymentActionRequiredError when the customer has more to do (`status`
   *   `requires_action` with `nextAction.url`, or `requires_more`: a token is needed).
   * @throws TenderApiError 402 `card_declined` / `insufficient_funds`; the session stays open
   *   for another card.
   */
  async authorizePaymentSession(sessionId: number, context: AuthorizeBody = {}, options?: WriteOptions): Promise<Payment> {
    const res = await this.http.request<AuthorizeResponse>({
      method: 'POST',
      path: `${PAYMENTS_BASE}/sessions/${seg(sessionId)}/authorize`,
      body: context,
      idempotencyKey: options?.idempotencyKey,
    });
    if (res.status !== 'authorized') throw new PaymentActionRequiredError({ ...res, status: res.status });
    if (!res.payment) {
      throw new TenderApiError({ statusCode: 200, code: 'invalid_response', message: `Session ${sessionId} is authorized but the answer has no payment`, body: JSON.stringify(res) });
    }
    return res.payment;
  }

  /**
   * Medusa's `listPaymentSessions({id: [...]})`: the current user's sessions with these ids, in
   * the order asked; ids that do not exist (or are another user's) are left out.
   * Reads `GET /api/content/payments/sessions/{id}` for each id, in parallel.
   */
  async listPaymentSessions(filter: { id: number[] }): Promise<PaymentSession[]> {
    const found = await Promise.all(
      filter.id.map((id) =>
        this.http.request<PaymentSession>({ method: 'GET', path: `${PAYMENTS_BASE}/sessions/${seg(id)}` }).catch((error: unknown) => {
          if (error instanceof TenderApiError && error.statusCode === 404) return undefined;
          throw error;
        }),
      ),
    );
    return found.filter((s): s is PaymentSession => s !== undefined);
  }
}
