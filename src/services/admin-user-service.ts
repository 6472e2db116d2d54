import type { AppContext } from '../context.js';
import { randomToken } from '../crypto.js';
import { PaymentsError } from '../errors.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type AdminRole = 'owner' | 'viewer';

/** An admin user as the API shows it (never the password hash). */
export interface AdminUserView {
  id: number;
  email: string;
  role: AdminRole;
  /** Signed in with a one-time password: every admin call but changing it answers 403. */
  mustChangePassword: boolean;
}

export interface AdminUserRow {
  id: number;
  email: string;
  password_hash: string;
  role: AdminRole;
  must_change_password: boolean;
  disabled_at: Date | null;
}

/** Shortest password an admin may choose (NIST SP 800-63B asks for at least 8). */
export const MIN_ADMIN_PASSWORD = 10;
const MAX_ADMIN_PASSWORD = 200;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function adminUserView(row: AdminUserRow): AdminUserView {
  return { id: row.id, email: row.email, role: row.role, mustChangePassword: row.must_change_password };
}

export function normalizeAdminEmail(email: string): string {
  return email.trim().toLowerCase();
}

function checkPassword(password: string): void {
  if (password.length < MIN_ADMIN_PASSWORD || password.length > MAX_ADMIN_PASSWORD) {
    throw new PaymentsError('validation_failed', `An admin password has ${MIN_ADMIN_PASSWORD} to ${MAX_ADMIN_PASSWORD} characters`);
  }
}

/**
 * Creates an admin user (`tender admin create`). Without a password one is generated and must
 * be changed at the first sign-in (a one-time password); the caller shows it once.
 */
export async function createAdminUser(
  ctx: AppContext,
  input: { email: string; role: AdminRole; password?: string | undefined },
): Promise<{ user: AdminUserView; password: string; generated: boolean }> {
  const email = normalizeAdminEmail(input.email);
  if (!EMAIL.test(email) || email.length > 254) throw new PaymentsError('validation_failed', `"${input.email}" is not an e-mail address`);
  const generated = input.password === undefined;
  const password = input.password ?? randomToken(15);
  checkPassword(password);
  const { rows } = await ctx.db.query<AdminUserRow>(
    `INSERT INTO admin_users (email, password_hash, role, must_change_password) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO NOTHING RETURNING *`,
    [email, await hashPassword(password), input.role, generated],
  );
  if (!rows[0]) throw new PaymentsError('user_exists', `An admin user ${email} already exists`);
  return { user: adminUserView(rows[0]), password, generated };
}

export async function findAdminUser(ctx: AppContext, email: string): Promise<AdminUserRow | undefined> {
  const { rows } = await ctx.db.query<AdminUserRow>('SELECT * FROM admin_users WHERE email = $1', [normalizeAdminEmail(email)]);
  return rows[0];
}

/** Replaces a password after checking the current one; clears the one-time flag. */
export async function changeAdminPassword(ctx: AppContext, userId: number, current: string, next: string): Promise<AdminUserView> {
  const { rows } = await ctx.db.query<AdminUserRow>('SELECT * FROM admin_users WHERE id = $1 AND disabled_at IS NULL', [userId]);
  const row = rows[0];
  if (!row || !(await verifyPassword(row.password_hash, current))) {
    throw new PaymentsError('invalid_credentials', 'The current password is wrong');
  }
  checkPassword(next);
  if (next === current) throw new PaymentsError('validation_failed', 'The new password must differ from the current one');
  const updated = await ctx.db.query<AdminUserRow>(
    'UPDATE admin_users SET password_hash = $2, must_change_password = false, updated_at = now() WHERE id = $1 RETURNING *',
    [userId, await hashPassword(next)],
  );
  return adminUserView(updated.rows[0]!);
}
