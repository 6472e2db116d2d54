import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto.js';
import { PaymentsError } from '../../src/errors.js';
import { signIn } from '../../src/services/auth-login.js';
import { REFRESH_REUSE_GRACE_SEC, logout, refreshSession } from '../../src/services/auth-sessions.js';
import { authenticateAccessToken } from '../../src/services/access-tokens.js';
import { startTender, type TestTender } from '../support/tender.js';

const DEMO = { authData: [{ marker: 'email_reg', value: 'your-user@email.com' }, { marker: 'password_reg', value: '123456' }] };

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof PaymentsError ? err.code : String(err);
  }
}

describe('auth sessions (service, real database)', () => {
  let t: TestTender;
  let offsetMs = 0;
  const advanceMs = (ms: number) => {
    offsetMs += ms;
  };
  beforeAll(async () => {
    t = await startTender({ now: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(() => t?.close());

  it('accepts a rotated token until just before the grace window ends and treats the reuse at 30 s as theft', async () => {
    const first = await signIn(t.ctx, 'email', DEMO, undefined);
    await refreshSession(t.ctx, 'email', first.refreshToken);
    advanceMs(REFRESH_REUSE_GRACE_SEC * 1000 - 1000);
    const again = await refreshSession(t.ctx, 'email', first.refreshToken);
    advanceMs(1000);
    expect(await codeOf(refreshSession(t.ctx, 'email', first.refreshToken))).toBe('invalid_refresh_token');
    expect(await codeOf(refreshSession(t.ctx, 'email', again.refreshToken))).toBe('invalid_refresh_token');
    const { rows } = await t.ctx.db.query<{ revoke_reason: string }>(
      `SELECT s.revoke_reason FROM user_sessions s JOIN refresh_tokens r ON r.session_id = s.id WHERE r.token_hash = $1`,
      [sha256Hex(first.refreshToken)],
    );
    expect(rows[0]?.revoke_reason).toBe('refresh_token_reuse');
  });

  it('a refresh racing a logout of the same session neither deadlocks nor leaves a live token behind', async () => {
    for (let round = 0; round < 3; round++) {
      const tokens = await signIn(t.ctx, 'email', DEMO, undefined);
      const principal = await authenticateAccessToken(t.ctx, tokens.accessToken);
      const results = await Promise.allSettled([
        refreshSession(t.ctx, 'email', tokens.refreshToken),
        logout(t.ctx, 'email', principal, tokens.refreshToken),
        refreshSession(t.ctx, 'email', tokens.refreshToken),
        refreshSession(t.ctx, 'email', tokens.refreshToken),
      ]);
      expect(results[1]).toEqual({ status: 'fulfilled', value: true });
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as PaymentsError).code).toBe('invalid_refresh_token');
        else if (typeof r.value === 'object') {
          expect(await codeOf(refreshSession(t.ctx, 'email', r.value.refreshToken))).toBe('invalid_refresh_token');
          expect(await codeOf(authenticateAccessToken(t.ctx, r.value.accessToken))).toBe('session_revoked');
        }
      }
    }
  });

  it('refuses the refresh token of a user who was deactivated', async () => {
    const tokens = await signIn(t.ctx, 'email', DEMO, undefined);
    await t.ctx.db.query(`UPDATE users SET is_active = false WHERE identifier = 'your-user@email.com'`);
    try {
      expect(await codeOf(refreshSession(t.ctx, 'email', tokens.refreshToken))).toBe('invalid_refresh_token');
    } finally {
      await t.ctx.db.query(`UPDATE users SET is_active = true WHERE identifier = 'your-user@email.com'`);
    }
  });
});
