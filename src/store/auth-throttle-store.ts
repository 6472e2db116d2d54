import type { Queryable } from './db.js';

/**
 * Attempt counters in `login_attempts`, shared by every Tender process. One atomic upsert per
 * attempt: a window older than `windowSec` starts over at 1, otherwise the count goes up.
 * `locked_until` is informational (the caller decides from the returned count).
 */
export async function recordAttempt(
  q: Queryable,
  input: { key: string; now: Date; windowSec: number; max: number },
): Promise<{ count: number; windowStart: Date }> {
  const { rows } = await q.query<{ failures: number; window_start: Date }>(
    `INSERT INTO login_attempts AS a (key, failures, window_start, locked_until) VALUES ($1, 1, $2, NULL)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN a.window_start <= $2::timestamptz - make_interval(secs => $3) THEN 1 ELSE a.failures + 1 END,
       window_start = CASE WHEN a.window_start <= $2::timestamptz - make_interval(secs => $3) THEN $2 ELSE a.window_start END,
       locked_until = CASE WHEN a.window_start <= $2::timestamptz - make_interval(secs => $3) THEN NULL
                           WHEN a.failures + 1 >= $4 THEN a.window_start + make_interval(secs => $3)
                           ELSE NULL END
     RETURNING failures, window_start`,
    [input.key, input.now, input.windowSec, input.max],
  );
  const row = rows[0]!;
  return { count: row.failures, windowStart: new Date(row.window_start) };
}

export async function clearAttempts(q: Queryable, key: string): Promise<void> {
  await q.query('DELETE FROM login_attempts WHERE key = $1', [key]);
}
