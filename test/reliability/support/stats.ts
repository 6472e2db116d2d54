import type { PartFigures } from './figures.js';
import type { HttpResponse } from './http.js';

/** Counts responses by status class and keeps latencies for percentiles. */
export class Stats {
  readonly latencies: number[] = [];
  s2xx = 0;
  s3xx = 0;
  s4xx = 0;
  s5xx = 0;
  netErrors = 0;
  readonly byStatus = new Map<number, number>();
  private readonly started = performance.now();

  add(res: HttpResponse): HttpResponse {
    this.latencies.push(res.ms);
    this.byStatus.set(res.status, (this.byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) this.s5xx++;
    else if (res.status >= 400) this.s4xx++;
    else if (res.status >= 300) this.s3xx++;
    else this.s2xx++;
    return res;
  }

  error(): void {
    this.netErrors++;
  }

  get requests(): number {
    return this.latencies.length;
  }

  percentile(p: number): number {
    if (this.latencies.length === 0) return 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }

  statuses(): Record<string, number> {
    return Object.fromEntries([...this.byStatus.entries()].sort(([a], [b]) => a - b).map(([k, v]) => [String(k), v]));
  }

  figures(part: string, violations: number, extra?: Record<string, unknown>): PartFigures {
    return {
      part, requests: this.requests, s2xx: this.s2xx + this.s3xx, s4xx: this.s4xx, s5xx: this.s5xx, netErrors: this.netErrors,
      p50Ms: this.percentile(50), p99Ms: this.percentile(99), violations, seconds: (performance.now() - this.started) / 1000,
      ...(extra ? { extra } : {}),
    };
  }
}
