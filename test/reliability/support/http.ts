import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** Keep-alive connections shared by every request of a part (as a real client pool would). */
export const keepAlive = new Agent({ keepAlive: true, maxSockets: 128 });

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

export interface SendOptions {
  headers?: Record<string, string | string[]>;
  /** A value is sent as JSON; a string or Buffer as is. */
  json?: unknown;
  raw?: string | Buffer;
  timeoutMs?: number;
}

/**
 * One HTTP request over node:http (not fetch: the fuzzer needs raw paths, any header and any
 * body bytes). Rejects on network errors (refused, reset, timeout); any status resolves.
 */
export function send(base: string, method: string, path: string, opts: SendOptions = {}): Promise<HttpResponse> {
  const url = new URL(base);
  const body = opts.raw !== undefined ? opts.raw : opts.json !== undefined ? JSON.stringify(opts.json) : undefined;
  const headers: Record<string, string | string[] | number> = { ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers, agent: keepAlive, timeout: opts.timeoutMs ?? 60_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          if (text !== '' && /json/.test(String(res.headers['content-type'] ?? ''))) {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed, ms: performance.now() - started });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 60_000} ms: ${method} ${path}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Runs `tasks` with at most `concurrency` in flight; resolves when all settled. */
export async function pool<T>(concurrency: number, count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

/** The fixed error body every 4xx/5xx must have (src/http/error-handler.ts). */
export function hasErrorBody(res: HttpResponse): boolean {
  const b = res.body as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object') return false;
  const keys = Object.keys(b);
  const allowed = new Set(['statusCode', 'message', 'pageData', 'timestamp', 'code', 'requestId', 'details']);
  return (
    b.statusCode === res.status && typeof b.message === 'string' && b.pageData === null && typeof b.timestamp === 'string' &&
    !Number.isNaN(Date.parse(b.timestamp)) && typeof b.code === 'string' && /^[a-z][a-z0-9_]*$/.test(b.code) &&
    typeof b.requestId === 'string' && b.requestId === res.headers['x-request-id'] && keys.every((k) => allowed.has(k))
  );
}
