/**
 * A random RFC 4122 version-4 UUID, used for `Idempotency-Key` and the device fingerprint.
 *
 * `crypto.randomUUID` is missing in browsers outside secure contexts (plain http) and older
 * runtimes, so fall back to `crypto.getRandomValues`. Node 18 has no global `crypto` unless
 * flagged; there the last resort is `Math.random`, acceptable because these ids only need to
 * be unique, not secret.
 */
export function randomId(): string {
  const c = (globalThis as { crypto?: Partial<Crypto> }).crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof c?.getRandomValues === 'function') {
    c.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return formatUuidV4(bytes);
}

/** Formats 16 random bytes as a version-4 UUID string. */
export function formatUuidV4(bytes: Uint8Array): string {
  const b = Array.from(bytes);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40; // version 4
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
