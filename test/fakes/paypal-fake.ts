/**
 * A small, stateful fake of PayPal's REST API for tests: OAuth client credentials, Orders v2
 * (create, get, capture, authorize), Payments v2 (authorization capture / void / get, capture
 * refund / get, refund get) and Notifications (verify-webhook-signature). It speaks PayPal's
 * wire format (snake_case JSON, decimal-string amounts, PayPal-Request-Id idempotency, PayPal's
 * error bodies and issue names), remembers what it created so that reads answer what writes
 * did, records every request, and builds the webhook events PayPal would send, signed so that
 * only its own verify-webhook-signature endpoint says SUCCESS.
 *
 * The buyer's side (approving at PayPal) is `approve(orderId)`. Nothing is delivered on its
 * own: tests deliver events with `deliver()` and so control timing and repetition.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Decimals PayPal takes per currency (kept apart from the adapter's table on purpose). */
const DECIMALS: Record<string, number> = {
  AUD: 2, BRL: 2, CAD: 2, CHF: 2, CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 0, ILS: 2, INR: 2,
  JPY: 0, MXN: 2, MYR: 2, NOK: 2, NZD: 2, PHP: 2, PLN: 2, RUB: 2, SEK: 2, SGD: 2, THB: 2, TWD: 0, USD: 2,
};

type Json = Record<string, unknown>;
interface Amount { currency_code: string; value: string }

export interface RecordedRequest {
  method: string;
  path: string;
  /** PayPal-Request-Id, Prefer, Content-Type and whether an Authorization header came (never its value). */
  headers: { requestId: string | null; prefer: string | null; contentType: string | null; auth: 'basic' | 'bearer' | null };
  /** The body exactly as received. */
  raw: string;
  /** Parsed JSON body (or form fields for the token call). */
  body: Json | null;
  clientId: string | null;
  status: number;
}

export interface FakeEvent {
  id: string;
  event_version: string;
  create_time: string;
  resource_type: string;
  resource_version: string;
  event_type: string;
  summary: string;
  resource: Json;
  links: Json[];
}

export interface FakeCredentials { clientId: string; clientSecret: string; webhookId: string }

interface Move { id: string; status: string; amount: Amount; create_time: string; update_time: string; [k: string]: unknown }

interface FakeOrder {
  id: string;
  clientId: string;
  intent: 'CAPTURE' | 'AUTHORIZE';
  status: string;
  unit: Json;
  experience: Json;
  payer: Json | null;
  paymentSource: Json | null;
  createTime: string;
  updateTime: string;
  authorization: Move | null;
  captures: Move[];
  refunds: Move[];
}

type Fault = { method: string; path: RegExp; mode: 'apply-then-500' | 'apply-then-reset' | '500' };
type Scenario = 'COMPLETED' | 'PENDING' | 'DECLINED' | 'INSTRUMENT_DECLINED';

export interface PaypalFake {
  /** Base URL to put in a PayPal account's `settings.apiBase`. */
  url: string;
  requests: RecordedRequest[];
  events: FakeEvent[];
  orders: Map<string, FakeOrder>;
  /** Every access token issued (for asserting that none leaks). */
  issuedTokens(): string[];
  /** Registers an app (client id and secret) with one webhook subscription (URL and event types). */
  addClient(webhook?: { url?: string; eventTypes?: string[] }): FakeCredentials;
  /** The buyer approves the order at PayPal (CHECKOUT.ORDER.APPROVED). */
  approve(orderId: string, how?: { card?: { brand: string; last4: string } }): void;
  /** How the next order capture ends (default COMPLETED). */
  nextOrderCapture(outcome: Scenario): void;
  /** PayPal finishes a PENDING capture (PAYMENT.CAPTURE.COMPLETED). */
  completePendingCapture(captureId: string): void;
  /** The next request matching method and path is faulty (once). */
  failNext(method: string, path: RegExp, mode: Fault['mode']): void;
  /** Body and PayPal transmission headers for an event, signed for a webhook id. */
  signed(event: FakeEvent, webhookId: string): { body: string; headers: Record<string, string> };
  /** POSTs an event to a URL the way PayPal does. */
  deliver(event: FakeEvent, url: string, webhookId: string): Promise<{ status: number; body: unknown }>;
  /** Events of one order (by order id anywhere in the resource), oldest first. */
  eventsOf(orderId: string, type?: string): FakeEvent[];
  close(): Promise<void>;
}

export async function startPaypalFake(): Promise<PaypalFake> {
  const signingSecret = randomBytes(32);
  const clients = new Map<string, { secret: string; webhookIds: Set<string> }>();
  const webhooks = new Map<string, { url: string; eventTypes: string[] }>();
  const tokens = new Map<string, string>();
  const merchantIds = new Map<string, string>();
  const orders = new Map<string, FakeOrder>();
  const captureOrder = new Map<string, string>();
  const authorizationOrder = new Map<string, string>();
  const refundOrder = new Map<string, string>();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const requests: RecordedRequest[] = [];
  const events: FakeEvent[] = [];
  const faults: Fault[] = [];
  let captureScenario: Scenario = 'COMPLETED';
  let base = '';

  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const href = (path: string, rel: string, method = 'GET') => ({ href: `https://api.sandbox.paypal.com${path}`, rel, method });

  function emit(type: string, resourceType: string, resource: Json, summary: string): void {
    events.push({
      id: `WH-${ppId()}-${ppId()}`, event_version: '1.0', create_time: now(), resource_type: resourceType, resource_version: '2.0',
      event_type: type, summary, resource: structuredClone(resource), links: [href('/v1/notifications/webhooks-events/x', 'self')],
    });
  }

  function orderJson(o: FakeOrder): Json {
    const payments: Json = {};
    if (o.authorization) payments.authorizations = [authorizationJson(o, o.authorization)];
    if (o.captures.length) payments.captures = o.captures.map((c) => captureJson(o, c));
    if (o.refunds.length) payments.refunds = o.refunds.map(({ capture_id: _c, ...wire }) => wire);
    const approve = `https://www.sandbox.paypal.com/checkoutnow?token=${o.id}`;
    return {
      id: o.id, intent: o.intent, status: o.status,
      ...(o.paymentSource ? { payment_source: o.paymentSource } : {}),
      purchase_units: [{ reference_id: 'default', ...o.unit, payee: { merchant_id: merchantIds.get(o.clientId) ?? 'UNKNOWN' }, ...(Object.keys(payments).length ? { payments } : {}) }],
      ...(o.payer ? { payer: o.payer } : {}),
      create_time: o.createTime, update_time: o.updateTime,
      links: [
        href(`/v2/checkout/orders/${o.id}`, 'self'),
        ...(o.status === 'PAYER_ACTION_REQUIRED' ? [{ href: approve, rel: 'payer-action', method: 'GET' }] : []),
        ...(o.status === 'CREATED' ? [{ href: approve, rel: 'approve', method: 'GET' }] : []),
        ...(o.status === 'APPROVED' ? [href(`/v2/checkout/orders/${o.id}/${o.intent === 'CAPTURE' ? 'capture' : 'authorize'}`, o.intent.toLowerCase(), 'POST')] : []),
      ],
    };
  }

  function captureJson(o: FakeOrder, c: Move): Json {
    const { authorization_id: _a, ...wire } = c;
    return {
      ...wire, custom_id: o.unit.custom_id,
      supplementary_data: { related_ids: { order_id: o.id, ...(c.authorization_id ? { authorization_id: c.authorization_id } : {}) } },
      links: [href(`/v2/payments/captures/${c.id}`, 'self'), href(`/v2/payments/captures/${c.id}/refund`, 'refund', 'POST'),
        c.authorization_id ? href(`/v2/payments/authorizations/${String(c.authorization_id)}`, 'up') : href(`/v2/checkout/orders/${o.id}`, 'up')],
    };
  }

  function authorizationJson(o: FakeOrder, a: Move): Json {
    return {
      ...a, custom_id: o.unit.custom_id, supplementary_data: { related_ids: { order_id: o.id } },
      links: [href(`/v2/payments/authorizations/${a.id}`, 'self'), href(`/v2/payments/authorizations/${a.id}/capture`, 'capture', 'POST'),
        href(`/v2/payments/authorizations/${a.id}/void`, 'void', 'POST'), href(`/v2/checkout/orders/${o.id}`, 'up')],
    };
  }

  /** PayPal's error body. */
  function fail(status: number, name: string, issue: string | null, description: string): { status: number; body: unknown } {
    return { status, body: { name, message: description, debug_id: ppId().toLowerCase(), details: issue ? [{ issue, description }] : [] } };
  }
  const notFound = () => fail(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist. Please check the resource ID and try again.');
  const unprocessable = (issue: string, description: string) => fail(422, 'UNPROCESSABLE_ENTITY', issue, description);

  function checkAmount(a: unknown): Amount | { status: number; body: unknown } {
    const amount = a as Partial<Amount> | undefined;
    if (!amount || typeof amount.currency_code !== 'string' || typeof amount.value !== 'string') {
      return fail(400, 'INVALID_REQUEST', 'MISSING_REQUIRED_PARAMETER', 'amount.currency_code and amount.value are required');
    }
    const decimals = DECIMALS[amount.currency_code];
    if (decimals === undefined) return unprocessable('CURRENCY_NOT_SUPPORTED', `Currency code ${amount.currency_code} is not currently supported.`);
    const pattern = decimals === 0 ? /^\d{1,10}$/ : new RegExp(`^\\d{1,10}(\\.\\d{1,${decimals}})?$`);
    if (!pattern.test(amount.value)) {
      return fail(400, 'INVALID_REQUEST', 'DECIMAL_PRECISION', `If the currency supports decimals, only two decimal place precision is supported (${amount.currency_code} takes ${decimals}).`);
    }
    return { currency_code: amount.currency_code, value: amount.value };
  }
  const units = (a: Amount) => {
    const d = DECIMALS[a.currency_code] ?? 2;
    const [i, f = ''] = a.value.split('.');
    return BigInt(i!) * 10n ** BigInt(d) + BigInt(f.padEnd(d, '0') || '0');
  };
  const amountOf = (n: bigint, currency: string): Amount => {
    const d = DECIMALS[currency] ?? 2;
    const s = n.toString().padStart(d + 1, '0');
    return { currency_code: currency, value: d === 0 ? s : `${s.slice(0, -d)}.${s.slice(-d)}` };
  };

  /** The purchase unit's amount without its breakdown (what captures and authorizations carry). */
  function unitAmount(o: FakeOrder): Amount {
    const a = o.unit.amount as Amount;
    return { currency_code: a.currency_code, value: a.value };
  }

  function createOrder(clientId: string, body: Json): { status: number; body: unknown } {
    const intent = body.intent;
    if (intent !== 'CAPTURE' && intent !== 'AUTHORIZE') return fail(400, 'INVALID_REQUEST', 'INVALID_PARAMETER_VALUE', 'intent must be CAPTURE or AUTHORIZE');
    const unitsIn = body.purchase_units as Json[] | undefined;
    if (!Array.isArray(unitsIn) || unitsIn.length !== 1) return fail(400, 'INVALID_REQUEST', 'MISSING_REQUIRED_PARAMETER', 'purchase_units: exactly one is supported by this fake');
    const unit = unitsIn[0]!;
    const amount = checkAmount(unit.amount);
    if ('status' in amount) return amount;
    const items = unit.items as { quantity: string; unit_amount: Amount }[] | undefined;
    if (items) {
      const itemTotal = (unit.amount as { breakdown?: { item_total?: Amount } }).breakdown?.item_total;
      if (!itemTotal) return unprocessable('ITEM_TOTAL_REQUIRED', 'If item details are specified, amount.breakdown.item_total is required.');
      let sum = 0n;
      for (const it of items) {
        const u = checkAmount(it.unit_amount);
        if ('status' in u) return u;
        sum += units(u) * BigInt(it.quantity);
      }
      if (sum !== units(itemTotal) || units(itemTotal) !== units(amount)) return unprocessable('ITEM_TOTAL_MISMATCH', 'Should equal sum of (unit_amount * quantity) across all items for a given purchase_unit');
    }
    const experience = ((body.payment_source as Json | undefined)?.paypal as Json | undefined)?.experience_context as Json | undefined;
    const o: FakeOrder = {
      id: ppId(), clientId, intent, status: experience ? 'PAYER_ACTION_REQUIRED' : 'CREATED', unit: structuredClone(unit),
      experience: experience ?? {}, payer: null, paymentSource: null, createTime: now(), updateTime: now(), authorization: null, captures: [], refunds: [],
    };
    orders.set(o.id, o);
    return { status: 200, body: orderJson(o) };
  }

  function orderFor(clientId: string, id: string): FakeOrder | null {
    const o = orders.get(id);
    return o && o.clientId === clientId ? o : null;
  }

  function captureTheOrder(o: FakeOrder): { status: number; body: unknown } {
    if (o.intent !== 'CAPTURE') return unprocessable('ACTION_DOES_NOT_MATCH_INTENT', 'Order was created with an intent to \'AUTHORIZE\'. Please use /authorize');
    if (o.status === 'COMPLETED') return unprocessable('ORDER_ALREADY_CAPTURED', 'Order already captured.If \'intent=CAPTURE\' only one capture per order is allowed.');
    if (o.status !== 'APPROVED') return unprocessable('ORDER_NOT_APPROVED', 'Payer has not yet approved the Order for payment.');
    const scenario = captureScenario;
    captureScenario = 'COMPLETED';
    if (scenario === 'INSTRUMENT_DECLINED') {
      o.status = 'PAYER_ACTION_REQUIRED';
      return unprocessable('INSTRUMENT_DECLINED', 'The instrument presented was either declined by the processor or bank, or it can\'t be used for this payment.');
    }
    const c: Move = { id: ppId(), status: scenario === 'DECLINED' ? 'DECLINED' : scenario, amount: unitAmount(o), final_capture: true, seller_protection: { status: 'ELIGIBLE' }, create_time: now(), update_time: now() };
    if (scenario === 'PENDING') c.status_details = { reason: 'PENDING_REVIEW' };
    o.captures.push(c);
    captureOrder.set(c.id, o.id);
    o.status = 'COMPLETED';
    o.updateTime = now();
    const type = scenario === 'COMPLETED' ? 'PAYMENT.CAPTURE.COMPLETED' : scenario === 'PENDING' ? 'PAYMENT.CAPTURE.PENDING' : 'PAYMENT.CAPTURE.DENIED';
    emit(type, 'capture', captureJson(o, c), `Payment ${c.status.toLowerCase()} for ${c.amount.value} ${c.amount.currency_code}`);
    return { status: 201, body: orderJson(o) };
  }

  function authorizeTheOrder(o: FakeOrder): { status: number; body: unknown } {
    if (o.intent !== 'AUTHORIZE') return unprocessable('ACTION_DOES_NOT_MATCH_INTENT', 'Order was created with an intent to \'CAPTURE\'. Please use /capture');
    if (o.status === 'COMPLETED') return unprocessable('ORDER_ALREADY_AUTHORIZED', 'Order already authorized.If \'intent=AUTHORIZE\' only one authorization per order is allowed.');
    if (o.status !== 'APPROVED') return unprocessable('ORDER_NOT_APPROVED', 'Payer has not yet approved the Order for payment.');
    const a: Move = {
      id: ppId(), status: 'CREATED', amount: unitAmount(o), seller_protection: { status: 'ELIGIBLE' },
      expiration_time: new Date(Date.now() + 29 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), create_time: now(), update_time: now(),
    };
    o.authorization = a;
    authorizationOrder.set(a.id, o.id);
    o.status = 'COMPLETED';
    o.updateTime = now();
    emit('PAYMENT.AUTHORIZATION.CREATED', 'authorization', authorizationJson(o, a), `Payment authorization is created for ${a.amount.value} ${a.amount.currency_code}`);
    return { status: 201, body: orderJson(o) };
  }

  function captureAuthorization(o: FakeOrder, body: Json): { status: number; body: unknown } {
    const a = o.authorization!;
    if (a.status === 'VOIDED') return unprocessable('AUTHORIZATION_VOIDED', 'A voided authorization cannot be captured or reauthorized.');
    if (a.status === 'CAPTURED') return unprocessable('AUTHORIZATION_ALREADY_CAPTURED', 'Authorization has been previously captured and hence cannot be captured again.');
    const done = o.captures.filter((c) => c.status === 'COMPLETED' || c.status.endsWith('REFUNDED')).reduce((s, c) => s + units(c.amount), 0n);
    const remaining = units(a.amount) - done;
    let amount = amountOf(remaining, a.amount.currency_code);
    if (body.amount !== undefined) {
      const checked = checkAmount(body.amount);
      if ('status' in checked) return checked;
      if (checked.currency_code !== a.amount.currency_code) return unprocessable('CURRENCY_MISMATCH', 'Currency of capture must be the same as currency of authorization.');
      if (units(checked) > remaining) return unprocessable('MAX_CAPTURE_AMOUNT_EXCEEDED', 'Capture amount exceeds allowable limit.');
      amount = checked;
    }
    const c: Move = { id: ppId(), status: 'COMPLETED', amount, final_capture: body.final_capture === true, authorization_id: a.id, seller_protection: { status: 'ELIGIBLE' }, create_time: now(), update_time: now() };
    o.captures.push(c);
    captureOrder.set(c.id, o.id);
    a.status = body.final_capture === true || units(amount) === remaining ? 'CAPTURED' : 'PARTIALLY_CAPTURED';
    a.update_time = now();
    emit('PAYMENT.CAPTURE.COMPLETED', 'capture', captureJson(o, c), `Payment completed for ${amount.value} ${amount.currency_code}`);
    return { status: 201, body: captureJson(o, c) };
  }

  function refundCapture(o: FakeOrder, c: Move, body: Json): { status: number; body: unknown } {
    if (c.status !== 'COMPLETED' && c.status !== 'PARTIALLY_REFUNDED') return unprocessable('CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded');
    const refunded = o.refunds.filter((r) => r.capture_id === c.id && r.status === 'COMPLETED').reduce((s, r) => s + units(r.amount), 0n);
    const remaining = units(c.amount) - refunded;
    let amount = amountOf(remaining, c.amount.currency_code);
    if (body.amount !== undefined) {
      const checked = checkAmount(body.amount);
      if ('status' in checked) return checked;
      if (checked.currency_code !== c.amount.currency_code) return unprocessable('REFUND_CURRENCY_MISMATCH', 'Refund must be in the same currency as the capture.');
      if (units(checked) > remaining) return unprocessable('REFUND_AMOUNT_EXCEEDED', 'The refund amount must be less than or equal to the capture amount that has not yet been refunded.');
      amount = checked;
    }
    const r: Move = {
      id: ppId(), status: 'COMPLETED', amount, capture_id: c.id, create_time: now(), update_time: now(),
      ...(typeof body.custom_id === 'string' ? { custom_id: body.custom_id } : {}),
      ...(typeof body.note_to_payer === 'string' ? { note_to_payer: body.note_to_payer } : {}),
      links: [href(`/v2/payments/refunds/${'x'}`, 'self'), href(`/v2/payments/captures/${c.id}`, 'up')],
    };
    (r.links as Json[])[0] = href(`/v2/payments/refunds/${r.id}`, 'self');
    o.refunds.push(r);
    refundOrder.set(r.id, o.id);
    c.status = units(amount) === remaining ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    c.update_time = now();
    const { capture_id: _ignored, ...wire } = r;
    emit('PAYMENT.CAPTURE.REFUNDED', 'refund', wire, `A ${amount.value} ${amount.currency_code} capture payment was refunded`);
    return { status: 201, body: wire };
  }

  function voidAuthorization(o: FakeOrder, prefer: string | null): { status: number; body: unknown } {
    const a = o.authorization!;
    if (a.status === 'VOIDED') return unprocessable('PREVIOUSLY_VOIDED', 'Authorization has been previously voided and hence cannot be voided again.');
    if (a.status === 'CAPTURED') return unprocessable('PREVIOUSLY_CAPTURED', 'Authorization has been previously captured and hence cannot be voided.');
    a.status = 'VOIDED';
    a.update_time = now();
    emit('PAYMENT.AUTHORIZATION.VOIDED', 'authorization', authorizationJson(o, a), 'A payment authorization was voided');
    return prefer === 'return=representation' ? { status: 200, body: authorizationJson(o, a) } : { status: 204, body: null };
  }

  /** Routes one authenticated API call. */
  function route(method: string, path: string, clientId: string, body: Json, req: IncomingMessage): { status: number; body: unknown } {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v2/checkout/orders') return createOrder(clientId, body);
    if ((m = /^\/v2\/checkout\/orders\/([A-Z0-9]+)(\/capture|\/authorize)?$/.exec(path))) {
      const o = orderFor(clientId, m[1]!);
      if (!o) return notFound();
      if (method === 'GET' && !m[2]) return { status: 200, body: orderJson(o) };
      if (method === 'POST' && m[2] === '/capture') return captureTheOrder(o);
      if (method === 'POST' && m[2] === '/authorize') return authorizeTheOrder(o);
    }
    if ((m = /^\/v2\/payments\/authorizations\/([A-Z0-9]+)(\/capture|\/void)?$/.exec(path))) {
      const o = orderFor(clientId, authorizationOrder.get(m[1]!) ?? '');
      if (!o?.authorization) return notFound();
      if (method === 'GET' && !m[2]) return { status: 200, body: authorizationJson(o, o.authorization) };
      if (method === 'POST' && m[2] === '/capture') return captureAuthorization(o, body);
      if (method === 'POST' && m[2] === '/void') return voidAuthorization(o, header(req, 'prefer'));
    }
    if ((m = /^\/v2\/payments\/captures\/([A-Z0-9]+)(\/refund)?$/.exec(path))) {
      const o = orderFor(clientId, captureOrder.get(m[1]!) ?? '');
      const c = o?.captures.find((x) => x.id === m![1]);
      if (!o || !c) return notFound();
      if (method === 'GET' && !m[2]) return { status: 200, body: captureJson(o, c) };
      if (method === 'POST' && m[2] === '/refund') return refundCapture(o, c, body);
    }
    if ((m = /^\/v2\/payments\/refunds\/([A-Z0-9]+)$/.exec(path)) && method === 'GET') {
      const o = orderFor(clientId, refundOrder.get(m[1]!) ?? '');
      const r = o?.refunds.find((x) => x.id === m![1]);
      if (!r) return notFound();
      const { capture_id: _c, ...wire } = r;
      return { status: 200, body: wire };
    }
    if (method === 'POST' && path === '/v1/notifications/verify-webhook-signature') return verify(clientId, body);
    if ((m = /^\/v1\/notifications\/webhooks\/([A-Za-z0-9-]+)$/.exec(path)) && method === 'GET') {
      const w = webhooks.get(m[1]!);
      if (!w || !clients.get(clientId)?.webhookIds.has(m[1]!)) return fail(404, 'INVALID_RESOURCE_ID', 'INVALID_RESOURCE_ID', 'Webhook id does not exist');
      return { status: 200, body: { id: m[1], url: w.url, event_types: w.eventTypes.map((name) => ({ name, description: name, status: 'ENABLED' })), links: [href(`/v1/notifications/webhooks/${m[1]}`, 'self')] } };
    }
    return fail(404, 'NOT_FOUND', null, `The fake does not serve ${method} ${path}`);
  }

  function signature(transmissionId: string, time: string, webhookId: string, body: string): string {
    return createHmac('sha256', signingSecret).update(`${transmissionId}|${time}|${webhookId}|${crc32(body)}`).digest('base64');
  }

  function verify(clientId: string, body: Json): { status: number; body: unknown } {
    for (const f of ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id', 'webhook_event']) {
      if (body[f] === undefined) return fail(400, 'VALIDATION_ERROR', 'MISSING_REQUIRED_PARAMETER', `${f} is required`);
    }
    const webhookId = String(body.webhook_id);
    const owned = clients.get(clientId)?.webhookIds.has(webhookId) ?? false;
    const expected = signature(String(body.transmission_id), String(body.transmission_time), webhookId, JSON.stringify(body.webhook_event));
    const ok = owned && expected === body.transmission_sig;
    return { status: 200, body: { verification_status: ok ? 'SUCCESS' : 'FAILURE' } };
  }

  function token(form: URLSearchParams, authorization: string | null): { status: number; body: unknown; clientId: string | null } {
    const basic = authorization?.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8') : '';
    const [id = '', secret = ''] = basic.split(/:(.*)/s);
    const client = clients.get(id);
    if (!client || client.secret !== secret) return { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' }, clientId: null };
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' }, clientId: id };
    const accessToken = `A21AA${randomBytes(24).toString('base64url')}`;
    tokens.set(accessToken, id);
    return { status: 200, body: { scope: 'https://uri.paypal.com/services/payments/payment', access_token: accessToken, token_type: 'Bearer', app_id: `APP-${ppId()}`, expires_in: 32400, nonce: randomUUID() }, clientId: id };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const authorization = header(req, 'authorization');
    const record: RecordedRequest = {
      method, path, raw, body: null, clientId: null, status: 0,
      headers: {
        requestId: header(req, 'paypal-request-id'), prefer: header(req, 'prefer'), contentType: header(req, 'content-type'),
        auth: authorization?.startsWith('Basic ') ? 'basic' : authorization?.startsWith('Bearer ') ? 'bearer' : null,
      },
    };
    requests.push(record);
    let answer: { status: number; body: unknown };
    const fault = faults.findIndex((f) => f.method === method && f.path.test(path));
    const mode = fault >= 0 ? faults.splice(fault, 1)[0]!.mode : null;
    if (mode === '500') {
      answer = fail(500, 'INTERNAL_SERVER_ERROR', null, 'An internal server error occurred.');
    } else if (method === 'POST' && path === '/v1/oauth2/token') {
      const form = new URLSearchParams(raw);
      record.body = Object.fromEntries(form);
      const t = token(form, authorization);
      record.clientId = t.clientId;
      answer = t;
    } else {
      const clientId = authorization?.startsWith('Bearer ') ? tokens.get(authorization.slice(7)) : undefined;
      if (!clientId) {
        answer = { status: 401, body: { error: 'invalid_token', error_description: 'Token signature verification failed' } };
      } else {
        record.clientId = clientId;
        let body: Json = {};
        if (raw) {
          try {
            body = JSON.parse(raw) as Json;
          } catch {
            body = {};
          }
        }
        record.body = raw ? body : null;
        const requestId = record.headers.requestId;
        const key = requestId && method === 'POST' ? `${clientId}|${requestId}` : null;
        const replay = key ? idempotent.get(key) : undefined;
        answer = replay ?? route(method, path, clientId, body, req);
        if (key && !replay && answer.status < 500) idempotent.set(key, answer);
      }
    }
    record.status = mode === 'apply-then-500' ? 500 : answer.status;
    if (mode === 'apply-then-reset') {
      req.socket.destroy();
      return;
    }
    if (mode === 'apply-then-500') answer = fail(500, 'INTERNAL_SERVER_ERROR', null, 'An internal server error occurred.');
    res.statusCode = answer.status;
    res.setHeader('paypal-debug-id', ppId().toLowerCase());
    if (answer.body === null) {
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer.body));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ name: 'INTERNAL_SERVER_ERROR', message: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const fake: PaypalFake = {
    url: base,
    requests,
    events,
    orders,
    issuedTokens: () => [...tokens.keys()],
    addClient(webhook = {}) {
      const clientId = `A${randomBytes(20).toString('base64url')}`;
      const clientSecret = `E${randomBytes(30).toString('base64url')}`;
      const webhookId = `${randomBytes(4).toString('hex').toUpperCase()}${ppId()}`.slice(0, 17);
      clients.set(clientId, { secret: clientSecret, webhookIds: new Set([webhookId]) });
      merchantIds.set(clientId, ppId().slice(0, 13));
      webhooks.set(webhookId, {
        url: webhook.url ?? 'https://tender.example/api/webhooks/1',
        eventTypes: webhook.eventTypes ?? ['CHECKOUT.ORDER.APPROVED', 'PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.DENIED', 'PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.AUTHORIZATION.CREATED', 'PAYMENT.AUTHORIZATION.VOIDED'],
      });
      return { clientId, clientSecret, webhookId };
    },
    approve(orderId, how = {}) {
      const o = orders.get(orderId);
      if (!o) throw new Error(`fake PayPal: no order ${orderId}`);
      if (o.status !== 'CREATED' && o.status !== 'PAYER_ACTION_REQUIRED') throw new Error(`fake PayPal: order ${orderId} is ${o.status}`);
      o.status = 'APPROVED';
      o.payer = { name: { given_name: 'John', surname: 'Doe' }, email_address: 'buyer@example.com', payer_id: 'QYR5Z8XDVJNXQ', address: { country_code: 'US' } };
      o.paymentSource = how.card
        ? { card: { brand: how.card.brand.toUpperCase(), last_digits: how.card.last4, type: 'CREDIT' } }
        : { paypal: { email_address: 'buyer@example.com', account_id: 'QYR5Z8XDVJNXQ', account_status: 'VERIFIED', name: { given_name: 'John', surname: 'Doe' } } };
      o.updateTime = now();
      emit('CHECKOUT.ORDER.APPROVED', 'checkout-order', orderJson(o), `An order has been approved by buyer`);
    },
    nextOrderCapture(outcome) {
      captureScenario = outcome;
    },
    completePendingCapture(captureId) {
      const o = orders.get(captureOrder.get(captureId) ?? '');
      const c = o?.captures.find((x) => x.id === captureId);
      if (!o || !c || c.status !== 'PENDING') throw new Error(`fake PayPal: capture ${captureId} is not pending`);
      c.status = 'COMPLETED';
      delete c.status_details;
      c.update_time = now();
      emit('PAYMENT.CAPTURE.COMPLETED', 'capture', captureJson(o, c), `Payment completed for ${c.amount.value} ${c.amount.currency_code}`);
    },
    failNext(method, path, mode) {
      faults.push({ method, path, mode });
    },
    signed(event, webhookId) {
      const body = JSON.stringify(event);
      const transmissionId = randomUUID();
      const time = new Date().toISOString();
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'paypal-transmission-id': transmissionId,
          'paypal-transmission-time': time,
          'paypal-transmission-sig': signature(transmissionId, time, webhookId, body),
          'paypal-cert-url': 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270',
          'paypal-auth-algo': 'SHA256withRSA',
          'user-agent': 'PayPal/AUHD-214.0-58021413',
        },
      };
    },
    async deliver(event, url, webhookId) {
      const { body, headers } = fake.signed(event, webhookId);
      const res = await fetch(url, { method: 'POST', headers, body });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    eventsOf(orderId, type) {
      return events.filter((e) => JSON.stringify(e.resource).includes(orderId) && (type === undefined || e.event_type === type));
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return fake;
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] ?? null : null;
}

/** A PayPal-looking id: 17 upper-case letters and digits. */
function ppId(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(17), (b) => alphabet[b % alphabet.length]).join('');
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of the UTF-8 body, decimal (what PayPal puts in the signed string). */
function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
