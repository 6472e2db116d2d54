import type { Queryable } from './db.js';

/** `auth_providers` row. */
export interface ProviderRow {
  id: number;
  identifier: string;
  type: string;
  form_identifier: string | null;
  user_group_identifier: string;
  is_active: boolean;
  is_check_code: boolean;
  version: number;
  localize_infos: Record<string, unknown>;
  access_token_ttl_sec: number;
  refresh_token_ttl_sec: number;
  code_ttl_sec: number;
  code_length: number;
}

/** One attribute of a form, as stored in `forms.attributes`. */
export interface FormAttribute {
  marker: string;
  type: string;
  isLogin?: boolean;
  isPassword?: boolean;
  isNotificationEmail?: boolean;
}

/** `users` row. `password_hash` never leaves the services. */
export interface UserRow {
  id: number;
  auth_provider_id: number;
  identifier: string;
  password_hash: string;
  is_active: boolean;
  form_identifier: string | null;
  form_data: unknown[];
  notification_data: Record<string, unknown>;
  state: Record<string, unknown>;
  locale: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const PROVIDER_COLUMNS = `id, identifier, type, form_identifier, user_group_identifier, is_active, is_check_code, version,
  localize_infos, access_token_ttl_sec, refresh_token_ttl_sec, code_ttl_sec, code_length`;

export async function findProvider(q: Queryable, identifier: string): Promise<ProviderRow | undefined> {
  const { rows } = await q.query<ProviderRow>(`SELECT ${PROVIDER_COLUMNS} FROM auth_providers WHERE identifier = $1`, [identifier]);
  return rows[0];
}

export async function listProviders(q: Queryable, page: { offset: number; limit: number }): Promise<ProviderRow[]> {
  const { rows } = await q.query<ProviderRow>(`SELECT ${PROVIDER_COLUMNS} FROM auth_providers ORDER BY id OFFSET $1 LIMIT $2`, [
    page.offset,
    page.limit,
  ]);
  return rows;
}

/** The attributes of a form, or undefined when there is no such form. */
export async function findFormAttributes(q: Queryable, identifier: string): Promise<FormAttribute[] | undefined> {
  const { rows } = await q.query<{ attributes: unknown }>('SELECT attributes FROM forms WHERE identifier = $1', [identifier]);
  const row = rows[0];
  if (!row) return undefined;
  return Array.isArray(row.attributes) ? (row.attributes as FormAttribute[]) : [];
}

export async function findUser(q: Queryable, providerId: number, identifier: string): Promise<UserRow | undefined> {
  const { rows } = await q.query<UserRow>('SELECT * FROM users WHERE auth_provider_id = $1 AND identifier = $2', [providerId, identifier]);
  return rows[0];
}

export interface NewUser {
  providerId: number;
  identifier: string;
  passwordHash: string;
  isActive: boolean;
  formIdentifier: string | null;
  formData: unknown[];
  notificationData: Record<string, unknown>;
  locale: string | null;
}

/** Inserts the user, or returns undefined when the identifier is taken (race-safe). */
export async function insertUser(q: Queryable, u: NewUser): Promise<UserRow | undefined> {
  const { rows } = await q.query<UserRow>(
    `INSERT INTO users (auth_provider_id, identifier, password_hash, is_active, form_identifier, form_data, notification_data, locale)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (auth_provider_id, identifier) DO NOTHING RETURNING *`,
    [u.providerId, u.identifier, u.passwordHash, u.isActive, u.formIdentifier, JSON.stringify(u.formData), JSON.stringify(u.notificationData), u.locale],
  );
  return rows[0];
}

/** Compensation for a sign-up whose activation code could not be sent: only a never-activated user goes. */
export async function deleteInactiveUser(q: Queryable, userId: number): Promise<void> {
  await q.query('DELETE FROM users WHERE id = $1 AND NOT is_active', [userId]);
}

export async function activateUser(q: Queryable, userId: number): Promise<void> {
  await q.query('UPDATE users SET is_active = true, version = version + 1, updated_at = now() WHERE id = $1 AND NOT is_active', [userId]);
}

export async function updatePasswordHash(q: Queryable, userId: number, passwordHash: string): Promise<void> {
  await q.query('UPDATE users SET password_hash = $2, version = version + 1, updated_at = now() WHERE id = $1', [userId, passwordHash]);
}
