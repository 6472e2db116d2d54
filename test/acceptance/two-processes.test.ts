import oneentry from 'oneentry';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, usePostgres } from '../support/database.js';
import { roundRobinProxy, spawnTender } from '../support/process.js';
import { startTender, TEST_SECRET_KEY } from '../support/tender.js';

const { defineOneEntry } = oneentry as unknown as { defineOneEntry: typeof import('oneentry').defineOneEntry };
const authData = { authData: [{ marker: 'email_reg', value: 'your-user@email.com' }, { marker: 'password_reg', value: '123456' }] };

describe.skipIf(!usePostgres)('two Tender processes on one PostgreSQL', () => {
  it('serve the scenario alternately (round-robin) with the same results', async () => {
    const database = await createTestDatabase();
    // Seed the project and mint tokens through the same code the CLI uses, then stop.
    const seeder = await startTender({ database });
    const { appToken, adminToken } = seeder;
    await seeder.close();
    const env = { DATABASE_URL: database.databaseUrl!, TENDER_SECRET_KEY: TEST_SECRET_KEY, TENDER_DEMO: '0' };
    const a = await spawnTender({ ...env, PORT: '0' });
    const b = await spawnTender({ ...env, PORT: '0' });
    const proxy = await roundRobinProxy([a.url, b.url]);
    try {
      const { AuthProvider, Orders, Payments } = defineOneEntry(proxy.url, {
        token: appToken, errors: { isShell: false }, validation: { enabled: true, strictMode: true },
      } as never);
      const user = (await AuthProvider.auth('email', authData as never)) as unknown as { refreshToken: string };
      const order = (await Orders.createOrder('orders', { formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: [{ type: 'string', marker: 'name', value: 'RR' }], products: [{ productId: 1, quantity: 1 }] } as never)) as unknown as { id: number; totalSum: number };
      expect(order.totalSum).toBe(340);
      const sessions = await Promise.all(Array.from({ length: 6 }, () => Payments.createSession(order.id, 'session'))) as unknown as { id: number }[];
      expect(new Set(sessions.map((s) => s.id)).size).toBe(1);
      for (let i = 0; i < 4; i++) {
        expect(((await Payments.getSessionByOrderId(order.id)) as unknown as { id: number }).id).toBe(sessions[0]!.id);
      }
      const received = await fetch(`${proxy.url}/api/admin/payments/sessions/${sessions[0]!.id}/receive`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: '{}' });
      expect(received.status).toBe(200);
      expect(((await Payments.getSessionById(sessions[0]!.id)) as unknown as { status: string }).status).toBe('completed');
      expect(await Orders.createRefundRequest(order.id, { products: { '1': { quantity: 1 } } } as never)).toBe(true);
      expect(((await Orders.getRefunds(order.id)) as unknown as unknown[]).length).toBe(1);
      expect(await Orders.cancelRefundRequest(order.id)).toBe(true);
      await AuthProvider.refresh('email', user.refreshToken);
      const state = (AuthProvider as unknown as { state: { refreshToken: string } }).state;
      expect(await AuthProvider.logout('email', state.refreshToken)).toBe(true);
      // Logged out on one process ⇒ refused on both.
      for (let i = 0; i < 2; i++) {
        const r = await fetch(`${proxy.url}/api/content/payments/sessions/`, { headers: { 'x-app-token': appToken, authorization: 'Bearer x' } });
        expect(r.status).toBe(401);
      }
      expect(Math.min(...proxy.hits)).toBeGreaterThan(5);
    } finally {
      await proxy.close();
      await a.kill();
      await b.kill();
      await database.drop();
    }
  });
});
