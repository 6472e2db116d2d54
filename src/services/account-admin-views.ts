import type { AdminAccount, MaskedSecret } from '../contract/accounts.js';
import type { AppContext } from '../context.js';
import type { AccountRow } from '../store/account-store.js';
import { SECRET_FIELDS } from './account-admin-validation.js';

/** Secrets are sealed with this purpose (src/store/account-store.ts opens them with it). */
export const SECRETS_PURPOSE = 'account-secrets';

export function openSecrets(ctx: AppContext, sealed: string | null): Record<string, string> {
  return sealed ? (JSON.parse(ctx.keys.open(sealed, SECRETS_PURPOSE)) as Record<string, string>) : {};
}

export function sealSecrets(ctx: AppContext, secrets: Record<string, string>): string | null {
  return Object.keys(secrets).length === 0 ? null : ctx.keys.seal(JSON.stringify(secrets), SECRETS_PURPOSE);
}

/** The administrator's view of an account: every secret field of its type, masked. */
export function adminAccountView(ctx: AppContext, row: AccountRow & { created_at?: Date }): AdminAccount {
  return {
    id: row.id,
    identifier: row.identifier,
    type: row.type,
    title: titleOf(row.localize_infos) ?? row.identifier,
    localizeInfos: row.localize_infos,
    isVisible: row.is_visible,
    isUsed: row.is_used,
    testMode: row.test_mode,
    captureMethod: row.capture_method,
    sessionLifetimeSec: row.session_lifetime_sec,
    successUrl: row.success_url,
    cancelUrl: row.cancel_url,
    settings: row.settings,
    testSettings: row.test_settings,
    secrets: mask(row.type, openSecrets(ctx, row.secrets)),
    testSecrets: mask(row.type, openSecrets(ctx, row.test_secrets)),
    webhookUrl: `${ctx.config.publicUrl.replace(/\/+$/, '')}/api/webhooks/${row.id}`,
    createdDate: (row.created_at ?? row.updated_at).toISOString(),
    updatedDate: row.updated_at.toISOString(),
  };
}

function mask(type: AccountRow['type'], secrets: Record<string, string>): Record<string, MaskedSecret> {
  const out: Record<string, MaskedSecret> = {};
  for (const field of new Set([...SECRET_FIELDS[type], ...Object.keys(secrets)])) {
    const value = secrets[field];
    // Short values would be mostly revealed by their last four characters.
    out[field] = value ? (value.length >= 16 ? { set: true, last4: value.slice(-4) } : { set: true }) : { set: false };
  }
  return out;
}

function titleOf(infos: Record<string, unknown>): string | null {
  const direct = infos.title;
  if (typeof direct === 'string') return direct;
  for (const v of Object.values(infos)) {
    const t = (v as { title?: unknown } | null)?.title;
    if (typeof t === 'string') return t;
  }
  return null;
}
