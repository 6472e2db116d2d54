/**
 * Text helpers of the Stripe adapter that do not need the Stripe SDK, so that admin validation
 * and connection tests can use them without loading it (see src/gateways/registry.ts).
 */

/** `http(s)://host[:port]` with no path, query or credentials; null otherwise. */
export function parseApiBase(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) return null;
  return url;
}

/** Removes anything shaped like a Stripe key or signing secret from a message. */
export function redact(message: string): string {
  return message.replace(/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9_*]+/g, '$1_$2_[redacted]').replace(/\bwhsec_[A-Za-z0-9_+/=*]+/g, 'whsec_[redacted]');
}
