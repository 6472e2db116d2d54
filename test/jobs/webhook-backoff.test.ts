import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_CONFIG, loadJobConfig } from '../../src/jobs/job-config.js';
import { attemptSchedule, nextAttemptDelay } from '../../src/jobs/webhook-backoff.js';

const b = DEFAULT_JOB_CONFIG.webhooks.backoff;
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('webhook retry schedule', () => {
  it('doubles from 1 minute up to 6 hours and keeps retrying for 3 days', () => {
    const times = attemptSchedule(b);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.slice(0, 10)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 360].map((m) => m * MIN));
    expect(gaps.slice(9).every((g) => g === 6 * HOUR)).toBe(true);
    expect(times).toHaveLength(20); // the last one 68.5 h after the first
    expect(times[times.length - 1]).toBeLessThanOrEqual(72 * HOUR);
    expect(times[times.length - 1]).toBeGreaterThan(66 * HOUR);
  });

  it('spreads each delay by ±25 % jitter', () => {
    expect(nextAttemptDelay(b, 3, 0, () => 0)).toBe(3 * MIN);
    expect(nextAttemptDelay(b, 3, 0, () => 1)).toBe(5 * MIN);
    expect(nextAttemptDelay(b, 3, 0, () => 0.5)).toBe(4 * MIN);
    const seen = new Set(Array.from({ length: 50 }, () => nextAttemptDelay(b, 1, 0)));
    expect(seen.size).toBeGreaterThan(10);
    for (const d of seen) expect(d).toBeGreaterThanOrEqual(45_000);
  });

  it('gives up when the next attempt would fall outside the retry window', () => {
    expect(nextAttemptDelay(b, 20, 71 * HOUR, () => 0.5)).toBeNull();
    expect(nextAttemptDelay({ ...b, retryForMs: 0 }, 1, 0)).toBeNull();
    expect(nextAttemptDelay(b, 1000, 0, () => 0.5)).toBe(6 * HOUR);
  });

  it('reads its settings from the environment and refuses nonsense', () => {
    const c = loadJobConfig({ TENDER_WEBHOOK_BACKOFF_MS: '200', TENDER_WEBHOOK_RETRY_FOR_MS: '5000', TENDER_JOB_IDEMPOTENCY_PRUNE_SEC: '2', TENDER_WEBHOOK_DISABLE_AFTER: '4', TENDER_WEBHOOK_LOG_RETENTION_DAYS: '7' });
    expect(c.webhooks.backoff).toMatchObject({ baseMs: 200, retryForMs: 5000, capMs: 6 * HOUR });
    expect(c.webhooks.disableAfter).toBe(4);
    expect(c.webhooks.logRetentionDays).toBe(7);
    expect(loadJobConfig({}).webhooks.logRetentionDays).toBe(30);
    expect(c.schedules).toEqual({ reconcile: 60, 'idempotency-prune': 2, 'webhook-sweep': 300, 'webhook-log-prune': 3600 });
    expect(() => loadJobConfig({ TENDER_WEBHOOK_LOG_RETENTION_DAYS: '0' })).toThrow(/TENDER_WEBHOOK_LOG_RETENTION_DAYS must be an integer >= 1/);
    expect(() => loadJobConfig({ TENDER_JOB_RECONCILE_SEC: '0.5' })).toThrow(/TENDER_JOB_RECONCILE_SEC must be an integer >= 1/);
    expect(() => loadJobConfig({ TENDER_WEBHOOK_TIMEOUT_MS: 'soon' })).toThrow(/TENDER_WEBHOOK_TIMEOUT_MS/);
  });
});
