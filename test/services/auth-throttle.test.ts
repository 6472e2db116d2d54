import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentsError } from '../../src/errors.js';
import { clearThrottle, takeAttempt, throttleKey, type AttemptLimit } from '../../src/services/auth-throttle.js';
import { startTender, type TestTender } from '../support/tender.js';

const LIMIT: AttemptLimit = { max: 3, windowSec: 60, message: 'slow down' };

async function outcome(p: Promise<void>): Promise<string | number> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    const e = err as PaymentsError;
    return e.code === 'rate_limited' ? (e.details as { retryAfterSec: number }).retryAfterSec : e.code;
  }
}

describe('attempt throttle (service, real database)', () => {
  let t: TestTender;
  let offsetMs = 0;
  beforeAll(async () => {
    t = await startTender({ demo: false, now: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(() => t?.close());

  it('allows max attempts per window, then answers 429 with the seconds left until the window ends', async () => {
    const key = throttleKey('login', 1, 'window@example.com');
    for (let i = 0; i < 3; i++) expect(await outcome(takeAttempt(t.ctx, key, LIMIT))).toBe('ok');
    offsetMs += 20_000;
    expect(await outcome(takeAttempt(t.ctx, key, LIMIT))).toBe(40);
    offsetMs += 39_000;
    expect(await outcome(takeAttempt(t.ctx, key, LIMIT))).toBe(1);
    offsetMs += 1_000;
    expect(await outcome(takeAttempt(t.ctx, key, LIMIT))).toBe('ok');
  });

  it('starts over after a clear, and keeps keys apart', async () => {
    const a = throttleKey('login', 1, 'a@example.com');
    const b = throttleKey('login', 1, 'b@example.com');
    for (let i = 0; i < 3; i++) await takeAttempt(t.ctx, a, LIMIT);
    expect(await outcome(takeAttempt(t.ctx, b, LIMIT))).toBe('ok');
    await clearThrottle(t.ctx, a);
    expect(await outcome(takeAttempt(t.ctx, a, LIMIT))).toBe('ok');
  });

  it('hashes the login into the key, so the table does not collect addresses', async () => {
    const key = throttleKey('code', 7, 'private@example.com', 'verify');
    expect(key).toMatch(/^code:[0-9a-f]{64}$/);
    expect(key).not.toContain('private');
  });

  it('never lets more than max concurrent attempts through', async () => {
    const key = throttleKey('login', 1, 'burst@example.com');
    const results = await Promise.all(Array.from({ length: 12 }, () => outcome(takeAttempt(t.ctx, key, LIMIT))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(3);
  });
});
