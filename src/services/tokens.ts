import type { AppContext } from '../context.js';
import { randomToken, sha256Hex } from '../crypto.js';

/** App tokens identify a storefront (`x-app-token`). Only their SHA-256 is stored. */
export async function createAppToken(ctx: AppContext, name: string): Promise<{ id: number; token: string }> {
  const token = `tnd_app_${randomToken(24)}`;
  const { rows } = await ctx.db.query<{ id: number }>(
    'INSERT INTO app_tokens (name, token_hash, token_prefix) VALUES ($1, $2, $3) RETURNING id',
    [name, sha256Hex(token), token.slice(0, 12)],
  );
  return { id: rows[0]!.id, token };
}

/** Admin tokens authenticate the admin API; never accepted as app tokens and vice versa. */
export async function createAdminToken(ctx: AppContext, name: string, role: 'owner' | 'viewer' = 'owner'): Promise<{ id: number; token: string }> {
  const token = `tnd_adm_${randomToken(24)}`;
  const { rows } = await ctx.db.query<{ id: number }>(
    'INSERT INTO admin_tokens (name, role, token_hash, token_prefix) VALUES ($1, $2, $3, $4) RETURNING id',
    [name, role, sha256Hex(token), token.slice(0, 12)],
  );
  return { id: rows[0]!.id, token };
}
