/**
 * Wire schemas of the AuthProvider module: base `/api/content/users-auth-providers`.
 * See §3 of /work/shared/api/oneentry-sdk-contract.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { BooleanResult, FormDataInput, FormDataOutput, Id, IsoDateTime, LocalizeInfos, Marker, Nullable } from './common.js';

const userIdentifier = Type.String({ minLength: 1, maxLength: 254, description: 'The user\'s login, e.g. an email.' });
const eventIdentifier = Type.String({ minLength: 1, maxLength: 100, description: 'Marker of the event that sends the code.' });
const code = Type.String({ minLength: 1, maxLength: 32, description: 'One-time code sent to the user.' });
const password = Type.String({ minLength: 1, maxLength: 256, description: 'Password (plain text over TLS).' });
// No minLength: an empty (or, after Ajv's coercion, null) token must reach the handler and get
// the same 401 `invalid_refresh_token` as an unknown one, not a schema 400.
const token = Type.String({ maxLength: 2048 });

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** One credential of `authData`: `{marker, value}` (e.g. `email_reg` / `password_reg`). */
export const AuthDataItem = Type.Object(
  {
    marker: Type.String({ minLength: 1, maxLength: 100, description: 'Auth form attribute marker.' }),
    value: Type.String({ maxLength: 1024, description: 'Attribute value (login or password).' }),
  },
  { title: 'AuthDataItem', description: 'One credential field.' },
);
export type AuthDataItem = Static<typeof AuthDataItem>;

const authData = Type.Array(AuthDataItem, { minItems: 1, maxItems: 20 });

/** Contact channels for codes and notifications (as answered: every required key present). */
export const NotificationData = Type.Object(
  {
    email: Type.String({ maxLength: 254, description: 'Email for notifications.' }),
    phonePush: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, description: 'Push targets.' }),
    phoneSMS: Type.Optional(Type.String({ maxLength: 32, description: 'Phone for SMS; left out when empty.' })),
  },
  { title: 'NotificationData', description: 'Notification channels of a user.' },
);
export type NotificationData = Static<typeof NotificationData>;

/**
 * `notificationData` as accepted in a sign-up: the SDK passes the caller's object through, so
 * `phonePush` may be missing and `phoneSMS` may be `''` (a raw client need not strip it).
 */
export const NotificationDataInput = Type.Object(
  {
    email: Type.Optional(Type.String({ maxLength: 254, description: 'Email for notifications; defaults to the login.' })),
    phonePush: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, description: 'Push targets.' })),
    phoneSMS: Type.Optional(Type.String({ maxLength: 32, description: 'Phone for SMS; empty means none.' })),
  },
  { title: 'NotificationDataInput', description: 'Notification channels given at sign-up.' },
);
export type NotificationDataInput = Static<typeof NotificationDataInput>;

/**
 * `POST …/marker/:marker/users/sign-up`. Unknown keys are tolerated (and ignored): the OneEntry
 * SDK sends the caller's own object, so a refusal would break callers that carry extra fields.
 */
export const SignUpBody = Type.Object(
  {
    formIdentifier: Marker('Marker of the sign-up form.'),
    langCode: Type.Optional(Type.String({ maxLength: 16, description: 'Language the SDK used to wrap formData.' })),
    authData,
    formData: Type.Optional(FormDataInput),
    notificationData: Type.Optional(NotificationDataInput),
  },
  { title: 'SignUpBody', description: 'User registration.' },
);
export type SignUpBody = Static<typeof SignUpBody>;

/** `POST …/marker/:marker/users/auth`. The SDK sends the caller's object verbatim: extra keys are ignored. */
export const AuthBody = Type.Object(
  { authData },
  { title: 'AuthBody', description: 'Login with credentials.' },
);
export type AuthBody = Static<typeof AuthBody>;

/**
 * `POST …/marker/:marker/users/refresh`. `refreshToken` is optional in the schema on purpose:
 * the OneEntry SDK sends `{}` when it holds no token, and the handler must answer that with a
 * non-2xx JSON error (401) rather than a schema 400 it could not tell apart.
 */
export const RefreshBody = Type.Object(
  { refreshToken: Type.Optional(token) },
  { title: 'RefreshBody', description: 'Exchange a refresh token for a new token pair.', additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

/**
 * `POST …/marker/:marker/users/logout`. Without a token (or with one of another user) the
 * caller's current session is ended.
 */
export const LogoutBody = Type.Object(
  { refreshToken: Type.Optional(token) },
  { title: 'LogoutBody', description: 'Revoke one refresh token and its session.', additionalProperties: false },
);
export type LogoutBody = Static<typeof LogoutBody>;

/** `POST …/marker/:marker/users/generate-code` */
export const GenerateCodeBody = Type.Object(
  { userIdentifier, eventIdentifier },
  { title: 'GenerateCodeBody', description: 'Send a one-time code to the user.', additionalProperties: false },
);
export type GenerateCodeBody = Static<typeof GenerateCodeBody>;

/** `POST …/marker/:marker/users/check-code` */
export const CheckCodeBody = Type.Object(
  { userIdentifier, eventIdentifier, code },
  { title: 'CheckCodeBody', description: 'Check a one-time code.', additionalProperties: false },
);
export type CheckCodeBody = Static<typeof CheckCodeBody>;

/** `POST …/marker/:marker/users/activate` */
export const ActivateBody = Type.Object(
  { userIdentifier, code },
  { title: 'ActivateBody', description: 'Activate a user with a one-time code.', additionalProperties: false },
);
export type ActivateBody = Static<typeof ActivateBody>;

/** `POST …/marker/:marker/users/change-password`. `type`: 1 = change, 2 = recovery. */
export const ChangePasswordBody = Type.Object(
  {
    userIdentifier,
    eventIdentifier,
    code,
    type: Type.Union([Type.Literal(1), Type.Literal(2)], { description: '1 = change, 2 = recovery.' }),
    password1: password,
    password2: password,
  },
  { title: 'ChangePasswordBody', description: 'Change or recover a password.', additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/**
 * Answer of `auth` and `refresh`. All four keys are required: under strict validation the
 * OneEntry SDK refuses the login (and stores no token) without `userIdentifier` and
 * `authProviderIdentifier`.
 */
export const AuthEntity = Type.Object(
  {
    userIdentifier: Type.String({ description: 'The user\'s login.' }),
    authProviderIdentifier: Type.String({ description: 'Marker of the auth provider.' }),
    accessToken: Type.String({ description: 'Short-lived Bearer token.' }),
    refreshToken: Type.String({ description: 'Long-lived token; may rotate on refresh.' }),
  },
  { title: 'AuthEntity', description: 'Token pair of a logged-in user.' },
);
export type AuthEntity = Static<typeof AuthEntity>;

/** Answer of `signUp`. */
export const SignUpEntity = Type.Object(
  {
    id: Id('User id.'),
    updatedDate: IsoDateTime(),
    version: Type.Integer({ description: 'Row version.' }),
    identifier: Type.String({ description: 'The user\'s login.' }),
    isActive: Type.Boolean({ description: 'False until activated, for providers that check codes.' }),
    formData: FormDataOutput,
    notificationData: NotificationData,
    locale: Type.Optional(Type.String()),
    createdDate: Type.Optional(IsoDateTime()),
    importId: Type.Optional(Nullable(Type.Unknown())),
    deletedAt: Type.Optional(Nullable(IsoDateTime())),
    isDeleted: Type.Optional(Type.Boolean()),
    state: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    rating: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { title: 'SignUpEntity', description: 'A newly registered user.' },
);
export type SignUpEntity = Static<typeof SignUpEntity>;

/**
 * Provider settings; every value is a string or null (OneEntry sends numbers as strings). All
 * seven keys of the SDK's `IAuthProvidersEntityConfig` are always present.
 */
export const AuthProviderConfig = Type.Object(
  {
    accessTokenTtlSec: Nullable(Type.String(), { description: 'Access token lifetime, seconds.' }),
    refreshTokenTtlMc: Nullable(Type.String(), { description: 'Refresh token lifetime, milliseconds.' }),
    deleteNoneActiveUsersAfterDays: Nullable(Type.String(), { description: 'Days before never-activated users are deleted; null = never.' }),
    systemCodeTlsSec: Nullable(Type.String(), { description: 'One-time code lifetime, seconds.' }),
    systemCodeLength: Nullable(Type.String(), { description: 'Digits in a one-time code.' }),
    oauthAuthUrl: Nullable(Type.String(), { description: 'OAuth authorization URL; null for e-mail providers.' }),
    systemCodeOnlyNumbers: Nullable(Type.String(), { description: '"true" when codes are digits only.' }),
  },
  { title: 'AuthProviderConfig', description: 'Provider settings (strings or null).' },
);
export type AuthProviderConfig = Static<typeof AuthProviderConfig>;

/** One auth provider (`getAuthProviders`, `getAuthProviderByMarker`). */
export const AuthProvider = Type.Object(
  {
    id: Id('Provider id.'),
    identifier: Type.String({ description: 'Provider marker, e.g. `email`.' }),
    type: Type.String({ description: 'Provider type, e.g. `email`.' }),
    formIdentifier: Nullable(Type.String(), { description: 'Marker of the sign-up form.' }),
    userGroupIdentifier: Type.String({ description: 'Group new users join.' }),
    isActive: Type.Boolean(),
    isCheckCode: Type.Boolean({ description: 'Whether new users must activate with a code.' }),
    version: Type.Integer(),
    localizeInfos: LocalizeInfos(),
    config: AuthProviderConfig,
  },
  { title: 'AuthProvider', description: 'An auth provider.' },
);
export type AuthProvider = Static<typeof AuthProvider>;

/** `GET /api/content/users-auth-providers`: a plain array. */
export const AuthProvidersList = Type.Array(AuthProvider, {
  title: 'AuthProvidersList',
  description: 'All auth providers (plain array, not paginated object).',
});
export type AuthProvidersList = Static<typeof AuthProvidersList>;

/** One active session of the current user, described by the device metadata sent at login. */
export const ActiveSession = Type.Object(
  {
    deviceInfo: Type.Object({ os: Type.String(), browser: Type.String(), location: Type.String() }),
  },
  { title: 'ActiveSession', description: 'A logged-in device.' },
);
export type ActiveSession = Static<typeof ActiveSession>;

/** `GET …/marker/:marker/users/sessions`: a plain array. */
export const ActiveSessionsList = Type.Array(ActiveSession, {
  title: 'ActiveSessionsList',
  description: 'Active sessions of the current user.',
});
export type ActiveSessionsList = Static<typeof ActiveSessionsList>;

/** Answer of `generateCode`: JSON `true` (the OneEntry SDK ignores the value). */
export const GenerateCodeResponse = Type.Boolean({
  title: 'GenerateCodeResponse',
  description: 'JSON true once the code is sent.',
});
export type GenerateCodeResponse = Static<typeof GenerateCodeResponse>;

/** Answer of `checkCode`: JSON `true` when the code is valid, else `false`. */
export const CheckCodeResponse = BooleanResult;

/** Answer of `logout`, `logoutAll`, `activateUser` and `changePassword`: JSON `true`. */
export const AuthBooleanResponse = BooleanResult;
