/**
 * Wire schemas of the admin payment-accounts API (`/api/admin/accounts`). Secrets (API keys,
 * webhook signing secrets, PayPal client secret) are write-only: requests may set them, no
 * response ever carries them — only whether each is set and its last four characters.
 * Which secrets and settings each account type takes is checked by the service
 * (src/services/account-admin-validation.ts), with messages that name the field, never its value.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id, IsoDateTime, LocalizeInfos, MAX_ID, Nullable } from './common.js';

const AccountType = Type.Union([Type.Literal('stripe'), Type.Literal('paypal'), Type.Literal('custom'), Type.Literal('test')], {
  description: '`stripe`, `paypal`, `custom` (manual: cash, bank transfer) or `test` (Tender\'s offline test gateway).',
});
const CaptureMethod = Type.Union([Type.Literal('automatic'), Type.Literal('manual')], {
  description: '`automatic`: captured on authorization; `manual`: held until the merchant captures.',
});
const Url = (description: string) => Nullable(Type.String({ minLength: 1, maxLength: 2000, pattern: '^https?://', description }));
const Settings = (description: string) => Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { description });

/**
 * Secrets to store, per type — stripe: `secretKey` (sk_… or rk_…), `webhookSecret` (whsec_…);
 * paypal: `clientId`, `clientSecret`, `webhookId`. On PATCH a given key replaces the stored
 * value, `null` removes it, and keys left out are kept.
 */
const secretsDescription = 'Secrets to store (write-only), e.g. `{"secretKey": "sk_test_…", "webhookSecret": "whsec_…"}`.';
const SecretValue = Type.String({ minLength: 1, maxLength: 500 });
const SecretsInput = Type.Record(Type.String({ maxLength: 50 }), SecretValue, { description: secretsDescription });
// Null first: under Ajv's type coercion a `null` tried against the string branch first would become "".
const SecretsChange = Type.Record(Type.String({ maxLength: 50 }), Type.Union([Type.Null(), SecretValue]), { description: `${secretsDescription} \`null\` removes one.` });

/** One stored secret as responses show it. */
export const MaskedSecret = Type.Object(
  {
    set: Type.Boolean({ description: 'Whether a value is stored.' }),
    last4: Type.Optional(Type.String({ maxLength: 4, description: 'Last four characters, to recognise the key (left out for short values).' })),
  },
  { title: 'MaskedSecret', description: 'A secret as responses show it: never the value.', additionalProperties: false },
);
export type MaskedSecret = Static<typeof MaskedSecret>;

const MaskedSecrets = Type.Record(Type.String(), MaskedSecret, { description: 'Each secret field of the account type, masked.' });

export const AdminAccount = Type.Object(
  {
    id: Id('Account id.'),
    identifier: Type.String({ description: 'Account marker; orders name it as `paymentAccountIdentifier`.' }),
    type: AccountType,
    title: Type.String({ description: 'Display title (from `localizeInfos`).' }),
    localizeInfos: LocalizeInfos(),
    isVisible: Type.Boolean({ description: 'Shown to storefront users in the accounts list.' }),
    isUsed: Type.Boolean({ description: 'Some order uses this account.' }),
    testMode: Type.Boolean({ description: 'Use `testSettings` and `testSecrets` (provider sandbox) instead of the live ones.' }),
    captureMethod: CaptureMethod,
    sessionLifetimeSec: Type.Integer({ description: 'Seconds a payment session stays payable.' }),
    successUrl: Url('Where the customer returns after paying.'),
    cancelUrl: Url('Where the customer returns after giving up.'),
    settings: Settings('Live-mode settings (public: never secrets).'),
    testSettings: Settings('Test-mode settings, merged over `settings` in test mode.'),
    secrets: MaskedSecrets,
    testSecrets: MaskedSecrets,
    webhookUrl: Type.String({ description: 'The URL to configure at the provider for this account\'s events.' }),
    createdDate: IsoDateTime(),
    updatedDate: IsoDateTime(),
  },
  { title: 'AdminAccount', description: 'A payment account as the administrator sees it (secrets masked).' },
);
export type AdminAccount = Static<typeof AdminAccount>;

export const AdminAccountsList = Type.Object(
  { items: Type.Array(AdminAccount), total: Type.Integer({ minimum: 0, maximum: MAX_ID }) },
  { title: 'AdminAccountsList', description: 'All payment accounts.' },
);
export type AdminAccountsList = Static<typeof AdminAccountsList>;

const editable = {
  title: Type.String({ minLength: 1, maxLength: 200, description: 'Display title (stored as `localizeInfos.en_US.title`).' }),
  localizeInfos: LocalizeInfos(),
  isVisible: Type.Boolean(),
  testMode: Type.Boolean(),
  captureMethod: CaptureMethod,
  sessionLifetimeSec: Type.Integer({ minimum: 60, maximum: 2592000, description: 'Seconds a payment session stays payable (Stripe: 1800–86400).' }),
  successUrl: Url('Where the customer returns after paying (Stripe Checkout requires it).'),
  cancelUrl: Url('Where the customer returns after giving up.'),
  settings: Settings('Live-mode settings; public, so secrets are refused here.'),
  testSettings: Settings('Test-mode settings.'),
};

export const CreateAccountBody = Type.Object(
  {
    identifier: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Unique marker: letters, digits, `_` and `-` (1–64).' }),
    type: AccountType,
    ...editable,
    isVisible: Type.Optional(editable.isVisible),
    testMode: Type.Optional(editable.testMode),
    captureMethod: Type.Optional(editable.captureMethod),
    sessionLifetimeSec: Type.Optional(editable.sessionLifetimeSec),
    successUrl: Type.Optional(editable.successUrl),
    cancelUrl: Type.Optional(editable.cancelUrl),
    localizeInfos: Type.Optional(editable.localizeInfos),
    settings: Type.Optional(editable.settings),
    testSettings: Type.Optional(editable.testSettings),
    secrets: Type.Optional(SecretsInput),
    testSecrets: Type.Optional(SecretsInput),
  },
  { title: 'CreateAccountBody', additionalProperties: false },
);
export type CreateAccountBody = Static<typeof CreateAccountBody>;

export const UpdateAccountBody = Type.Object(
  {
    identifier: Type.Optional(CreateAccountBody.properties.identifier),
    title: Type.Optional(editable.title),
    localizeInfos: Type.Optional(editable.localizeInfos),
    isVisible: Type.Optional(editable.isVisible),
    testMode: Type.Optional(editable.testMode),
    captureMethod: Type.Optional(editable.captureMethod),
    sessionLifetimeSec: Type.Optional(editable.sessionLifetimeSec),
    successUrl: Type.Optional(editable.successUrl),
    cancelUrl: Type.Optional(editable.cancelUrl),
    settings: Type.Optional(editable.settings),
    testSettings: Type.Optional(editable.testSettings),
    secrets: Type.Optional(Type.Union([Type.Null(), SecretsChange], { description: '`null` removes every live secret.' })),
    testSecrets: Type.Optional(Type.Union([Type.Null(), SecretsChange], { description: '`null` removes every test secret.' })),
  },
  { title: 'UpdateAccountBody', additionalProperties: false, description: 'Only the fields given change; the type cannot change.' },
);
export type UpdateAccountBody = Static<typeof UpdateAccountBody>;

export const TestConnectionResult = Type.Object(
  {
    ok: Type.Boolean(),
    testMode: Type.Boolean({ description: 'Which mode\'s credentials were tried.' }),
    message: Type.String({ description: 'What the provider answered (never a key).' }),
  },
  { title: 'TestConnectionResult' },
);
export type TestConnectionResult = Static<typeof TestConnectionResult>;
