/**
 * Payment accounts for the administrator: create, read, change, and test the provider
 * credentials. Secrets are validated per account type, sealed with AES-256-GCM (the key ring
 * of TENDER_SECRET_KEY) before they touch the database, and only ever shown masked.
 */
import type { AdminAccount, AdminAccountsList, CreateAccountBody, TestConnectionResult, UpdateAccountBody } from '../contract/accounts.js';
import type { AppContext } from '../context.js';
import { PaymentsError } from '../errors.js';
import { getAccount, listAccounts, toGatewayAccount, type AccountRow } from '../store/account-store.js';
import type { Queryable } from '../store/db.js';
import { testConnection } from './account-admin-connection.js';
import { validateLifetime, validateSecrets, validateSettings } from './account-admin-validation.js';
import { adminAccountView, openSecrets, sealSecrets } from './account-admin-views.js';

type Row = AccountRow & { created_at: Date };

export async function listAdminAccounts(ctx: AppContext): Promise<AdminAccountsList> {
  const rows = (await listAccounts(ctx.db, { visibleOnly: false })) as Row[];
  return { items: rows.map((r) => adminAccountView(ctx, r)), total: rows.length };
}

export async function getAdminAccount(ctx: AppContext, id: number): Promise<AdminAccount> {
  return adminAccountView(ctx, await load(ctx.db, id));
}

export async function createAdminAccount(ctx: AppContext, body: CreateAccountBody): Promise<AdminAccount> {
  const testMode = body.testMode ?? body.type === 'test';
  const lifetime = body.sessionLifetimeSec ?? 3600;
  const settings = body.settings ?? {};
  const testSettings = body.testSettings ?? {};
  const secrets = body.secrets ?? {};
  const testSecrets = body.testSecrets ?? {};
  validateLifetime(body.type, lifetime);
  validateSettings(body.type, 'settings', settings);
  validateSettings(body.type, 'testSettings', testSettings);
  validateSecrets(body.type, 'live', secrets);
  validateSecrets(body.type, 'test', testSecrets);
  const id = await ctx.db.transaction(async (tx) => {
    await assertFreeIdentifier(tx, body.identifier, null);
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO payment_accounts (identifier, type, localize_infos, is_visible, test_mode, settings, test_settings, secrets, test_secrets,
         success_url, cancel_url, session_lifetime_sec, capture_method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [body.identifier, body.type, localizeInfos(body.localizeInfos, body.title), body.isVisible ?? true, testMode,
        JSON.stringify(settings), JSON.stringify(testSettings), sealSecrets(ctx, secrets), sealSecrets(ctx, testSecrets),
        body.successUrl ?? null, body.cancelUrl ?? null, lifetime, body.captureMethod ?? 'automatic'],
    );
    return rows[0]!.id;
  }).catch(uniqueToConflict(body.identifier));
  ctx.log.info({ accountId: id, type: body.type }, 'payment account created');
  return getAdminAccount(ctx, id);
}

/** Only the fields given change. Secrets: a given key replaces, `null` removes, absent keeps. */
export async function updateAdminAccount(ctx: AppContext, id: number, body: UpdateAccountBody): Promise<AdminAccount> {
  await ctx.db.transaction(async (tx) => {
    const row = await load(tx, id, true);
    const settings = body.settings ?? row.settings;
    const testSettings = body.testSettings ?? row.test_settings;
    const lifetime = body.sessionLifetimeSec ?? row.session_lifetime_sec;
    if (body.sessionLifetimeSec !== undefined) validateLifetime(row.type, lifetime);
    if (body.settings) validateSettings(row.type, 'settings', settings);
    if (body.testSettings) validateSettings(row.type, 'testSettings', testSettings);
    const secrets = mergeSecrets(openSecrets(ctx, row.secrets), body.secrets);
    const testSecrets = mergeSecrets(openSecrets(ctx, row.test_secrets), body.testSecrets);
    if (body.secrets !== undefined) validateSecrets(row.type, 'live', secrets);
    if (body.testSecrets !== undefined) validateSecrets(row.type, 'test', testSecrets);
    if (body.identifier !== undefined && body.identifier !== row.identifier) await assertFreeIdentifier(tx, body.identifier, id);
    const infos = body.localizeInfos !== undefined || body.title !== undefined
      ? localizeInfos(body.localizeInfos ?? row.localize_infos, body.title)
      : row.localize_infos;
    await tx.query(
      `UPDATE payment_accounts SET identifier = $2, localize_infos = $3, is_visible = $4, test_mode = $5, settings = $6, test_settings = $7,
         secrets = $8, test_secrets = $9, success_url = $10, cancel_url = $11, session_lifetime_sec = $12, capture_method = $13,
         updated_at = now() WHERE id = $1`,
      [id, body.identifier ?? row.identifier, infos, body.isVisible ?? row.is_visible, body.testMode ?? row.test_mode,
        JSON.stringify(settings), JSON.stringify(testSettings),
        body.secrets === undefined ? row.secrets : sealSecrets(ctx, secrets),
        body.testSecrets === undefined ? row.test_secrets : sealSecrets(ctx, testSecrets),
        body.successUrl === undefined ? row.success_url : body.successUrl,
        body.cancelUrl === undefined ? row.cancel_url : body.cancelUrl,
        lifetime, body.captureMethod ?? row.capture_method],
    );
  }).catch(uniqueToConflict(body.identifier ?? ''));
  ctx.db.changes.announce(`account:${id}`); // this process's next request already sees the change
  // Which fields changed, never their values.
  ctx.log.info({ accountId: id, fields: Object.keys(body) }, 'payment account updated');
  return getAdminAccount(ctx, id);
}

/** Asks the provider whether the active mode's credentials work; the answer never holds a key. */
export async function testAdminAccountConnection(ctx: AppContext, id: number): Promise<TestConnectionResult> {
  const row = await load(ctx.db, id);
  const account = toGatewayAccount(ctx, row);
  const result = await testConnection(account);
  ctx.log.info({ accountId: id, ok: result.ok }, 'payment account connection tested');
  return { ...result, testMode: account.testMode };
}

function mergeSecrets(current: Record<string, string>, change: Record<string, string | null> | null | undefined): Record<string, string> {
  if (change === undefined) return current;
  if (change === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

async function load(q: Queryable, id: number, forUpdate = false): Promise<Row> {
  if (forUpdate) await q.query('SELECT 1 FROM payment_accounts WHERE id = $1 FOR UPDATE', [id]);
  const row = (await getAccount(q, id)) as Row | undefined;
  if (!row) throw new PaymentsError('account_not_found', `Payment account ${id} not found`);
  return row;
}

async function assertFreeIdentifier(q: Queryable, identifier: string, exceptId: number | null): Promise<void> {
  const { rowCount } = await q.query('SELECT 1 FROM payment_accounts WHERE identifier = $1 AND id IS DISTINCT FROM $2', [identifier, exceptId]);
  if (rowCount > 0) throw new PaymentsError('conflict', `A payment account with identifier "${identifier}" already exists`);
}

/** Two concurrent creates with one identifier: the unique index refuses the second. */
function uniqueToConflict(identifier: string) {
  return (err: unknown): never => {
    if ((err as { code?: string }).code === '23505') throw new PaymentsError('conflict', `A payment account with identifier "${identifier}" already exists`);
    throw err;
  };
}

function localizeInfos(infos: Record<string, unknown> | undefined, title: string | undefined): Record<string, unknown> {
  const base = { ...(infos ?? {}) };
  if (title === undefined) return base;
  const en = (base.en_US && typeof base.en_US === 'object' ? base.en_US : {}) as Record<string, unknown>;
  return { ...base, en_US: { ...en, title } };
}
