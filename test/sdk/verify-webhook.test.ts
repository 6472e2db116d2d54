import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookSignatureError } from '../../src/sdk/index.js';
import { webhookSignatureHeader } from '../../src/services/webhook-delivery-signature.js';

const secret = 'whsec_test_secret_0123456789abcdefghijklmnopqrstuv';
const body = JSON.stringify({ id: 'evt_abc', type: 'payment.captured', created: '2025-01-01T00:00:00.000Z', data: { object: { id: 7 } } });
const now = () => Math.floor(Date.now() / 1000);
const sign = (payload: string, key: string, t: number) => createHmac('sha256', key).update(`${t}.${payload}`).digest('hex');

describe('verifyWebhook', () => {
  it('returns the event of a correctly signed body (string or bytes), as Tender signs it', async () => {
    const header = webhookSignatureHeader(body, [secret], now());
    await expect(verifyWebhook(body, header, secret)).resolves.toEqual(JSON.parse(body));
    await expect(verifyWebhook(Buffer.from(body), header, secret)).resolves.toMatchObject({ id: 'evt_abc' });
    await expect(verifyWebhook(new TextEncoder().encode(body), header, secret)).resolves.toMatchObject({ id: 'evt_abc' });
  });

  it('accepts either v1 during a rotation, and several secrets on the receiving side', async () => {
    const old = 'whsec_old';
    const header = webhookSignatureHeader(body, [secret, old], now());
    expect(header.split(',')).toHaveLength(3);
    await expect(verifyWebhook(body, header, secret)).resolves.toBeTruthy();
    await expect(verifyWebhook(body, header, old)).resolves.toBeTruthy();
    await expect(verifyWebhook(body, webhookSignatureHeader(body, [old], now()), ['whsec_new', old])).resolves.toBeTruthy();
  });

  const rejects = async (promise: Promise<unknown>, reason: string) => {
    const err = await promise.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookSignatureError);
    expect(err).toMatchObject({ reason, code: 'webhook_signature_invalid' });
    return err as WebhookSignatureError;
  };

  it('rejects a forged signature: another secret, a changed body, or a made-up value', async () => {
    const t = now();
    await rejects(verifyWebhook(body, `t=${t},v1=${sign(body, 'whsec_attacker', t)}`, secret), 'signature_mismatch');
    const tampered = body.replace('"id":7', '"id":8');
    await rejects(verifyWebhook(tampered, webhookSignatureHeader(body, [secret], t), secret), 'signature_mismatch');
    // Re-serialized JSON differs from the raw bytes: the message says what to do.
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const err = await rejects(verifyWebhook(pretty, webhookSignatureHeader(body, [secret], t), secret), 'signature_mismatch');
    expect(err.message).toMatch(/raw body/);
    await rejects(verifyWebhook(body, `t=${t},v1=${'0'.repeat(64)}`, secret), 'signature_mismatch');
    // Changing t breaks the signature (t is signed too).
    const real = sign(body, secret, t);
    await rejects(verifyWebhook(body, `t=${t + 1},v1=${real}`, secret), 'signature_mismatch');
  });

  it('rejects a stale (or far-future) timestamp, with a configurable tolerance', async () => {
    const stale = now() - 301;
    await rejects(verifyWebhook(body, webhookSignatureHeader(body, [secret], stale), secret), 'timestamp_out_of_tolerance');
    await rejects(verifyWebhook(body, webhookSignatureHeader(body, [secret], now() + 400), secret), 'timestamp_out_of_tolerance');
    await expect(verifyWebhook(body, webhookSignatureHeader(body, [secret], stale), secret, 600)).resolves.toBeTruthy();
    await rejects(verifyWebhook(body, webhookSignatureHeader(body, [secret], now() - 11), secret, 10), 'timestamp_out_of_tolerance');
  });

  it('rejects a missing or malformed header, and refuses to run without a secret', async () => {
    await rejects(verifyWebhook(body, undefined, secret), 'missing_header');
    await rejects(verifyWebhook(body, '', secret), 'missing_header');
    for (const header of ['v1=abc', `t=${now()}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${now()},v1=${'g'.repeat(64)}`, 'garbage']) {
      await rejects(verifyWebhook(body, header, secret), 'malformed_header');
    }
    await expect(verifyWebhook(body, webhookSignatureHeader(body, [secret], now()), '')).rejects.toThrow(TypeError);
    await expect(verifyWebhook(body, webhookSignatureHeader(body, [secret], now()), [])).rejects.toThrow(TypeError);
  });

  it('rejects a correctly signed body that is not JSON', async () => {
    await rejects(verifyWebhook('not json', webhookSignatureHeader('not json', [secret], now()), secret), 'invalid_body');
  });
});
