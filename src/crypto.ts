import { createCipheriv, createDecipheriv, hash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Master key material (32 bytes) from which per-purpose keys are derived with HKDF. */
export class KeyRing {
  private readonly master: Buffer;
  /**
   * Derived keys by purpose: HKDF is deterministic, and some purposes are derived on every
   * request (a test-gateway webhook's signing secret: 5 % of the webhook's JavaScript CPU in the
   * benchmark's profile, docs/benchmarks-history.md). They are no more secret than the master key held
   * beside them. Purposes are a small set plus one per test account; the bound guards misuse.
   */
  private readonly derived = new Map<string, Buffer>();

  constructor(master: Buffer) {
    if (master.length !== 32) throw new Error('TENDER_SECRET_KEY must decode to exactly 32 bytes');
    this.master = master;
  }

  static fromString(value: string): KeyRing {
    const trimmed = value.trim();
    const buf = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    return new KeyRing(buf);
  }

  static generate(): string {
    return randomBytes(32).toString('base64');
  }

  derive(purpose: string): Buffer {
    let key = this.derived.get(purpose);
    if (key === undefined) {
      key = Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), `tender:${purpose}`, 32));
      if (this.derived.size >= 1024) this.derived.clear();
      this.derived.set(purpose, key);
    }
    // A copy: a caller that changes what it got cannot change the next caller's key.
    return Buffer.from(key);
  }

  /** AES-256-GCM; output `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  seal(plaintext: string, purpose = 'secrets'): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.derive(purpose), iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, purpose = 'secrets'): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised sealed secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.derive(purpose), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

export function sha256Hex(value: string): string {
  // One-shot crypto.hash (Node ≥ 20.12): no Hash object per call — every authenticated request
  // hashes its app token (0.3–1 µs instead of 1–1.6 µs here).
  return hash('sha256', value, 'hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
