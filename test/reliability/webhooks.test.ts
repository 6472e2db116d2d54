import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/crypto.js';
import { signatureHeader, webhookSecret, SIGNATURE_HEADER } from '../../src/gateways/test/test-webhook-signature.js';
import { api, insertOrder, signIn } from '../support/fixtures.js';
import { cardToken, testGatewayAccount } from '../support/test-gateway.js';
import { startTender, TEST_SECRET_KEY, type TestTender } from '../support/tender.js';
import { recordFigures } from './support/figures.js';
import { hasErrorBody, send, type HttpResponse } from './support/http.js';
import { Stats } from './support/stats.js';
import { storedEvents } from './support/webhooks.js';

const ROUNDS = 20;

describe('webhooks: forged, stale, replayed and cross-account signatures are never accepted', () => {
  let t: TestTender;
  let a: number;
  let b: number;
  let paymentId: number;
  let template: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const keys = KeyRing.fromString(TEST_SECRET_KEY);
  beforeAll(async () => {
    t = await startTender();
    // Lossy accounts: the gateway records its events but sends none, so every delivery is ours.
    a = await testGatewayAccount(t, 'card-a', 'automatic', { simulateWebhookLoss: true });
    b = await testGatewayAccount(t, 'card-b', 'automatic', { simulateWebhookLoss: true });
    const u = await signIn(t, 'webhooks@example.com');
    const orderId = await insertOrder(t, u.userId, 1, 1, 'card-a');
    const s = await api(t, u.token)('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
    const auth = await api(t, u.token)('POST', `/api/content/payments/sessions/${s.body.id}/authorize`, { token: await cardToken(t, '4242424242424242') });
    paymentId = auth.body.payment.id;
    const succeeded = (await storedEvents(t.ctx.db, [a])).find((e) => e.type === 'payment_intent.succeeded')!;
    template = JSON.parse(succeeded.body);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A refund of 1.00 the gateway never sent: applied, it would change the payment. */
  function refundEvent(n: string, account = a): string {
    const e = structuredClone(template);
    e.id = `evt_test_attack_${n}_${randomBytes(4).toString('hex')}`;
    e.type = 'charge.refunded';
    e.account = account;
    e.data.object.amountRefunded = '100';
    e.data.operation = { id: `tgre_attack_${n}`, object: 'refund', amount: '100', currency: 'USD' };
    return JSON.stringify(e);
  }
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (account: number, body: string, at = now()) => signatureHeader(webhookSecret(keys, account), body, at);

  it('accepts none of them, records each rejection, and changes no payment', async () => {
    const stats = new Stats();
    const post = async (account: number, body: string, header?: string): Promise<HttpResponse> =>
      stats.add(await send(t.url, 'POST', `/api/webhooks/${account}`, { raw: body, headers: { 'content-type': 'application/json', ...(header !== undefined ? { [SIGNATURE_HEADER]: header } : {}) } }));
    const attacks: [string, () => Promise<HttpResponse>][] = [
      ['no signature', () => post(a, refundEvent('none'))],
      ['empty signature', () => post(a, refundEvent('empty'), '')],
      ['malformed signature', () => post(a, refundEvent('malformed'), 'garbage')],
      ['timestamp without v1', () => post(a, refundEvent('no-v1'), `t=${now()}`)],
      ['v0 scheme only', () => { const body = refundEvent('v0'); return post(a, body, sign(a, body).replace('v1=', 'v0=')); }],
      ['random signature', () => post(a, refundEvent('random'), `t=${now()},v1=${randomBytes(32).toString('hex')}`)],
      ['signed with another secret', () => { const body = refundEvent('other-secret'); return post(a, body, signatureHeader(randomBytes(32).toString('hex'), body, now())); }],
      ['body altered after signing', () => { const body = refundEvent('altered'); return post(a, body.replace('"100"', '"900"'), sign(a, body)); }],
      ['several wrong v1 values', () => post(a, refundEvent('multi'), `t=${now()},v1=${'0'.repeat(64)},v1=${'f'.repeat(64)}`)],
      ['stale by 301 s', () => { const body = refundEvent('stale'); return post(a, body, sign(a, body, now() - 301)); }],
      ['stale by a day', () => { const body = refundEvent('old'); return post(a, body, sign(a, body, now() - 86_400)); }],
      ['from the future', () => { const body = refundEvent('future'); return post(a, body, sign(a, body, now() + 400)); }], // +400 s: still outside the 300 s tolerance on a loaded machine
      ['timestamp re-written on a signed body', () => { const body = refundEvent('retimed'); return post(a, body, sign(a, body, now() - 3600).replace(/^t=\d+/, `t=${now()}`)); }],
      ['A-signed event sent to B', () => { const body = refundEvent('a-to-b'); return post(b, body, sign(a, body)); }],
      ["A's event re-signed with B's secret", () => { const body = refundEvent('resigned'); return post(b, body, sign(b, body)); }],
      ["B-signed event for A's account", () => { const body = refundEvent('b-for-a', a); return post(a, body, sign(b, body)); }],
      ['unknown account', () => { const body = refundEvent('unknown'); return post(999_999, body, sign(999_999, body)); }],
      ['account without webhooks (cash)', () => { const body = refundEvent('cash'); return post(1, body, sign(1, body)); }],
    ];

    const before = await money();
    const accepted: string[] = [];
    const refused: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, attack] of attacks) {
        const res = await attack();
        refused[`${res.status} ${res.body?.code ?? ''}`.trim()] = (refused[`${res.status} ${res.body?.code ?? ''}`.trim()] ?? 0) + 1;
        if (res.status < 400 || !hasErrorBody(res)) accepted.push(`${name}: ${res.status} ${res.text.slice(0, 160)}`);
      }
    }
    expect(await money()).toEqual(before);

    // Replays: a genuine delivery is applied once; the same bytes again — within the tolerance,
    // or with their old signature — apply nothing more.
    const genuine = refundEvent('genuine');
    const header = sign(a, genuine);
    const first = await post(a, genuine, header);
    expect([first.status, first.body.result]).toEqual([200, 'applied']);
    const afterGenuine = await money();
    expect(afterGenuine.refunded).toBe(before.refunded + 100n);
    const replays: HttpResponse[] = [];
    for (let i = 0; i < ROUNDS; i++) replays.push(await post(a, genuine, header));
    const oldHeader = sign(a, genuine, now() - 600);
    for (let i = 0; i < ROUNDS; i++) replays.push(await post(a, genuine, oldHeader));
    for (const r of replays) if (!(r.status === 200 ? r.body.result === 'duplicate' : r.status === 400 && hasErrorBody(r))) accepted.push(`replay: ${r.status} ${r.text.slice(0, 160)}`);
    expect(await money()).toEqual(afterGenuine);

    const { rows } = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_rejections');
    const attacksSent = ROUNDS * attacks.length + ROUNDS;
    const figures = stats.figures('webhooks', accepted.length, {
      attacks: ROUNDS * attacks.length, kinds: attacks.length, replays: replays.length, accepted: accepted.length, rejectionsRecorded: rows[0]!.n, responses: refused,
    });
    recordFigures(figures);
    console.log(`webhooks: ${JSON.stringify(figures)}`);
    expect(accepted).toEqual([]);
    // Every refused delivery leaves a trace for the merchant (webhook_rejections).
    expect(rows[0]!.n).toBeGreaterThanOrEqual(attacksSent);
  });

  async function money(): Promise<{ refunded: bigint; events: number }> {
    const { rows } = await t.ctx.db.query<{ refunded: bigint; events: number }>(
      'SELECT (SELECT refunded_amount FROM payments WHERE id = $1) AS refunded, (SELECT count(*)::int FROM payment_events) AS events', [paymentId]);
    return rows[0]!;
  }
});
