import type { NotificationData, NotificationDataInput, SignUpBody, SignUpEntity } from '../contract/auth.js';
import type { FormDataInput, FormDataItem } from '../contract/common.js';
import type { AppContext } from '../context.js';
import { PaymentsError } from '../errors.js';
import { deleteInactiveUser, findUser, insertUser, type FormAttribute, type UserRow } from '../store/user-store.js';
import { ACTIVATE_EVENT, assertCanSendCodes, issueCode } from './auth-codes.js';
import { assertValidLogin, assertValidPassword, credentialMarkers, isEmail, readCredentials } from './auth-credentials.js';
import { getActiveProvider, providerFormAttributes } from './auth-providers.js';
import { hashPassword } from './passwords.js';

/**
 * `POST …/users/sign-up`. The user is active at once unless the provider checks codes; then an
 * `activate` code is sent, and when it cannot be sent the new user is removed again (503), so a
 * retry can sign up the same login.
 */
export async function signUp(ctx: AppContext, marker: string, body: SignUpBody): Promise<SignUpEntity> {
  const provider = await getActiveProvider(ctx, marker);
  if (provider.form_identifier && body.formIdentifier !== provider.form_identifier) {
    throw new PaymentsError('validation_failed', `Auth provider "${provider.identifier}" signs up with form "${provider.form_identifier}"`);
  }
  const attributes = await providerFormAttributes(ctx, provider);
  const markers = credentialMarkers(attributes);
  const { identifier, password } = readCredentials(provider, markers, body.authData);
  assertValidLogin(provider, identifier);
  assertValidPassword(password);
  const notificationData = notificationDataFor(identifier, body.notificationData);
  if (provider.is_check_code) assertCanSendCodes(ctx);
  // Cheap early answer for the common duplicate; the insert below is what is race-safe.
  if (await findUser(ctx.db, provider.id, identifier)) throw userExists();

  const user = await insertUser(ctx.db, {
    providerId: provider.id,
    identifier,
    passwordHash: await hashPassword(password),
    isActive: !provider.is_check_code,
    formIdentifier: provider.form_identifier ?? body.formIdentifier,
    formData: profileFields(body.formData, body.langCode, attributes, markers.password),
    notificationData,
    locale: body.langCode ?? null,
  });
  if (!user) throw userExists();
  if (provider.is_check_code) {
    try {
      await issueCode(ctx, provider, user, ACTIVATE_EVENT);
    } catch (err) {
      await deleteInactiveUser(ctx.db, user.id);
      throw err;
    }
  }
  return toSignUpEntity(user);
}

function userExists(): PaymentsError {
  return new PaymentsError('user_exists', 'A user with this login already exists');
}

/**
 * The profile fields to keep: the SDK wraps them by language (`{"en_US": [...]}`); the
 * password never goes into them, whatever marker or type it arrives under.
 */
function profileFields(
  formData: FormDataInput | undefined,
  langCode: string | undefined,
  attributes: readonly FormAttribute[],
  passwordMarkers: readonly string[],
): FormDataItem[] {
  if (!formData) return [];
  const items = Array.isArray(formData) ? formData : (formData[langCode ?? ''] ?? Object.values(formData)[0] ?? []);
  const passwordTyped = new Set(attributes.filter((a) => a.type === 'password').map((a) => a.marker));
  return items
    .filter((f) => f.type !== 'password' && !passwordMarkers.includes(f.marker) && !passwordTyped.has(f.marker))
    .map((f) => ({ marker: f.marker, type: f.type, value: f.value }));
}

function notificationDataFor(identifier: string, input: NotificationDataInput | undefined): NotificationData {
  const email = input?.email?.trim() || (isEmail(identifier) ? identifier : '');
  if (email && !isEmail(email)) throw new PaymentsError('validation_failed', 'notificationData.email must be an e-mail address');
  const out: NotificationData = { email, phonePush: input?.phonePush ?? [] };
  if (input?.phoneSMS) out.phoneSMS = input.phoneSMS;
  return out;
}

/** The wire shape of a user: what SignUpResponseSchema requires and nothing secret. */
export function toSignUpEntity(user: UserRow): SignUpEntity {
  const notification = user.notification_data;
  const entity: SignUpEntity = {
    id: user.id,
    identifier: user.identifier,
    isActive: user.is_active,
    formData: (Array.isArray(user.form_data) ? user.form_data : []) as FormDataItem[],
    notificationData: {
      email: typeof notification.email === 'string' ? notification.email : '',
      phonePush: Array.isArray(notification.phonePush) ? (notification.phonePush as string[]) : [],
      ...(typeof notification.phoneSMS === 'string' && notification.phoneSMS ? { phoneSMS: notification.phoneSMS } : {}),
    },
    version: user.version,
    createdDate: new Date(user.created_at).toISOString(),
    updatedDate: new Date(user.updated_at).toISOString(),
    isDeleted: false,
    state: user.state ?? {},
  };
  if (user.locale) entity.locale = user.locale;
  return entity;
}
