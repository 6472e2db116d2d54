import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../src/services/verify-service.js';
import { api, insertOrder, paidCashOrder, signIn } from '../support/fixtures.js';
import { cardToken, testGatewayAccount, webhooksIdle } from '../support/test-gateway.js';
import { startTender, TEST_SECRET_KEY, type TestTender } from '../support/tender.js';

describe('tender verify', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
    await testGatewayAccount(t, 'card', 'automatic');
    await testGatewayAccount(t, 'card-manual', 'manual');
  });
  afterAll(() => t?.close());

  it('finds no violation after every kind of flow, and finds each kind of corruption', async () => {
    const u = await signIn(t, 'verify@example.com');
    const call = api(t, u.token);
    const admin = api(t);
    // Cash, refunded in part; a refund request approved.
    const cash = await paidCashOrder(t, u.userId, u.token, 2, 4);
    await admin('POST', `/api/admin/payments/${cash.paymentId}/refund`, { amount: '10.00' });
    await call('POST', `/api/content/orders/${cash.orderId}/refund`, { products: { '2': { quantity: 1 } } });
    const queue = await admin('GET', '/api/admin/refund-requests?status=pending');
    await admin('POST', `/api/admin/refund-requests/${queue.body.items[0].id}/approve`, {});
    // Card, automatic capture; card with manual capture, partial captures then a cancel; a 3-D Secure card; a decline.
    for (const [account, card] of [['card', '4242424242424242'], ['card-manual', '4242424242424242'], ['card', '4000002760003184'], ['card', '4000000000000002']] as const) {
      const orderId = await insertOrder(t, u.userId, 1, 1, account);
      const s = await call('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
      const a = await call('POST', `/api/content/payments/sessions/${s.body.id}/authorize`, { token: await cardToken(t, card) });
      if (account === 'card-manual' && a.body.payment) {
        await admin('POST', `/api/admin/payments/${a.body.payment.id}/capture`, { amount: '100.00' });
        await admin('POST', `/api/admin/payments/${a.body.payment.id}/cancel`);
      }
    }
    await webhooksIdle();
    const clean = await verifyDatabase(t.ctx);
    expect(clean.violations).toEqual([]);
    expect(clean.checked.payments).toBeGreaterThanOrEqual(4);
    const http = await admin('GET', '/api/admin/verify');
    expect(http.body).toMatchObject({ ok: true, violations: [] });

    // Corrupt the data behind the engine's back, one invariant at a time.
    await t.ctx.db.query(`UPDATE payment_collections SET status = 'not_paid' WHERE order_id = $1`, [cash.orderId]);
    await t.ctx.db.query(`UPDATE refunds SET status = 'failed' WHERE id = (SELECT min(id) FROM refunds WHERE payment_id = $1)`, [cash.paymentId]);
    await t.ctx.db.query(`UPDATE orders SET status_identifier = 'canceled', updated_at = now() + interval '1 minute' WHERE id = $1`, [cash.orderId]);
    const dirty = await verifyDatabase(t.ctx);
    expect(new Set(dirty.violations.map((v) => v.check))).toEqual(new Set(['collection_status', 'refunds_sum', 'history_current']));
  });

  it('exits non-zero from the CLI when a violation exists', async () => {
    const { startTender: start } = await import('../support/tender.js');
    const s = await start();
    await s.ctx.db.query(`INSERT INTO payment_collections (amount, currency, status) VALUES (100, 'USD', 'completed')`);
    await s.app.close();
    await s.ctx.db.close();
    const env = { ...process.env, TENDER_SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent',
      ...(s.database.databaseUrl ? { DATABASE_URL: s.database.databaseUrl } : { DATABASE_URL: '', TENDER_DATA_DIR: s.database.dataDir! }) };
    const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
    const out = spawnSync(process.execPath, ['--import', 'tsx', cli, 'verify'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(out.status, out.stderr).toBe(1);
    expect(out.stdout).toMatch(/VIOLATION collection_status collection \d+: status completed but its payments give not_paid/);
    await s.database.drop();
  });
});
