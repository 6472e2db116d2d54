import { customAlphabet } from 'nanoid';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Unbiased (nanoid rejects the bytes past the last multiple of 62), from a pooled random buffer. */
const base62 = customAlphabet(ALPHABET);

/**
 * A random provider id such as `tgpi_4fQk…` (base62, ~131 bits for 22 characters).
 *
 * Why not hex: these ids travel in URLs and webhook bodies, where Tender's card-data guard and
 * log redaction look for Luhn-valid runs of 13–19 digits. Hex ids are 62% digits and would
 * now and then contain such a run (a request refused as "card data"); in base62 a 13-digit
 * run has a probability of about 1e-10.
 */
export function randomId(prefix: string, length = 22): string {
  return prefix + base62(length);
}
