import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTender, type TestTender } from '../support/tender.js';

describe('OpenAPI document', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
  });
  afterAll(() => t?.close());

  it('describes every public route with the schemas that validate it', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>> };
    const expected: [string, string][] = [
      ['post', '/api/content/users-auth-providers/marker/{marker}/users/auth'],
      ['post', '/api/content/users-auth-providers/marker/{marker}/users/refresh'],
      ['post', '/api/content/orders-storage/marker/{marker}/orders'],
      ['get', '/api/content/orders-storage/marker/{marker}/orders/{id}'],
      ['post', '/api/content/orders/{orderId}/refund'],
      ['post', '/api/content/payments/sessions'],
      ['get', '/api/content/payments/sessions'],
      ['get', '/api/content/payments/accounts'],
      ['post', '/api/content/payments/process'],
      ['post', '/api/content/payments/sessions/{id}/authorize'],
      ['post', '/api/admin/payments/{id}/capture'],
      ['post', '/api/admin/payments/{id}/refund'],
      ['post', '/api/admin/refund-requests/{id}/approve'],
      ['put', '/api/admin/order-storages/{marker}/status-mappings'],
      ['post', '/api/webhooks/{accountId}'],
    ];
    for (const [method, path] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(op!.responses ?? {}).some((c) => c.startsWith('2')), `${path} has a 2xx response`).toBe(true);
    }
    expect(doc.paths['/api/content/payments/sessions']!.post!.requestBody).toBeDefined();
    expect((await fetch(`${t.url}/docs`)).status).toBe(200);
  });
});
