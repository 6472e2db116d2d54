import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineTender, verifyWebhook } from '../../src/sdk/index.js';
import { createTestDatabase, usePostgres } from '../support/database.js';
import { spawnTender, type TenderProcess } from '../support/process.js';
import { TEST_SECRET_KEY } from '../support/tender.js';
import { eventually, startReceiver } from './receiver.js';

describe('webhook delivery across a crash', () => {
  it('completes after the Tender process is killed between an attempt and its retry', async () => {
    const database = await createTestDatabase();
    const dataDir = database.dataDir ?? (await mkdtemp(join(tmpdir(), 'tender-restart-')));
    const rx = await startReceiver((_r, i) => (i === 0 ? { status: 500 } : { status: 200 }));
    const children: TenderProcess[] = [];
    try {
      const env = {
        ...(usePostgres ? { DATABASE_URL: database.databaseUrl! } : {}),
        // Demo mode seeds the demo project and keeps its tokens in the data directory.
        TENDER_DATA_DIR: dataDir, TENDER_SECRET_KEY: TEST_SECRET_KEY, TENDER_DEMO: '1', PORT: '0',
        // The retry comes 3 s (±25 %) after the first attempt: time enough to kill the process.
        TENDER_WEBHOOK_BACKOFF_MS: '3000', TENDER_JOBS_POLL_SEC: '0.5',
      };
      const first = await spawnTender(env);
      children.push(first);
      const adminToken = first.banner['Admin token']!;
      const admin = (url: string) => async (method: string, path: string, body?: unknown) => {
        const r = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: r.status, body: await r.json() as any };
      };
      const callA = admin(first.url);
      const { secret, endpoint } = (await callA('POST', '/api/admin/webhook-endpoints', { url: rx.url, eventTypes: ['payment.captured'] })).body;
      const shop = defineTender(first.url, { token: first.banner['App token']! });
      await shop.AuthProvider.auth('email', { authData: [{ marker: 'email_reg', value: 'your-user@email.com' }, { marker: 'password_reg', value: '123456' }] });
      const order = await shop.Orders.createOrder('orders', { formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: [{ type: 'string', marker: 'name', value: 'Crash' }], products: [{ productId: 1, quantity: 1 }] });
      const session = await shop.Payments.createSession(order.id, 'session');
      const deliveryOf = async (call: ReturnType<typeof admin>) => (await call('GET', `/api/admin/webhook-endpoints/${endpoint.id}/deliveries`)).body.items[0];

      expect((await callA('POST', `/api/admin/payments/sessions/${session.id}/receive`, {})).status).toBe(200);
      await rx.waitFor((r) => r.length === 1);
      // The failed attempt is recorded (with its retry queued in the same transaction): crash now.
      const before = await eventually(async () => {
        const d = await deliveryOf(callA);
        return d?.attemptLog.length === 1 ? d : undefined;
      }, 10_000, 'first attempt recorded');
      await first.kill('SIGKILL');
      expect(before).toMatchObject({ status: 'pending', attempts: 1, attemptLog: [{ statusCode: 500 }] });
      expect(rx.received).toHaveLength(1);

      const second = await spawnTender(env);
      children.push(second);
      await rx.waitFor((r) => r.length === 2, 30_000);
      const done = await eventually(async () => {
        const d = await deliveryOf(admin(second.url));
        return d?.status === 'succeeded' ? d : undefined;
      }, 10_000, 'delivery succeeded after the restart');
      expect(done.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
      const events = await Promise.all(rx.received.map((r) => verifyWebhook(r.body, r.headers['tender-signature'] as string, secret)));
      expect(new Set(events.map((e) => e.id))).toEqual(new Set([done.eventId]));
      expect(rx.received.map((r) => r.status)).toEqual([500, 200]);
    } finally {
      for (const c of children) await c.kill();
      await rx.close();
      await database.drop();
      if (!database.dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
