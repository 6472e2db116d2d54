import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTender, type TestTender } from '../support/tender.js';

describe('http app', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
  });
  afterAll(() => t?.close());

  it('answers health and serves an OpenAPI 3.1 document', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
  });

  it('answers an unknown route with the contract error body', async () => {
    const res = await fetch(`${t.url}/api/content/nope`, { headers: { 'x-app-token': t.appToken } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 404, code: 'route_not_found', pageData: null });
    expect(typeof body.message).toBe('string');
    expect(typeof body.timestamp).toBe('string');
    expect(typeof body.requestId).toBe('string');
  });

  it('names every answer with its own x-request-id, the one an error body carries', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${t.url}/health`);
      ids.add(res.headers.get('x-request-id') ?? '');
    }
    expect(ids.size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^req_[A-Za-z0-9_-]{12}$/);
    for (const headers of [{ 'x-app-token': t.appToken }, {}] as Record<string, string>[]) {
      const res = await fetch(`${t.url}/api/content/nope`, { headers });
      expect(res.status).toBeGreaterThanOrEqual(400);
      const body = (await res.json()) as { requestId: string };
      expect(res.headers.get('x-request-id')).toBe(body.requestId);
      expect(ids.has(body.requestId)).toBe(false);
    }
  });

  it('refuses /api/content without a valid app token, including the literal "undefined"', async () => {
    for (const token of [undefined, 'undefined', 'wrong']) {
      const headers: Record<string, string> = token === undefined ? {} : { 'x-app-token': token };
      const res = await fetch(`${t.url}/api/content/nope`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { statusCode: number }).statusCode).toBe(401);
    }
  });
});
