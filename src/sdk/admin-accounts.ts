import type { Static } from '@sinclair/typebox';
import type * as Accounts from '../contract/accounts.js';
import { seg, type HttpClient, type HttpMethod } from './http-client.js';
import type { WriteOptions } from './lifecycle-types.js';

/** A payment account as the admin API shows it: secrets only as `{set, last4}`. */
export type AdminAccount = Static<typeof Accounts.AdminAccount>;
/** All payment accounts. */
export type AdminAccountsList = Static<typeof Accounts.AdminAccountsList>;
/** Body of an account creation; secrets are write-only. */
export type CreateAccountBody = Static<typeof Accounts.CreateAccountBody>;
/** Body of an account change: only given fields change; a secret set to `null` is removed. */
export type UpdateAccountBody = Static<typeof Accounts.UpdateAccountBody>;
/** What the provider answered to a credentials check. */
export type TestConnectionResult = Static<typeof Accounts.TestConnectionResult>;

/** Payment accounts (`/api/admin/accounts`): Stripe, PayPal, custom (manual) and test. */
export class AdminAccountsClient {
  readonly #http: HttpClient;

  /** @internal */
  constructor(http: HttpClient) {
    this.#http = http;
  }

  #call<T>(method: HttpMethod, path: string, body?: unknown, options?: WriteOptions): Promise<T> {
    return this.#http.request<T>({ method, path: `/api/admin/accounts${path}`, body, autoRefresh: false, idempotencyKey: options?.idempotencyKey });
  }

  /** Every account, secrets masked. `GET /api/admin/accounts`. */
  list(): Promise<AdminAccountsList> {
    return this.#call('GET', '');
  }

  /** One account. `GET /api/admin/accounts/{id}`. */
  get(id: number): Promise<AdminAccount> {
    return this.#call('GET', `/${seg(id)}`);
  }

  /** Creates an account (201). `POST /api/admin/accounts`. */
  create(body: CreateAccountBody, options?: WriteOptions): Promise<AdminAccount> {
    return this.#call('POST', '', body, options);
  }

  /** Changes an account. `PATCH /api/admin/accounts/{id}`. */
  update(id: number, body: UpdateAccountBody, options?: WriteOptions): Promise<AdminAccount> {
    return this.#call('PATCH', `/${seg(id)}`, body, options);
  }

  /** Asks the provider whether the active mode's credentials work. `POST /api/admin/accounts/{id}/test-connection`. */
  testConnection(id: number, options?: WriteOptions): Promise<TestConnectionResult> {
    return this.#call('POST', `/${seg(id)}/test-connection`, undefined, options);
  }
}
