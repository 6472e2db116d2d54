import type { AppContext } from '../context.js';
import type { AccountType, CaptureMethod, GatewayAccount } from '../gateways/gateway.js';
import type { Queryable } from './db.js';

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
    settings: row.test_mode ? { ...row.settings, ...row.test_settings } : row.settings,
    secrets: sealed ? (JSON.parse(ctx.keys.open(sealed, 'account-secrets')) as Record<string, string>) : {},
  };
}
