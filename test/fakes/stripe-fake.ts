/**
 * A small local fake of Stripe's REST API for tests: the official `stripe` SDK talks to it
 * through `host/port/protocol: 'http'` (account setting `apiBase`). It speaks the real wire format
 * (form-encoded bodies with bracket keys, `Idempotency-Key`, Stripe's JSON error bodies and
 * HTTP statuses), keeps state so that a retrieve answers what a create did, records every
 * request (so tests assert what reached "Stripe", e.g. JPY 1000 sent as `1000`) and emits the
 * events real Stripe would, which tests sign with `stripe.webhooks.generateTestHeaderString` and
 * deliver in any order, any number of times.
 *
 * Test PaymentMethods follow Stripe's test ids: pm_card_visa / pm_card_mastercard succeed,
 * pm_card_threeDSecure2Required / pm_card_authenticationRequired need 3-D Secure,
 * pm_card_chargeDeclined / pm_card_visa_chargeDeclinedInsufficientFunds are declined.
 *
 * Deliberate difference: a bad API key is echoed in full in the 401 message (Stripe masks it),
 * so that tests prove Tender's own redaction.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Stripe from 'stripe';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

export interface FakeRequest {
  method: string;
  path: string;
  /** Form body (POST) or query (GET), parsed into nested objects; values stay strings. */
  params: Obj;
  idempotencyKey: string | null;
}

export interface StripeEventJson {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
  data: { object: Obj; previous_attributes?: Obj };
}

const CARDS: Record<string, { brand: string; last4: string; outcome: 'succeeds' | 'requires_action' | 'card_declined' | 'insufficient_funds' }> = {
  pm_card_visa: { brand: 'visa', last4: '4242', outcome: 'succeeds' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', outcome: 'succeeds' },
  pm_card_threeDSecure2Required: { brand: 'visa', last4: '3220', outcome: 'requires_action' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', outcome: 'requires_action' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', outcome: 'card_declined' },
  pm_card_visa_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', outcome: 'insufficient_funds' },
};

const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);
const API_VERSION = '2026-10-28.endive';

class ApiError extends Error {
  constructor(readonly status: number, readonly body: Obj) {
    super(String(body.message));
  }
}

const invalid = (message: string, code = 'parameter_invalid', param?: string) =>
  new ApiError(400, { type: 'invalid_request_error', code, message, ...(param ? { param } : {}) });
const missing = (what: string, id: string, param = 'id') =>
  new ApiError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}: '${id}'`, param });

export class StripeFake {
  readonly requests: FakeRequest[] = [];
  readonly events: StripeEventJson[] = [];
  readonly checkoutSessions = new Map<string, Obj>();
  readonly paymentIntents = new Map<string, Obj>();
  readonly charges = new Map<string, Obj>();
  readonly refunds = new Map<string, Obj>();
  /** Tax Stripe adds on top of the prices when `automatic_tax[enabled]` (basis points, exclusive). */
  automaticTaxBasisPoints = 0;
  /** `payment_method_details.card.network_transaction_id` of new charges (Visa: 15 digits). */
  networkTransactionId: string | null = null;
  /** Status given to new refunds (Stripe answers `pending` for some payment methods). */
  refundStatus: 'succeeded' | 'pending' = 'succeeded';
  private readonly keys: Set<string>;
  private readonly piData = new Map<string, Obj>();
  private readonly idempotency = new Map<string, { method: string; path: string; body: string; status: number; response: Obj }>();
  private server!: Server;
  url = '';

  constructor(keys: string[]) {
    this.keys = new Set(keys);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  addKey(key: string): void {
    this.keys.add(key);
  }

  /** Requests to one path prefix (e.g. '/v1/checkout/sessions'), oldest first. */
  requestsTo(method: string, pathPrefix: string): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  /** Events about one object (by `data.object.id`), optionally of one type, oldest first. */
  eventsOf(objectId: string, type?: string): StripeEventJson[] {
    return this.events.filter((e) => e.data.object.id === objectId && (!type || e.type === type));
  }

  /** The last event of a type about an object; throws when there is none. */
  event(type: string, objectId: string): StripeEventJson {
    const found = this.eventsOf(objectId, type).at(-1);
    if (!found) throw new Error(`the fake emitted no ${type} for ${objectId}`);
    return found;
  }

  // ---------------------------------------------------------------- customer-side helpers

  /** The customer pays a Checkout Session on "Stripe's page". */
  completeCheckout(csId: string, options: { paymentMethod?: string; async?: boolean } = {}): { session: Obj; intent: Obj } {
    const cs = this.checkoutSessions.get(csId);
    if (!cs || cs.status !== 'open') throw new Error(`checkout session ${csId} is not open`);
    const data = this.piData.get(csId) ?? {};
    const pi = this.newIntent({ amount: String(cs.amount_total), currency: cs.currency, capture_method: data.capture_method, metadata: data.metadata });
    cs.payment_intent = pi.id;
    cs.status = 'complete';
    if (options.async) {
      pi.status = 'processing';
      pi.payment_method = 'pm_sepa_debit';
      this.emit('checkout.session.completed', cs);
      return { session: cs, intent: pi };
    }
    this.succeed(pi, options.paymentMethod ?? 'pm_card_visa', null);
    cs.payment_status = pi.status === 'succeeded' ? 'paid' : 'unpaid';
    this.emit('checkout.session.completed', cs);
    return { session: cs, intent: pi };
  }

  /** A delayed payment method (bank debit) of a completed Checkout Session settles. */
  settleAsyncPayment(csId: string, succeeded: boolean): void {
    const cs = this.checkoutSessions.get(csId)!;
    const pi = this.paymentIntents.get(cs.payment_intent)!;
    if (succeeded) {
      this.succeed(pi, 'pm_card_visa', null);
      cs.payment_status = 'paid';
      this.emit('checkout.session.async_payment_succeeded', cs);
    } else {
      pi.status = 'requires_payment_method';
      pi.last_payment_error = { type: 'invalid_request_error', code: 'payment_method_provider_decline', message: 'The bank declined the debit.' };
      this.emit('payment_intent.payment_failed', pi);
      this.emit('checkout.session.async_payment_failed', cs);
    }
  }

  /** The customer confirms an intent in the browser (Stripe.js), as `POST …/confirm` would. */
  confirmAsCustomer(piId: string, paymentMethod: string): Obj {
    return this.confirm(this.intent(piId), { payment_method: paymentMethod }, null);
  }

  /** The customer finishes (or fails) the 3-D Secure challenge of an intent. */
  finishChallenge(piId: string, approve: boolean): Obj {
    const pi = this.intent(piId);
    if (pi.status !== 'requires_action') throw new Error(`intent ${piId} is ${pi.status}, not requires_action`);
    pi.next_action = null;
    if (approve) return this.succeed(pi, pi.payment_method, null);
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
      type: 'invalid_request_error', code: 'payment_intent_authentication_failure',
      message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
    };
    this.emit('payment_intent.payment_failed', pi);
    return pi;
  }

  /** The cardholder disputes the intent's charge. */
  dispute(piId: string, reason = 'fraudulent'): Obj {
    const pi = this.intent(piId);
    const charge = this.charges.get(pi.latest_charge)!;
    charge.disputed = true;
    const d = { id: this.id('dp_'), object: 'dispute', amount: charge.amount_captured, charge: charge.id, currency: charge.currency, payment_intent: pi.id, reason, status: 'needs_response', created: now(), livemode: false, metadata: {} };
    this.emit('charge.dispute.created', d);
    return d;
  }

  // ---------------------------------------------------------------- webhooks

  /** The exact body and headers Stripe would POST for an event, signed with `secret`. */
  signed(event: StripeEventJson | string, secret: string, timestamp?: number): { body: string; headers: Record<string, string> } {
    const body = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, ...(timestamp !== undefined ? { timestamp } : {}) });
    return { body, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' } };
  }

  /** POSTs a signed event to a Tender webhook URL, as Stripe's delivery does. */
  async deliver(webhookUrl: string, event: StripeEventJson | string, secret: string, options: { timestamp?: number; signature?: string } = {}): Promise<{ status: number; body: any }> {
    const { body, headers } = this.signed(event, secret, options.timestamp);
    if (options.signature !== undefined) headers['stripe-signature'] = options.signature;
    const res = await fetch(webhookUrl, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const params = parseForm(method === 'GET' || method === 'DELETE' ? url.search.slice(1) : body);
    const idemKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    this.requests.push({ method, path: url.pathname, params, idempotencyKey: idemKey });
    const send = (status: number, json: Obj, replayed = false) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': this.id('req_'), ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
      res.end(JSON.stringify(json));
    };
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!auth || !this.keys.has(auth)) {
      send(401, { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${auth ?? '(none)'}` } });
      return;
    }
    const storeKey = idemKey && method === 'POST' ? `${auth}\n${idemKey}` : null;
    if (storeKey) {
      const prior = this.idempotency.get(storeKey);
      if (prior) {
        if (prior.path !== url.pathname || prior.body !== body) {
          send(400, { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.` } });
        } else {
          send(prior.status, prior.response, true);
        }
        return;
      }
    }
    let status = 200;
    let response: Obj;
    try {
      response = this.route(method, url.pathname, params, idemKey);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        send(500, { error: { type: 'api_error', message: String(err) } });
        return;
      }
      status = err.status;
      response = { error: err.body };
    }
    if (storeKey) this.idempotency.set(storeKey, { method, path: url.pathname, body, status, response });
    send(status, response);
  }

  private route(method: string, path: string, p: Obj, idemKey: string | null): Obj {
    const parts = path.split('/').filter(Boolean); // ['v1', resource, id?, action?]
    const [v, resource, id, action] = parts;
    if (v !== 'v1') throw new ApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` });
    const expand = (o: Obj) => this.expand(o, p.expand);
    if (resource === 'checkout' && id === 'sessions') {
      const csId = action;
      const sub = parts[4];
      if (method === 'POST' && !csId) return this.createCheckout(p, idemKey);
      if (method === 'GET' && csId && !sub) return this.checkout(csId);
      if (method === 'POST' && csId && sub === 'expire') return this.expireCheckout(csId);
    }
    if (resource === 'payment_intents') {
      if (method === 'POST' && !id) return this.createIntent(p);
      if (method === 'GET' && id && !action) return expand(this.intent(id));
      if (method === 'POST' && id && action === 'confirm') return expand(this.confirm(this.intent(id), p, idemKey));
      if (method === 'POST' && id && action === 'capture') return expand(this.capture(this.intent(id), p, idemKey));
      if (method === 'POST' && id && action === 'cancel') return expand(this.cancelIntent(this.intent(id), p));
    }
    if (resource === 'refunds') {
      if (method === 'POST' && !id) return this.createRefund(p, idemKey);
      if (method === 'GET' && !id) return this.listRefunds(p);
      if (method === 'GET' && id) return this.refunds.get(id) ?? (() => { throw missing('refund', id); })();
    }
    if (resource === 'charges' && method === 'GET' && id) return this.charges.get(id) ?? (() => { throw missing('charge', id); })();
    if (resource === 'balance' && method === 'GET') {
      return { object: 'balance', available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }], pending: [], livemode: false };
    }
    throw new ApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` });
  }

  // ---------------------------------------------------------------- Checkout Sessions

  private createCheckout(p: Obj, idemKey: string | null): Obj {
    if (p.mode !== 'payment') throw invalid('mode must be payment', 'parameter_invalid', 'mode');
    if (!p.success_url) throw invalid('Missing required param: success_url.', 'parameter_missing', 'success_url');
    const items = asArray(p.line_items);
    if (items.length === 0) throw invalid('line_items must not be empty', 'parameter_missing', 'line_items');
    let total = 0;
    let currency = '';
    items.forEach((li, i) => {
      const pd = li.price_data ?? {};
      const unit = integer(pd.unit_amount, `line_items[${i}][price_data][unit_amount]`);
      const qty = integer(li.quantity, `line_items[${i}][quantity]`);
      if (!pd.currency || (currency && pd.currency !== currency)) throw invalid('All line items must use one currency', 'parameter_invalid', `line_items[${i}][price_data][currency]`);
      if (!pd.product_data?.name) throw invalid('Missing product name', 'parameter_missing', `line_items[${i}][price_data][product_data][name]`);
      currency = pd.currency;
      checkUnit(unit, currency, `line_items[${i}][price_data][unit_amount]`);
      total += unit * qty;
    });
    const expiresAt = p.expires_at === undefined ? now() + 86400 : integer(p.expires_at, 'expires_at');
    if (expiresAt < now() + 1800 || expiresAt > now() + 86400) {
      throw invalid('The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', 'parameter_invalid', 'expires_at');
    }
    const id = this.id('cs_test_');
    const tax = p.automatic_tax?.enabled === 'true' ? Math.floor((total * this.automaticTaxBasisPoints) / 10_000) : 0;
    const cs: Obj = {
      id, object: 'checkout.session', amount_subtotal: total, amount_total: total + tax, total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: tax },
      automatic_tax: { enabled: p.automatic_tax?.enabled === 'true', liability: null, status: p.automatic_tax?.enabled === 'true' ? 'complete' : null },
      cancel_url: p.cancel_url ?? null, client_reference_id: p.client_reference_id ?? null, created: now(), currency,
      customer_email: p.customer_email ?? null, expires_at: expiresAt, livemode: false, metadata: p.metadata ?? {}, mode: 'payment',
      payment_intent: null, payment_method_types: asArray(p.allowed_payment_method_types).length ? asArray(p.allowed_payment_method_types) : ['card'],
      payment_status: 'unpaid', status: 'open', success_url: p.success_url, url: `${this.url}/c/pay/${id}`,
    };
    const pid = p.payment_intent_data ?? {};
    this.piData.set(id, { capture_method: pid.capture_method ?? 'automatic', metadata: pid.metadata ?? {} });
    this.checkoutSessions.set(id, cs);
    void idemKey;
    return cs;
  }

  private checkout(id: string): Obj {
    const cs = this.checkoutSessions.get(id);
    if (!cs) throw missing('checkout.session', id);
    return cs;
  }

  /** Expires an open Checkout Session (as `POST …/expire`, or Stripe at `expires_at`). */
  expireCheckout(id: string): Obj {
    const cs = this.checkout(id);
    if (cs.status !== 'open') throw invalid(`This Checkout Session is ${cs.status} and can no longer be expired.`, 'checkout_session_unexpected_state');
    cs.status = 'expired';
    this.emit('checkout.session.expired', cs);
    return cs;
  }

  // ---------------------------------------------------------------- PaymentIntents

  private createIntent(p: Obj): Obj {
    const amount = integer(p.amount, 'amount');
    if (!p.currency) throw invalid('Missing required param: currency.', 'parameter_missing', 'currency');
    checkUnit(amount, p.currency, 'amount');
    return this.newIntent(p);
  }

  private newIntent(p: Obj): Obj {
    const id = this.id('pi_');
    const pi: Obj = {
      id, object: 'payment_intent', amount: Number(p.amount), amount_capturable: 0, amount_received: 0,
      automatic_payment_methods: p.automatic_payment_methods ? { enabled: p.automatic_payment_methods.enabled === 'true' } : null,
      cancellation_reason: null, canceled_at: null, capture_method: p.capture_method ?? 'automatic', client_secret: `${id}_secret_${this.id('')}`,
      confirmation_method: 'automatic', created: now(), currency: p.currency, description: p.description ?? null, last_payment_error: null,
      latest_charge: null, livemode: false, metadata: p.metadata ?? {}, next_action: null, payment_method: null,
      payment_method_types: asArray(p.allowed_payment_method_types).length ? asArray(p.allowed_payment_method_types) : ['card'],
      receipt_email: p.receipt_email ?? null, status: 'requires_payment_method',
    };
    this.paymentIntents.set(id, pi);
    return pi;
  }

  private intent(id: string): Obj {
    const pi = this.paymentIntents.get(id);
    if (!pi) throw missing('payment_intent', id);
    return pi;
  }

  private confirm(pi: Obj, p: Obj, idemKey: string | null): Obj {
    if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation') {
      throw invalid(`This PaymentIntent's status is ${pi.status}, which does not allow confirmation.`, 'payment_intent_unexpected_state');
    }
    const pm = p.payment_method ?? pi.payment_method;
    const card = CARDS[pm];
    if (!card) throw missing('PaymentMethod', String(pm), 'payment_method');
    pi.payment_method = pm;
    pi.last_payment_error = null;
    switch (card.outcome) {
      case 'succeeds':
        return this.succeed(pi, pm, idemKey);
      case 'requires_action':
        pi.status = 'requires_action';
        pi.next_action = { type: 'redirect_to_url', redirect_to_url: { url: `${this.url}/3ds/${pi.id}`, return_url: p.return_url ?? null } };
        this.emit('payment_intent.requires_action', pi);
        return pi;
      case 'card_declined':
      case 'insufficient_funds': {
        const error = {
          type: 'card_error', code: 'card_declined', decline_code: card.outcome === 'card_declined' ? 'generic_decline' : 'insufficient_funds',
          message: card.outcome === 'card_declined' ? 'Your card was declined.' : 'Your card has insufficient funds.', param: '',
        };
        pi.status = 'requires_payment_method';
        pi.last_payment_error = error;
        this.emit('payment_intent.payment_failed', pi);
        throw new ApiError(402, { ...error, payment_intent: { ...pi } });
      }
    }
  }

  /** Authorizes (and, with automatic capture, captures) an intent with a good card. */
  private succeed(pi: Obj, pm: string, idemKey: string | null): Obj {
    const card = CARDS[pm] ?? CARDS.pm_card_visa!;
    const manual = pi.capture_method === 'manual';
    const charge: Obj = {
      id: this.id('ch_'), object: 'charge', amount: pi.amount, amount_captured: manual ? 0 : pi.amount, amount_refunded: 0, captured: !manual,
      created: now(), currency: pi.currency, disputed: false, livemode: false, metadata: { ...pi.metadata }, paid: true, payment_intent: pi.id,
      payment_method: pm, payment_method_details: { type: 'card', card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: 2034, network_transaction_id: this.networkTransactionId } },
      refunded: false, status: 'succeeded',
    };
    this.charges.set(charge.id, charge);
    pi.payment_method = pm;
    pi.latest_charge = charge.id;
    pi.status = manual ? 'requires_capture' : 'succeeded';
    pi.amount_capturable = manual ? pi.amount : 0;
    pi.amount_received = manual ? 0 : pi.amount;
    this.emit('charge.succeeded', charge, undefined, idemKey);
    this.emit(manual ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded', pi, undefined, idemKey);
    return pi;
  }

  private capture(pi: Obj, p: Obj, idemKey: string | null): Obj {
    if (pi.status !== 'requires_capture') throw invalid(`This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`, 'payment_intent_unexpected_state');
    const amount = p.amount_to_capture === undefined ? pi.amount_capturable : integer(p.amount_to_capture, 'amount_to_capture');
    if (amount <= 0 || amount > pi.amount_capturable) throw invalid(`The amount to capture (${amount}) is greater than the amount capturable (${pi.amount_capturable}).`, 'amount_too_large', 'amount_to_capture');
    checkUnit(amount, pi.currency, 'amount_to_capture');
    const charge = this.charges.get(pi.latest_charge)!;
    charge.amount_captured = amount;
    charge.captured = true;
    pi.amount_received = amount;
    pi.amount_capturable = 0;
    pi.status = 'succeeded';
    this.emit('charge.captured', charge, { captured: false, amount_captured: 0 }, idemKey);
    this.emit('payment_intent.succeeded', pi, undefined, idemKey);
    return pi;
  }

  private cancelIntent(pi: Obj, p: Obj): Obj {
    if (!['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action'].includes(pi.status)) {
      throw invalid(`You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`, 'payment_intent_unexpected_state');
    }
    pi.status = 'canceled';
    pi.cancellation_reason = p.cancellation_reason ?? null;
    pi.canceled_at = now();
    pi.amount_capturable = 0;
    this.emit('payment_intent.canceled', pi);
    return pi;
  }

  // ---------------------------------------------------------------- Refunds

  private createRefund(p: Obj, idemKey: string | null): Obj {
    const pi = p.payment_intent ? this.intent(p.payment_intent) : null;
    const charge = this.charges.get(p.charge ?? pi?.latest_charge);
    if (!charge || !charge.captured) throw invalid('This charge has not been captured and cannot be refunded.', 'charge_not_refundable');
    const left = charge.amount_captured - charge.amount_refunded;
    const amount = p.amount === undefined ? left : integer(p.amount, 'amount');
    if (left <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
    if (amount <= 0 || amount > left) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, 'amount_too_large', 'amount');
    checkUnit(amount, charge.currency, 'amount');
    const refund: Obj = {
      id: this.id('re_'), object: 'refund', amount, charge: charge.id, created: now(), currency: charge.currency, metadata: p.metadata ?? {},
      payment_intent: charge.payment_intent, reason: p.reason ?? null, status: this.refundStatus,
    };
    this.refunds.set(refund.id, refund);
    this.emit('refund.created', refund, undefined, idemKey);
    if (refund.status === 'succeeded') this.applyRefund(refund, idemKey);
    return refund;
  }

  /** A pending refund settles (as Stripe's refund.updated reports). */
  settleRefund(refundId: string, status: 'succeeded' | 'failed'): Obj {
    const refund = this.refunds.get(refundId)!;
    refund.status = status;
    this.emit('refund.updated', refund, { status: 'pending' });
    if (status === 'succeeded') this.applyRefund(refund, null);
    return refund;
  }

  private applyRefund(refund: Obj, idemKey: string | null): void {
    const charge = this.charges.get(refund.charge)!;
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += refund.amount;
    charge.refunded = charge.amount_refunded >= charge.amount_captured;
    this.emit('charge.refunded', charge, previous, idemKey);
  }

  private listRefunds(p: Obj): Obj {
    const limit = p.limit === undefined ? 10 : integer(p.limit, 'limit');
    const data = [...this.refunds.values()]
      .filter((r) => (!p.payment_intent || r.payment_intent === p.payment_intent) && (!p.charge || r.charge === p.charge))
      .reverse()
      .slice(0, limit);
    return { object: 'list', data, has_more: false, url: '/v1/refunds' };
  }

  // ---------------------------------------------------------------- internals

  private expand(o: Obj, expand: unknown): Obj {
    const fields = asArray(expand);
    if (!fields.includes('latest_charge') || typeof o.latest_charge !== 'string') return o;
    return { ...o, latest_charge: this.charges.get(o.latest_charge) ?? o.latest_charge };
  }

  private emit(type: string, object: Obj, previous?: Obj, idemKey: string | null = null): StripeEventJson {
    const event: StripeEventJson = {
      id: this.id('evt_'), object: 'event', api_version: API_VERSION, created: now(), livemode: false, pending_webhooks: 1,
      request: { id: this.id('req_'), idempotency_key: idemKey }, type, data: { object: structuredClone(object) },
    };
    if (previous) event.data.previous_attributes = previous;
    this.events.push(event);
    return event;
  }

  private id(prefix: string): string {
    return `${prefix}${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
  }
}

export async function startStripeFake(keys: string[]): Promise<StripeFake> {
  return new StripeFake(keys).start();
}

/** `a[b][0][c]=v` → `{a: {b: [{c: 'v'}]}}` (Stripe's bracket encoding; `expand[]` too). */
export function parseForm(body: string): Obj {
  const root: Obj = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const base = key.split('[')[0]!;
    const path = [base, ...[...key.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
    let node: any = root;
    path.forEach((seg, i) => {
      const last = i === path.length - 1;
      const next = path[i + 1];
      const k = seg === '' && Array.isArray(node) ? node.length : seg;
      if (last) node[k] = value;
      else {
        node[k] ??= next === '' || /^[0-9]+$/.test(next!) ? [] : {};
        node = node[k];
      }
    });
  }
  return root;
}

function asArray(v: unknown): any[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (typeof v === 'object') return Object.values(v as Obj);
  return [v];
}

function integer(v: unknown, param: string): number {
  if (typeof v !== 'string' || !/^-?[0-9]+$/.test(v)) throw invalid(`Invalid integer: ${String(v)}`, 'parameter_invalid_integer', param);
  return Number(v);
}

/** Stripe's special cases: 3-decimal currencies need a last digit 0; ISK whole krónur (×100). */
function checkUnit(amount: number, currency: string, param: string): void {
  if (THREE_DECIMAL.has(currency) && amount % 10 !== 0) {
    throw invalid(`Invalid amount. Currency ${currency.toUpperCase()} requires the last digit of an amount to be 0.`, 'invalid_charge_amount', param);
  }
  if (currency === 'isk' && amount % 100 !== 0) {
    throw invalid('Invalid amount. Currency ISK has become effectively zero-decimal and charged amounts must be evenly divisible by 100.', 'invalid_charge_amount_no_decimal_compatible', param);
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
