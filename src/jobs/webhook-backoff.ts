import type { BackoffConfig } from './job-config.js';

/**
 * The wait before the next attempt of a delivery, or null when the retry window is used up and
 * the delivery fails. Exponential (base · 2^(n-1), capped) with ±jitter, so that receivers that
 * come back after an outage are not hit by every delivery at the same instant.
 * @param failedAttempts attempts of this round that failed so far (≥ 1)
 * @param elapsedMs time since the round's first attempt
 */
export function nextAttemptDelay(b: BackoffConfig, failedAttempts: number, elapsedMs: number, random: () => number = Math.random): number | null {
  const exponential = Math.min(b.capMs, b.baseMs * 2 ** Math.min(Math.max(failedAttempts, 1) - 1, 40));
  const delay = Math.max(0, Math.round(exponential * (1 - b.jitter + 2 * b.jitter * random())));
  return elapsedMs + delay > b.retryForMs ? null : delay;
}

/** The attempt times (ms after the first) of a delivery that always fails, without jitter. */
export function attemptSchedule(b: BackoffConfig): number[] {
  const times = [0];
  for (let n = 1; ; n++) {
    const elapsed = times[times.length - 1]!;
    const delay = nextAttemptDelay({ ...b, jitter: 0 }, n, elapsed);
    if (delay === null) return times;
    times.push(elapsed + delay);
  }
}
