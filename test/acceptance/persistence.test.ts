import { describe, expect, it } from 'vitest';
import { defineTender } from '../../src/sdk/index.js';
import { createTestDatabase } from '../support/database.js';
import { startTender } from '../support/tender.js';

const authData = { authData: [{ marker: 'email_reg', value: 'your-user@email.com' }, { marker: 'password_reg', value: '123456' }] };

describe('persistence', () => {
  it('keeps users, orders and sessions across a stop and a restart on the same data', async () => {
    const database = await createTestDatabase();
    try {
      const first = await startTender({ database });
      const client = defineTender(first.url, { token: first.appToken });
      const login = await client.AuthProvider.auth('email', authData);
      const order = await client.Orders.createOrder('orders', {
        formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: [{ type: 'string', marker: 'name', value: 'Kept' }], products: [{ productId: 1, quantity: 1 }],
      });
      const session = await client.Payments.createSession(order.id, 'session');
      await first.close();

      const second = await startTender({ database, demo: false });
      try {
        const again = defineTender(second.url, { token: second.appToken, auth: { refreshToken: login.refreshToken } });
        expect(await again.Payments.getSessionById(session.id)).toMatchObject({ id: session.id, orderId: order.id, status: 'waiting' });
        expect(await again.Orders.getOrderByMarkerAndId('orders', order.id)).toMatchObject({ id: order.id, totalSum: '340.00' });
        const fresh = await defineTender(second.url, { token: second.appToken }).AuthProvider.auth('email', authData);
        expect(fresh.userIdentifier).toBe('your-user@email.com');
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });
});
