import type { AuthBody, AuthEntity } from '../contract/auth.js';
import type { AppContext } from '../context.js';
import { PaymentsError } from '../errors.js';
import { findUser } from '../store/user-store.js';
import { credentialMarkers, readCredentials } from './auth-credentials.js';
import { parseDeviceInfo } from './auth-device-info.js';
import { getActiveProvider, providerFormAttributes } from './auth-providers.js';
import { openSession } from './auth-sessions.js';
import { LOGIN_LIMIT, clearThrottle, takeAttempt, throttleKey } from './auth-throttle.js';
import { dummyHash, verifyPassword } from './passwords.js';

/**
 * `POST …/users/auth`: checks the login and password and opens a session. An unknown login and a
 * wrong password get the same 401 after the same argon2 work (a dummy hash stands in for the
 * missing user). Every attempt counts against the login's limit until one succeeds.
 */
export async function signIn(ctx: AppContext, marker: string, body: AuthBody, deviceHeader: unknown): Promise<AuthEntity> {
  const provider = await getActiveProvider(ctx, marker);
  const markers = credentialMarkers(await providerFormAttributes(ctx, provider));
  const { identifier, password } = readCredentials(provider, markers, body.authData);
  const key = throttleKey('login', provider.id, identifier);
  await takeAttempt(ctx, key, LOGIN_LIMIT);

  const user = await findUser(ctx.db, provider.id, identifier);
  const passwordOk = await verifyPassword(user?.password_hash ?? (await dummyHash()), password);
  if (!user || !passwordOk) throw new PaymentsError('invalid_credentials', 'Wrong login or password');
  await clearThrottle(ctx, key);
  if (!user.is_active) throw new PaymentsError('user_inactive', 'This account is not activated yet; activate it with the code that was sent');

  return openSession(ctx, { user, provider, deviceInfo: parseDeviceInfo(deviceHeader) });
}
