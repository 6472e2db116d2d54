import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineOneEntry } from '../../src/sdk/index.js';
import { spawnTender } from '../support/process.js';

describe('`tender start` on a fresh data directory (what `npm start` runs)', () => {
  it('migrates PGlite, seeds the demo project, prints URL and tokens, and serves the seed-002 code sample', { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tender-start-'));
    const env: Record<string, string> = { TENDER_DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', TENDER_SECRET_KEY: '', TENDER_DEMO: '' };
    const p = await spawnTender(env, 150_000);
    try {
      expect(p.banner['App token']).toMatch(/^tnd_app_/);
      expect(p.banner['Admin token']).toMatch(/^tnd_adm_/);
      expect(p.banner['Demo user']).toBe('your-user@email.com / 123456');
      expect(p.output()).toMatch(/DEMO MODE/);
      // Seed 002's final example with only the import changed.
      const { AuthProvider, Orders, Payments } = defineOneEntry(p.url, { token: p.banner['App token']! });
      const authData = { authData: [{ marker: 'email_reg', value: 'your-user@email.com' }, { marker: 'password_reg', value: '123456' }] };
      await AuthProvider.auth('email', authData);
      const body = { formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: [{ type: 'string', marker: 'name', value: 'Christina Thomas' }], products: [{ productId: 1, quantity: 1 }] };
      const orderData = await Orders.createOrder('orders', body);
      const sessionData = await Payments.createSession(orderData.id, 'session');
      const sessionByOrderId = await Payments.getSessionByOrderId(orderData.id);
      expect(sessionByOrderId).toMatchObject({ id: sessionData.id, status: 'waiting', paymentUrl: null });
      expect((await fetch(`${p.url}/docs`)).status).toBe(200);
    } finally {
      await p.kill();
    }
    // A restart prints the same demo tokens and keeps the data.
    const again = await spawnTender(env, 120_000);
    try {
      const { AuthProvider, Payments } = defineOneEntry(again.url, { token: again.banner['App token']! });
      await AuthProvider.auth('email', { authData: [{ marker: 'email_reg', value: 'your-user@email.com' }, { marker: 'password_reg', value: '123456' }] });
      expect((await Payments.getSessions()).total).toBe(1);
    } finally {
      await again.kill();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
