import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luhnValid } from '../../src/domain/luhn.js';
import { authorizedPayment, insertOrder, signIn } from '../support/fixtures.js';
import { cardToken, testGatewayAccount } from '../support/test-gateway.js';
import { startTender, type TestTender } from '../support/tender.js';
import { recordFigures } from './support/figures.js';
import { hasErrorBody, pool, send } from './support/http.js';
import { fillPath, loadOperations, sample, type Operation } from './support/openapi.js';
import { Stats } from './support/stats.js';

const SEED = Number(process.env.RELIABILITY_FUZZ_SEED ?? Date.now() % 2 ** 31);
const PER_ROUTE = 8;

/** Routes that take a card number by design: the test gateway plays the card network there. */
const CARD_ROUTES = new Set(['POST /test-gateway/v1/tokens']);

/** A Luhn-valid PAN of 13–19 digits, as typed: plain, in groups of four with spaces or dashes. */
function panArb(): fc.Arbitrary<{ digits: string; typed: string }> {
  return fc.tuple(fc.integer({ min: 13, max: 19 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }), fc.constantFrom('', ' ', '-'), fc.constantFrom('3', '4', '5', '6'))
    .map(([len, ds, sep, first]) => {
      const body = first + ds.slice(0, len - 2).join('');
      const check = [...'0123456789'].find((d) => luhnValid(body + d))!;
      const digits = body + check;
      const typed = sep === '' ? digits : digits.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
      return { digits, typed };
    });
}

type Placement = 'body' | 'nested' | 'key' | 'number' | 'array' | 'query' | 'path';

describe('card data: card numbers anywhere are refused and never stored or logged', () => {
  let t: TestTender;
  let userToken: string;
  let ops: Operation[];
  let ids: Record<string, string>;
  beforeAll(async () => {
    t = await startTender();
    const card = await testGatewayAccount(t, 'card', 'automatic');
    const u = await signIn(t, 'card-data@example.com');
    userToken = u.token;
    const order = await insertOrder(t, u.userId, 1, 1);
    const pay = await authorizedPayment(t, u.userId, u.token, 2, 1);
    ids = { id: String(pay.paymentId), orderId: String(order), accountId: String(card), marker: 'orders', intentId: 'tgpi_x' };
    ops = (await loadOperations(t.url)).filter((o) => !CARD_ROUTES.has(`${o.method} ${o.path}`));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 400 card_data_rejected for a PAN in any field of any route, and no log line or table holds one', async () => {
    const stats = new Stats();
    const cases = fc.sample(fc.tuple(panArb(), fc.constantFrom<Placement>('body', 'nested', 'key', 'number', 'array', 'query', 'path'), fc.nat()), { numRuns: ops.length * PER_ROUTE, seed: SEED });
    const bad: string[] = [];
    const pans = new Set<string>();
    await pool(8, cases.length, async (i) => {
      const op = ops[i % ops.length]!;
      const [pan, wanted, n] = cases[i]!;
      const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method);
      // Where the route can carry one: a GET has no body, and not every route has a path parameter.
      const placement: Placement = wanted === 'path' && op.params.length === 0 ? 'query' : !hasBody && wanted !== 'path' ? 'query' : wanted;
      if (placement === 'number' && pan.digits.length > 15) pan.typed = pan.digits; // a JSON number: digits only
      pans.add(pan.digits);
      pans.add(pan.typed);
      const values: Record<string, string> = { ...ids };
      if (placement === 'path') values[op.params[n % op.params.length]!] = pan.typed;
      let path = fillPath(op.path, values);
      if (placement === 'query') path += `?note=${encodeURIComponent(pan.typed)}`;
      const base = (sample(op.body) ?? {}) as Record<string, unknown>;
      const body = typeof base === 'object' && !Array.isArray(base) ? base : {};
      if (placement === 'body') body[Object.keys(body)[0] ?? 'note'] = pan.typed;
      if (placement === 'nested') body.meta = { a: [{ b: { c: `card ${pan.typed} here` } }] };
      if (placement === 'key') body[pan.typed] = 'x';
      if (placement === 'number') body.amount = Number(pan.digits.slice(0, 15)) === Number(pan.digits) ? Number(pan.digits) : pan.digits;
      if (placement === 'array') body.items = ['a', pan.typed];
      const admin = op.path.startsWith('/api/admin');
      const headers: Record<string, string> = admin ? { authorization: `Bearer ${t.adminToken}` } : { 'x-app-token': t.appToken, authorization: `Bearer ${userToken}` };
      const res = stats.add(await send(t.url, op.method, path, { headers, ...(hasBody ? { json: body } : {}) }));
      const label = `${op.method} ${op.path} (${placement})`;
      const webhook = op.path.startsWith('/api/webhooks/');
      // Webhooks skip the guard (signed provider bodies); unsigned, they are refused all the same.
      const ok = res.status === 400 && hasErrorBody(res) && (webhook || res.body.code === 'card_data_rejected');
      if (!ok) bad.push(`${label}: ${res.status} ${res.text.slice(0, 200)}`);
      if (res.text.includes(pan.digits) || res.text.includes(pan.typed)) bad.push(`${label}: the response echoes the card number`);
    });

    // A control: numbers that fail the Luhn check are not card numbers and pass.
    const control = await send(t.url, 'GET', `/api/content/payments/sessions/?offset=0&limit=10&note=4242424242424241`, { headers: { 'x-app-token': t.appToken, authorization: `Bearer ${userToken}` } });
    expect(control.status).toBe(200);
    // The one route that takes a PAN keeps only brand and last four.
    await cardToken(t, '4242 4242 4242 4242');
    pans.add('4242424242424242');
    pans.add('4242 4242 4242 4242');

    const leaks: string[] = [];
    const logs = t.logs.join('\n');
    for (const p of pans) if (logs.includes(p)) leaks.push(`log holds ${p}`);
    const dump = await databaseDump(t);
    for (const p of pans) if (dump.includes(p)) leaks.push(`database dump holds ${p}`);
    const figures = stats.figures('card-data', bad.length + leaks.length, {
      routes: ops.length, pans: pans.size, logLines: t.logs.length, dumpBytes: dump.length, seed: SEED, statuses: stats.statuses(),
    });
    recordFigures(figures);
    console.log(`card-data: ${JSON.stringify(figures)}`);
    expect(bad.slice(0, 20)).toEqual([]);
    expect(leaks.slice(0, 20)).toEqual([]);
    expect(dump.length).toBeGreaterThan(2_000);
  });
});

/** Every row of every table as text (both engines), plus pg_dump's output on PostgreSQL. */
async function databaseDump(t: TestTender): Promise<string> {
  const { rows: tables } = await t.ctx.db.query<{ name: string }>(
    `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await t.ctx.db.query<{ r: string }>(`SELECT t::text AS r FROM ${name} t`);
    parts.push(name, ...rows.map((r) => r.r));
  }
  if (t.database.databaseUrl) {
    const out = spawnSync('pg_dump', ['--data-only', t.database.databaseUrl], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (out.status === 0) parts.push(out.stdout);
  }
  return parts.join('\n');
}
