import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizedPayment, insertOrder, signIn } from '../support/fixtures.js';
import { testGatewayAccount } from '../support/test-gateway.js';
import { startTender, type TestTender } from '../support/tender.js';
import { recordFigures } from './support/figures.js';
import { hasErrorBody, pool, send, type HttpResponse } from './support/http.js';
import { fillPath, loadOperations, sample, type Operation } from './support/openapi.js';
import { Stats } from './support/stats.js';

const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.RELIABILITY_FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 16;

/** Routes outside the OpenAPI document (browser pages, health); their 4xx may be HTML. */
const HIDDEN: Operation[] = [
  { method: 'GET', path: '/health', params: [], query: [], auth: 'public' },
  { method: 'GET', path: '/admin', params: [], query: [], auth: 'public' },
  { method: 'GET', path: '/admin/{rest}', params: ['rest'], query: [], auth: 'public' },
  { method: 'GET', path: '/test-gateway/checkout/{intentId}', params: ['intentId'], query: [], auth: 'public' },
  { method: 'POST', path: '/test-gateway/checkout/{intentId}', params: ['intentId'], query: [], auth: 'public' },
  { method: 'GET', path: '/test-gateway/challenge/{intentId}', params: ['intentId'], query: [], auth: 'public' },
  { method: 'POST', path: '/test-gateway/challenge/{intentId}', params: ['intentId'], query: [], auth: 'public' },
  { method: 'GET', path: '/test-gateway/result/{intentId}', params: ['intentId'], query: [], auth: 'public' },
  { method: 'GET', path: '/nothing/{rest}', params: ['rest'], query: [], auth: 'public' },
];

/**
 * Routes the fuzzer never calls with valid credentials: they would end its own session, or
 * reach a real provider's servers (this machine must not send traffic outside).
 */
const NO_VALID_AUTH = [/\/logout(-all)?$/, /\/test-connection$/];

interface FuzzRequest {
  op: Operation;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
  label: string;
}

describe('fuzz: generated paths, queries, headers and bodies against every route', () => {
  let t: TestTender;
  let ids: Record<string, string[]>;
  let userToken: string;
  let otherToken: string;
  let ops: Operation[];
  beforeAll(async () => {
    t = await startTender();
    await testGatewayAccount(t, 'card', 'automatic');
    const u = await signIn(t, 'fuzz@example.com');
    const other = await signIn(t, 'fuzz-other@example.com');
    userToken = u.token;
    otherToken = other.token;
    const order = await insertOrder(t, u.userId, 1, 1);
    const pay = await authorizedPayment(t, u.userId, u.token, 2, 2);
    ids = {
      id: ['1', '2', String(order), String(pay.paymentId)],
      orderId: [String(order), String(pay.orderId)],
      accountId: ['1', '2'],
      marker: ['orders', 'email', 'order'],
      intentId: ['tgpi_x'],
      rest: ['assets/x.js', 'payments'],
    };
    ops = [...(await loadOperations(t.url)), ...HIDDEN];
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`answers ${RUNS} generated requests with no 5xx and the fixed error body on every 4xx`, async () => {
    const requests = fc.sample(requestArb(ops, ids, { app: t.appToken, user: userToken, other: otherToken, admin: t.adminToken }), { numRuns: RUNS, seed: SEED });
    const stats = new Stats();
    const bad: string[] = [];
    let htmlErrors = 0;
    let health = 0;
    await pool(CONCURRENCY, requests.length, async (i) => {
      const r = requests[i]!;
      let res: HttpResponse;
      try {
        res = stats.add(await send(t.url, r.method, r.path, { headers: r.headers, ...(r.body !== undefined ? { raw: r.body } : {}), timeoutMs: 30_000 }));
      } catch (err) {
        stats.error();
        bad.push(`${r.label}: network error ${(err as Error).message}`);
        return;
      }
      const api = !HIDDEN.includes(r.op);
      if (res.status >= 500) bad.push(`${r.label}: ${res.status} ${res.text.slice(0, 300)}`);
      else if (res.status >= 400 && !hasErrorBody(res)) {
        if (api || /json/.test(String(res.headers['content-type']))) bad.push(`${r.label}: ${res.status} without the error body: ${res.text.slice(0, 300)}`);
        else htmlErrors++;
      }
      if (i % 500 === 0) {
        const h = await send(t.url, 'GET', '/health');
        if (h.status === 200) health++;
        else bad.push(`health check after request ${i}: ${h.status}`);
      }
    });
    const alive = await send(t.url, 'GET', '/health');
    const routes = new Set(requests.map((r) => `${r.op.method} ${r.op.path}`)).size;
    const figures = stats.figures('fuzz', bad.length, {
      seed: SEED, routes, routesInSpec: ops.length - HIDDEN.length, healthChecks: health, htmlPageErrors: htmlErrors, statuses: stats.statuses(),
    });
    recordFigures(figures);
    console.log(`fuzz: ${JSON.stringify(figures)}`);
    expect(bad.slice(0, 25), `seed ${SEED} (RELIABILITY_FUZZ_SEED=${SEED} reproduces the run)`).toEqual([]);
    expect(alive.status).toBe(200);
    expect(stats.requests).toBeGreaterThanOrEqual(RUNS);
    expect(routes).toBe(ops.length);
  });
});

interface Tokens {
  app: string;
  user: string;
  other: string;
  admin: string;
}

function requestArb(ops: Operation[], ids: Record<string, string[]>, tok: Tokens): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    op: fc.constantFrom(...ops),
    authMode: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'none', 'garbage', 'swapped', 'other'),
    methodSwap: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), { freq: 20 }),
    params: fc.array(paramValue(ids), { minLength: 4, maxLength: 4 }),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom('offset', 'limit', 'status', 'orderId', 'sort', 'langCode', 'mappings', 'createdFrom', 'q'), shortString()), queryValue()), { maxLength: 5 }),
    knownQuery: fc.boolean(),
    headers: extraHeaders(),
    body: bodyArb(),
    mutate: fc.tuple(fc.nat(), anyValue()),
  }).map((g) => {
    const op = g.op;
    const values: Record<string, string> = {};
    op.params.forEach((p, i) => (values[p] = g.params[i % g.params.length]!));
    let path = fillPath(op.path, values);
    const pairs = [...g.query];
    if (g.knownQuery) for (const q of op.query) pairs.push([q.name, String(sample(q.schema))]);
    if (pairs.length > 0) path += `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
    const noValid = NO_VALID_AUTH.some((r) => r.test(op.path));
    const mode = noValid && g.authMode === 'valid' ? 'garbage' : g.authMode;
    const headers: Record<string, string | string[]> = { ...authHeaders(op, mode, tok), ...g.headers };
    let body = g.body.text;
    if (g.body.kind === 'schema' && op.body) {
      // A valid-looking body with one field replaced: passes the parser, tests validation and services.
      const value = sample(op.body) as Record<string, unknown> | unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const keys = Object.keys(value);
        if (keys.length > 0) (value as Record<string, unknown>)[keys[g.mutate[0] % keys.length]!] = g.mutate[1];
      }
      body = JSON.stringify(value);
    }
    // Never create a Stripe or PayPal account: sessions on one would call the provider's servers.
    if (body !== undefined) body = body.replace(/"(stripe|paypal)"/gi, '"test"');
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    const method = g.methodSwap ?? op.method;
    return { op, method, path, headers, body, label: `${method} ${path.slice(0, 160)} [${mode}] body=${(body ?? '<none>').slice(0, 120)}` };
  });
}

function authHeaders(op: Operation, mode: string, tok: Tokens): Record<string, string> {
  const admin = op.auth === 'admin' || op.path.startsWith('/api/admin');
  switch (mode) {
    case 'none':
      return {};
    case 'garbage':
      return { 'x-app-token': 'nope', authorization: 'Bearer e30.e30.x' };
    case 'swapped':
      return admin ? { authorization: `Bearer ${tok.app}` } : { 'x-app-token': tok.admin, authorization: `Bearer ${tok.admin}` };
    case 'other':
      return admin ? { 'x-app-token': tok.app, authorization: `Bearer ${tok.user}` } : { 'x-app-token': tok.app, authorization: `Bearer ${tok.other}` };
    default:
      return admin ? { authorization: `Bearer ${tok.admin}` } : { 'x-app-token': tok.app, authorization: `Bearer ${tok.user}` };
  }
}

function shortString(): fc.Arbitrary<string> {
  return fc.string({ unit: 'binary', maxLength: 12 });
}

function anyValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(-1, 0, 1.5, 1e308, -1e308, 2 ** 53 + 1, 99999999999999999999, '', ' ', '0', '-0', 'NaN', 'Infinity', null, true, [], {}),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', minLength: 200, maxLength: 400 }),
  );
}

function paramValue(ids: Record<string, string[]>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...Object.values(ids).flat()) },
    { weight: 2, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1.5', '1e3', '2147483648', '99999999999999999999999', 'null', 'undefined', '..', '%00', '\u0000', 'x'.repeat(300), '4242 4242 4242 4242', '😀', 'a/b') },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  );
}

function queryValue(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', '-1', '0', '1', '101', '1e400', 'abc', 'true', '[]', '{"a":1}', '2024-13-45', 'createdAt', '-createdAt', '4000-0027-6000-3184'),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  );
}

function extraHeaders(): fc.Arbitrary<Record<string, string | string[]>> {
  return fc.record({
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', ''),
    'idempotency-key': fc.oneof(fc.uuid(), fc.constantFrom('', ' ', 'x'.repeat(300), 'ключ', 'a\tb'), fc.constant<string[]>(['dup-a', 'dup-b'])),
    accept: fc.constantFrom('*/*', 'text/html', 'application/xml', ''),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1, 10.0.0.1'),
    'accept-language': fc.constantFrom('en_US', 'xx', '*'),
    'x-device-info': fc.constantFrom('{"os":"x"}', 'garbage', '{"a":' + '['.repeat(50) + '}'),
  }, { requiredKeys: [] }).map((h) => {
    // Node's client refuses control characters in a header value: keep what HTTP can carry.
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(h)) if (v !== undefined && (Array.isArray(v) || !/[\x00-\x08\x0a-\x1f\x7f]/.test(v)) && !(Array.isArray(v) ? v : [v]).some((x) => /[^\x09\x20-\x7e\x80-\xff]/.test(x))) out[k] = v;
    return out;
  });
}

function bodyArb(): fc.Arbitrary<{ kind: string; text?: string }> {
  const deep = fc.integer({ min: 20, max: 2000 }).chain((n) => fc.constantFrom(
    '['.repeat(n) + ']'.repeat(n),
    '{"a":'.repeat(n) + '1' + '}'.repeat(n),
  ));
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'none' }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'empty', text: '' }) },
    { weight: 6, arbitrary: fc.constant({ kind: 'schema' }) },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: 'json', text: JSON.stringify(v) })) },
    { weight: 1, arbitrary: deep.map((text) => ({ kind: 'deep', text })) },
    { weight: 1, arbitrary: fc.constantFrom('{"amount":1e400}', '{"orderId":123456789012345678901234567890}', '{"amount":-0}', '{"amount":"١٢٣"}', '{"orderId":1,"orderId":"x"}', '{"a":1,"a":{"b":2},"a":[3]}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '{"x":"\\ud800"}', '\ufeff{}', '{"a":1,}', 'null', '"str"', '12', 'true', '{"type":"session","orderId":1}'.repeat(2)).map((text) => ({ kind: 'edge', text })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ kind: 'garbage', text })) },
    { weight: 1, arbitrary: fc.integer({ min: 200_000, max: 400_000 }).map((n) => ({ kind: 'oversized', text: JSON.stringify({ pad: 'x'.repeat(n) }) })) },
  );
}
