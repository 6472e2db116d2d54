/** What one attempt observed. `statusCode` null means no HTTP answer (see `error`). */
export interface AttemptOutcome {
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  /** The first {@link MAX_BODY_BYTES} bytes of the response body, decoded as UTF-8. */
  responseBody: string | null;
}

export const MAX_BODY_BYTES = 1024;
const MAX_REDIRECTS = 3;

export interface PostOptions {
  url: string;
  body: string;
  /** Built per request (the signature carries a timestamp). */
  headers: () => Record<string, string>;
  timeoutMs: number;
}

/**
 * POSTs one webhook. The timeout covers the whole exchange (connect, answer, first KB of the
 * body). Redirects are only followed when they keep the method and body (307/308) and stay on
 * the same origin: a signed payload must never be handed to another host, and a 301/302/303
 * would turn the POST into a GET. Anything else that is not 2xx is a failed attempt.
 */
export async function postWebhook(options: PostOptions): Promise<AttemptOutcome> {
  const startedAt = new Date();
  const t0 = performance.now();
  const signal = AbortSignal.timeout(options.timeoutMs);
  const done = (statusCode: number | null, error: string | null, responseBody: string | null): AttemptOutcome =>
    ({ startedAt, durationMs: Math.round(performance.now() - t0), statusCode, error, responseBody });
  let url = options.url;
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Tender-Webhooks/1', ...options.headers() },
        body: options.body,
        redirect: 'manual',
        signal,
      });
      const body = await readStart(res, MAX_BODY_BYTES);
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location');
        const next = location ? safeUrl(location, url) : null;
        const sameOrigin = next !== null && next.origin === new URL(url).origin;
        if ((res.status === 307 || res.status === 308) && sameOrigin && hop < MAX_REDIRECTS) {
          url = next.toString();
          continue;
        }
        const why = !next ? 'without a valid Location'
          : !sameOrigin ? `to another host (${next.origin}), not followed`
          : hop >= MAX_REDIRECTS ? `after ${MAX_REDIRECTS} redirects, not followed`
          : `with ${res.status} (only 307/308 keep the POST), not followed`;
        return done(res.status, `redirect ${why}`, body);
      }
      return done(res.status, res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`, body);
    }
  } catch (err) {
    if (signal.aborted) return done(null, `timed out after ${options.timeoutMs} ms`, null);
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return done(null, e.cause?.code ? `${e.cause.code}: ${e.cause.message ?? e.message}` : e.message, null);
  }
}

function safeUrl(location: string, base: string): URL | null {
  try {
    const u = new URL(location, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

/** Reads at most `max` bytes of the body, then drops the rest of the stream. */
async function readStart(res: Response, max: number): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = Buffer.concat(chunks).subarray(0, max);
  return new TextDecoder('utf-8', { fatal: false }).decode(all);
}
