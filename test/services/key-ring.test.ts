import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyRing, sha256Hex } from '../../src/crypto.js';

describe('KeyRing', () => {
  const master = randomBytes(32);
  const ring = new KeyRing(master);
  const hkdf = (purpose: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `tender:${purpose}`, 32));

  it('derives the HKDF-SHA256 key of each purpose, the same on every call (kept after the first)', () => {
    for (const purpose of ['secrets', 'access-jwt', 'test-gateway-webhook:1', 'test-gateway-webhook:2']) {
      expect(ring.derive(purpose).equals(hkdf(purpose))).toBe(true);
      expect(ring.derive(purpose).equals(hkdf(purpose))).toBe(true);
    }
    expect(ring.derive('test-gateway-webhook:1').equals(ring.derive('test-gateway-webhook:2'))).toBe(false);
  });

  it('hands out a copy: changing a derived key changes nobody else\'s', () => {
    const first = ring.derive('admin-csrf');
    first.fill(0);
    expect(ring.derive('admin-csrf').equals(hkdf('admin-csrf'))).toBe(true);
  });

  it('still derives correctly past its bound of kept keys', () => {
    for (let i = 0; i < 1100; i++) ring.derive(`test-gateway-webhook:${i}`);
    expect(ring.derive('test-gateway-webhook:7').equals(hkdf('test-gateway-webhook:7'))).toBe(true);
    expect(ring.derive('secrets').equals(hkdf('secrets'))).toBe(true);
  });

  it('seals and opens with the kept key as with a fresh ring', () => {
    const sealed = ring.seal('{"apiKey":"sk_test_123"}');
    expect(new KeyRing(master).open(sealed)).toBe('{"apiKey":"sk_test_123"}');
    expect(ring.open(new KeyRing(master).seal('x', 'other'), 'other')).toBe('x');
  });

  it('hashes tokens with SHA-256 as lower-case hex (the stored hashes of existing tokens keep matching)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('tk_é')).toBe(createHash('sha256').update('tk_é', 'utf8').digest('hex'));
  });
});
