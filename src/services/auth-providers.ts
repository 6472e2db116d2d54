import type { AuthProvider } from '../contract/auth.js';
import type { AppContext } from '../context.js';
import { PaymentsError } from '../errors.js';
import { findFormAttributes, findProvider, listProviders, type FormAttribute, type ProviderRow } from '../store/user-store.js';

/** The provider named by a route's `:marker`; 404 `provider_not_found` when there is none. */
export async function getProvider(ctx: AppContext, marker: string): Promise<ProviderRow> {
  const provider = await findProvider(ctx.db, marker);
  if (!provider) throw new PaymentsError('provider_not_found', `Auth provider "${marker}" not found`);
  return provider;
}

/** Like {@link getProvider}, but a disabled provider refuses sign-ups, logins and codes (403). */
export async function getActiveProvider(ctx: AppContext, marker: string): Promise<ProviderRow> {
  const provider = await getProvider(ctx, marker);
  if (!provider.is_active) throw new PaymentsError('forbidden', `Auth provider "${marker}" is disabled`);
  return provider;
}

/** The attributes of the provider's sign-up/sign-in form (empty when it has none). */
export async function providerFormAttributes(ctx: AppContext, provider: ProviderRow): Promise<FormAttribute[]> {
  if (!provider.form_identifier) return [];
  return (await findFormAttributes(ctx.db, provider.form_identifier)) ?? [];
}

export async function listProviderViews(ctx: AppContext, query: { langCode: string; offset: number; limit: number }): Promise<AuthProvider[]> {
  const rows = await listProviders(ctx.db, query);
  return rows.map((row) => toProviderView(row, query.langCode));
}

export async function getProviderView(ctx: AppContext, marker: string, langCode: string): Promise<AuthProvider> {
  return toProviderView(await getProvider(ctx, marker), langCode);
}

/**
 * The wire shape of a provider. `config` values are strings or null, as OneEntry sends them;
 * `refreshTokenTtlMc` is in milliseconds ("мс"), the other durations in seconds. Tender never
 * deletes users that were not activated, and codes are digits only.
 */
export function toProviderView(row: ProviderRow, langCode: string): AuthProvider {
  return {
    id: row.id,
    identifier: row.identifier,
    type: row.type,
    formIdentifier: row.form_identifier,
    userGroupIdentifier: row.user_group_identifier,
    isActive: row.is_active,
    isCheckCode: row.is_check_code,
    version: row.version,
    localizeInfos: localized(row.localize_infos, langCode),
    config: {
      accessTokenTtlSec: String(row.access_token_ttl_sec),
      refreshTokenTtlMc: String(row.refresh_token_ttl_sec * 1000),
      deleteNoneActiveUsersAfterDays: null,
      systemCodeTlsSec: String(row.code_ttl_sec),
      systemCodeLength: String(row.code_length),
      oauthAuthUrl: null,
      systemCodeOnlyNumbers: 'true',
    },
  };
}

/**
 * Texts of one language: stored as `{"en_US": {title}}`, answered flat (`{title}`) for the
 * requested language, falling back to en_US and then to any language present.
 */
function localized(infos: Record<string, unknown>, langCode: string): Record<string, unknown> {
  const pick = infos[langCode] ?? infos.en_US ?? Object.values(infos)[0];
  return pick && typeof pick === 'object' && !Array.isArray(pick) ? (pick as Record<string, unknown>) : {};
}
