import type { AppContext } from '../context.js';
import type { AccountType, CaptureMethod, GatewayAccount } from '../gateways/gateway.js';
import type { ChangeFeed, Queryable } from './db.js';
import { FeedCache } from './feed-cache.js';

export interface AccountRow {
  id: number;
  identifier: string;
  type: AccountType;
  localize_infos: Record<string, unknown>;
  is_visible: boolean;
  test_mode: boolean;
  settings: Record<string, unknown>;
  test_settings: Record<string, unknown>;
  secrets: string | null;
  test_secrets: string | null;
  success_url: string | null;
  cancel_url: string | null;
  session_lifetime_sec: number;
  capture_method: CaptureMethod;
  updated_at: Date;
  is_used: boolean;
}

const SELECT = `SELECT a.*, EXISTS (SELECT 1 FROM orders o WHERE o.payment_account_id = a.id) AS is_used FROM payment_accounts a`;

export async function listAccounts(q: Queryable, options: { visibleOnly: boolean }): Promise<AccountRow[]> {
  const { rows } = await q.query<AccountRow>(`${SELECT} ${options.visibleOnly ? 'WHERE a.is_visible' : ''} ORDER BY a.id`);
  return rows;
}

export async function getAccount(q: Queryable, id: number): Promise<AccountRow | undefined> {
  const { rows } = await q.query<AccountRow>(`${SELECT} WHERE a.id = $1`, [id]);
  return rows[0];
}

/**
 * An account for the payment engine, which never needs `is_used` (an EXISTS over all orders),
 * with the gateway reference of one session in the same round trip when `sessionId` is given.
 */
export async function getEngineAccount(q: Queryable, id: number, sessionId?: number): Promise<(AccountRow & { session_gateway_ref: string | null }) | undefined> {
  const { rows } = await q.query<AccountRow & { session_gateway_ref: string | null }>(
    `SELECT a.*, false AS is_used, (SELECT s.gateway_ref FROM payment_sessions s WHERE s.id = $2) AS session_gateway_ref
       FROM payment_accounts a WHERE a.id = $1`,
    [id, sessionId ?? null],
  );
  return rows[0];
}

/**
 * Engine account rows (no session reference) per database, kept exact by the change feed:
 * migration 0012 announces every update or deletion of an account, so a webhook or a session
 * creation reads the row from here instead of a round trip, and never a version older than
 * the last committed change this process has heard of. Nothing is served while the feed is not
 * live. Callers treat the row as read-only (it is shared).
 */
const engineAccounts = new WeakMap<ChangeFeed, FeedCache<number, AccountRow>>();

export async function getCachedEngineAccount(ctx: AppContext, q: Queryable, id: number): Promise<AccountRow | undefined> {
  const feed = ctx.db.changes;
  let cache = engineAccounts.get(feed);
  if (!cache) {
    cache = new FeedCache<number, AccountRow>(feed, {
      max: 1000,
      ttlMs: 60_000,
      serveWhenNotLive: false,
      stale: (kind, changed, accountId) => kind === 'account' && (changed === '*' || Number(changed) === accountId),
    });
    engineAccounts.set(feed, cache);
  }
  return cache.get(id, () => getEngineAccount(q, id));
}

/**
 * Decrypted secrets by their sealed text (which changes whenever they are re-sealed), so hot
 * paths do not decrypt and parse them on every gateway call. Bounded; plain text stays in memory
 * only, as it does while a call is made.
 */
const openedByKeys = new WeakMap<object, Map<string, Record<string, string>>>();

function openSecrets(ctx: AppContext, sealed: string): Record<string, string> {
  let opened = openedByKeys.get(ctx.keys);
  if (!opened) {
    opened = new Map();
    openedByKeys.set(ctx.keys, opened);
  }
  const hit = opened.get(sealed);
  if (hit) return hit;
  const secrets = JSON.parse(ctx.keys.open(sealed, 'account-secrets')) as Record<string, string>;
  if (opened.size >= 256) opened.delete(opened.keys().next().value!);
  opened.set(sealed, secrets);
  return secrets;
}

/** The account as its adapter needs it: the active mode's settings, secrets decrypted. */
export function toGatewayAccount(ctx: AppContext, row: AccountRow): GatewayAccount {
  const sealed = row.test_mode ? row.test_secrets : row.secrets;
  return {
    id: row.id,
    identifier: row.identifier,
    type: row.type,
    testMode: row.test_mode,
    captureMethod: row.capture_method,
    sessionLifetimeSec: row.session_lifetime_sec,
    successUrl: row.success_url,
    cancelUrl: row.cancel_url,
    // Copies: the row may be the process's cached one (getCachedEngineAccount), shared by requests.
    settings: row.test_mode ? { ...row.settings, ...row.test_settings } : { ...row.settings },
    secrets: sealed ? { ...openSecrets(ctx, sealed) } : {},
  };
}
