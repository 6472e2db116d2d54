import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { PartFigures } from './figures.js';

const ORDER = ['torture', 'crash', 'fuzz', 'card-data', 'authorization', 'webhooks', 'abuse', 'security-headers'];

/**
 * Collects the figures each test file writes (figures.ts) and, when the run ends, prints one
 * table and one `RELIABILITY_JSON {...}` line to stdout; the same JSON goes to
 * test-artifacts/reliability.json (docs/reliability.md quotes it).
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'tender-reliability-'));
  project.provide('reliabilityDir', dir);
  return () => {
    const parts = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as PartFigures)
      .sort((a, b) => rank(a.part) - rank(b.part));
    rmSync(dir, { recursive: true, force: true });
    if (parts.length === 0) return;
    const database = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
    console.log(`\nReliability summary (${database}, ${new Date().toISOString()})\n${table(parts)}`);
    const json = JSON.stringify({ database, at: new Date().toISOString(), parts });
    console.log(`RELIABILITY_JSON ${json}`);
    try {
      mkdirSync('test-artifacts', { recursive: true });
      writeFileSync(join('test-artifacts', 'reliability.json'), json + '\n');
    } catch {
      // A read-only checkout still gets the table on stdout.
    }
  };
}

function rank(part: string): number {
  const i = ORDER.findIndex((p) => part.startsWith(p));
  return i === -1 ? ORDER.length : i;
}

export function table(parts: PartFigures[]): string {
  const head = ['part', 'requests', '2xx', '4xx', '5xx', 'net err', 'p50 ms', 'p99 ms', 'violations', 'seconds'];
  const rows = parts.map((p) => [
    p.part, String(p.requests), String(p.s2xx), String(p.s4xx), String(p.s5xx), String(p.netErrors ?? 0),
    p.p50Ms.toFixed(1), p.p99Ms.toFixed(1), String(p.violations), p.seconds.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const notes = parts.filter((p) => p.extra && Object.keys(p.extra).length > 0).map((p) => `  ${p.part}: ${JSON.stringify(p.extra)}`);
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}
