import { randomBytes } from 'node:crypto';
import type { KeyRing } from '../crypto.js';

const PURPOSE = 'webhook-endpoint-secrets';

/** A new signing secret: `whsec_` + 32 random bytes. The HMAC key is this whole string (UTF-8). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function sealWebhookSecret(keys: KeyRing, secret: string): string {
  return keys.seal(secret, PURPOSE);
}

export interface EndpointSecretsRow {
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
}

/** The secrets to sign with now: the current one, then the previous one while its grace period lasts. */
export function signingSecrets(keys: KeyRing, row: EndpointSecretsRow, now: Date): string[] {
  const out = [keys.open(row.secret_sealed, PURPOSE)];
  if (row.previous_secret_sealed && row.previous_secret_expires_at && row.previous_secret_expires_at > now) {
    out.push(keys.open(row.previous_secret_sealed, PURPOSE));
  }
  return out;
}
