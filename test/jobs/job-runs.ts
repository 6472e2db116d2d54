import { expect } from 'vitest';

export interface RunRow {
  job: string;
  slot_start: Date;
  runner: string;
  ok: boolean | null;
}

/** Asserts each job ran exactly once in every slot it ran in, with no slot skipped; returns the slot count per job. */
export function assertOncePerSlot(rows: RunRow[], periodMs: number): Record<string, number> {
  const counts: Record<string, number> = {};
  const byJob = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const slots = byJob.get(r.job) ?? new Map<number, number>();
    slots.set(r.slot_start.getTime(), (slots.get(r.slot_start.getTime()) ?? 0) + 1);
    byJob.set(r.job, slots);
  }
  for (const [job, slots] of byJob) {
    for (const [slot, n] of slots) expect(n, `${job} ran ${n} times in the slot of ${new Date(slot).toISOString()}`).toBe(1);
    const starts = [...slots.keys()].sort((a, b) => a - b);
    for (const s of starts) expect(s % periodMs, `${job}: slot ${s} is aligned`).toBe(0);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!, `${job}: no slot skipped`).toBe(periodMs);
    counts[job] = starts.length;
  }
  return counts;
}
