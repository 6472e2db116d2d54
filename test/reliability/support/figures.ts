import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilityDir: string;
  }
}

/** One row of the summary table: what a part did and what it found. */
export interface PartFigures {
  part: string;
  requests: number;
  s2xx: number;
  s4xx: number;
  s5xx: number;
  /** Network errors (connection refused or reset), e.g. while a process is killed. */
  netErrors?: number;
  p50Ms: number;
  p99Ms: number;
  violations: number;
  seconds: number;
  /** Part-specific figures (operations by kind, skips, …). */
  extra?: Record<string, unknown>;
}

/** Hands a part's figures to the summary printed at the end of the run (summary-setup.ts). */
export function recordFigures(f: PartFigures): void {
  let dir: string | undefined;
  try {
    dir = inject('reliabilityDir');
  } catch {
    dir = undefined;
  }
  if (!dir) return;
  writeFileSync(join(dir, `${f.part.replace(/[^a-z0-9-]+/gi, '_')}.json`), JSON.stringify(f));
}
