/**
 * Wire schemas of the Payments module: base `/api/content/payments`.
 * See §5 of /work/shared/api/oneentry-sdk-contract.md.
 *
 * `amount` is a decimal in major units (`12.5` = 12.50 USD), as in OneEntry; Tender adds the
 * integer twin `amountMinor` and the `currency` it is expressed in.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CurrencyCode, Id, IsoDateTime, LocalizeInfos, MAX_ID, MajorAmount, MinorAmount, Nullable } from './common.js';

/** Kind of payment session: a hosted checkout page (`session`) or a client-confirmed intent (`intent`). */
export const SessionType = Type.Union([Type.Literal('session'), Type.Literal('intent')], {
  title: 'SessionType',
  description: '`session`: hosted checkout with a redirect link; `intent`: payment intent confirmed by the client.',
});
export type SessionType = Static<typeof SessionType>;

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** `POST /api/content/payments/sessions` */
export const CreateSessionBody = Type.Object(
  {
    orderId: Id('Order to pay.'),
    type: SessionType,
    automaticTaxEnabled: Type.Optional(Type.Boolean({ description: 'Let the gateway compute taxes. Default false.' })),
  },
  { title: 'CreateSessionBody', description: 'Start paying an order.', additionalProperties: false },
);
export type CreateSessionBody = Static<typeof CreateSessionBody>;

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/** Properties of {@link PaymentSession}, shared with the admin session schema. */
export const paymentSessionProperties = {
  id: Id('Session id.'),
  orderId: Id('Order id.'),
  amount: Type.Optional(Nullable(MajorAmount('Amount to pay, decimal in major units (12.5 = 12.50).'))),
  status: Type.String({ description: 'Free-form status, e.g. `waiting` or `completed`.' }),
  createdDate: IsoDateTime(),
  updatedDate: IsoDateTime(),
  type: SessionType,
  paymentAccountId: Id('Id of the payment account named by the order\'s `paymentAccountIdentifier`.'),
  paymentUrl: Nullable(Type.String(), { description: 'Gateway checkout link; null for cash/custom accounts. Always present.' }),
  clientSecret: Type.Optional(Type.String({ description: 'Client secret of an intent. Left out, never null.' })),
  amountMinor: Type.Optional(MinorAmount('Tender: amount in minor units (integer), twin of `amount`.')),
  currency: Type.Optional(CurrencyCode('Tender: ISO currency code of `amount`/`amountMinor`.')),
  gatewayStatus: Type.Optional(Nullable(Type.String(), { description: 'Tender: the provider\'s raw status.' })),
  sessionId: Type.Optional(Nullable(Type.String(), { description: 'Tender: the provider\'s reference of this session.' })),
  expiresAt: Type.Optional(Nullable(IsoDateTime(), { description: 'Tender: when the session expires.' })),
  paymentId: Type.Optional(Nullable(Id(), { description: 'Tender: the payment created once authorized.' })),
};

/** A payment session (`ISessionEntity`). */
export const PaymentSession = Type.Object(paymentSessionProperties, {
  title: 'PaymentSession',
  description: 'One attempt to pay an order through a payment account.',
  additionalProperties: true,
});
export type PaymentSession = Static<typeof PaymentSession>;

/** `GET /api/content/payments/sessions/`: `{items, total}`. */
export const SessionsPage = Type.Object(
  {
    items: Type.Array(PaymentSession),
    total: Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'Total sessions of the current user.' }),
  },
  { title: 'SessionsPage', description: 'One page of the current user\'s payment sessions.', additionalProperties: true },
);
export type SessionsPage = Static<typeof SessionsPage>;

/** `GET /api/content/payments/sessions/order/:orderId`: one session, or an array of them. */
export const SessionByOrder = Type.Union([PaymentSession, Type.Array(PaymentSession)], {
  title: 'SessionByOrder',
  description: 'The session of an order (one object; an array is also valid for the OneEntry SDK).',
});
export type SessionByOrder = Static<typeof SessionByOrder>;

/** A payment account (`IAccountsEntity`). `settings` never contains secrets. */
export const PaymentAccount = Type.Object(
  {
    id: Id('Account id.'),
    identifier: Type.String({ description: 'Account marker, e.g. `cash`; an order\'s `paymentAccountIdentifier`.' }),
    isVisible: Type.Boolean(),
    isUsed: Type.Boolean(),
    testMode: Type.Boolean(),
    type: Type.String({ description: '`stripe` or `custom` (OneEntry values).' }),
    settings: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Public settings, e.g. `{status}`. Never contains secrets.',
    }),
    testSettings: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Public test-mode settings. Left out, never null.' }),
    ),
    localizeInfos: LocalizeInfos(),
    updatedDate: IsoDateTime(),
  },
  { title: 'PaymentAccount', description: 'A configured payment account.', additionalProperties: true },
);
export type PaymentAccount = Static<typeof PaymentAccount>;

/** `GET /api/content/payments/accounts`: a plain array. */
export const PaymentAccountsList = Type.Array(PaymentAccount, {
  title: 'PaymentAccountsList',
  description: 'All payment accounts.',
});
export type PaymentAccountsList = Static<typeof PaymentAccountsList>;
