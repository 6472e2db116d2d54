import type { TestTender } from './tender.js';

/** A payment account of type `test` allowed in the demo `orders` storage. */
export async function testGatewayAccount(t: TestTender, identifier: string, captureMethod: 'automatic' | 'manual', settings: Record<string, unknown> = {}): Promise<number> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO payment_accounts (identifier, type, test_mode, capture_method, localize_infos, test_settings)
     VALUES ($1, 'test', true, $2, $3, $4) RETURNING id`,
    [identifier, captureMethod, { en_US: { title: identifier } }, settings],
  );
  const id = rows[0]!.id;
  await t.ctx.db.query(`INSERT INTO order_storage_accounts (storage_id, account_id) SELECT id, $1 FROM order_storages WHERE identifier = 'orders'`, [id]);
  return id;
}

/** Tokenizes a test card at the test gateway, as a storefront's own card form would. */
export async function cardToken(t: TestTender, number: string): Promise<string> {
  const res = await fetch(`${t.url}/test-gateway/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }),
  });
  const body = (await res.json()) as { id?: string };
  if (!body.id) throw new Error(`tokenization failed: ${JSON.stringify(body)}`);
  return body.id;
}

/** Waits until the test gateway has no webhook delivery in flight. */
export async function webhooksIdle(): Promise<void> {
  const { gatewayFor } = await import('../../src/gateways/registry.js');
  const g = gatewayFor('test') as unknown as { idle?: () => Promise<void> };
  await g.idle?.();
}
