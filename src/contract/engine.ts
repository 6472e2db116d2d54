/**
 * Wire schemas of Tender's payment lifecycle API (beyond the OneEntry contract): payments
 * (seed 001), payment collections and session authorization (seed 003), captures, refunds,
 * refund-request decisions and status mappings. Amounts: decimals in major units on the wire,
 * with integer `…Minor` twins on responses.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DecimalInput, Id, IsoDateTime, MAX_ID, MajorAmount, MinorAmount, Nullable } from './common.js';
import { paymentSessionProperties } from './payments.js';

const Currency = Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO-4217 code; case-insensitive on input.' });
const total = Type.Integer({ minimum: 0, maximum: MAX_ID });

export const ProcessPaymentBody = Type.Object(
  {
    orderId: Id('Order to pay.'),
    amount: Type.Optional(DecimalInput('What the client thinks is due; refused if it differs from the server\'s total.')),
    currency: Currency,
    paymentMethod: Type.Optional(Type.String({ maxLength: 50, description: 'e.g. `card`.' })),
    token: Type.String({ minLength: 1, maxLength: 255, description: 'Gateway token of the payment method (never card data).' }),
  },
  { title: 'ProcessPaymentBody', additionalProperties: false },
);
export type ProcessPaymentBody = Static<typeof ProcessPaymentBody>;

export const Payment = Type.Object(
  {
    id: Id(),
    orderId: Nullable(Id()),
    collectionId: Id(),
    sessionId: Id(),
    amount: MajorAmount(),
    currency: Type.String(),
    status: Type.String({ description: 'requires_action, authorized, partially_captured, completed, partially_refunded, refunded, canceled, failed' }),
    paymentStatus: Type.String({ description: 'Tender\'s payment status (`captured` where `status` says `completed`).' }),
    authorizedAmount: MajorAmount(),
    capturedAmount: MajorAmount(),
    refundedAmount: MajorAmount(),
    amountMinor: MinorAmount(),
    authorizedMinor: MinorAmount(),
    capturedMinor: MinorAmount(),
    refundedMinor: MinorAmount(),
    paymentMethod: Nullable(Type.String()),
    gateway: Type.String({ description: 'Account type: test, stripe, paypal, custom.' }),
    accountId: Id(),
    gatewayTransactionId: Nullable(Type.String()),
    gatewayStatus: Nullable(Type.String()),
    cardDetails: Nullable(Type.Object({ brand: Type.String(), last4: Type.String() })),
    nextAction: Nullable(Type.Record(Type.String(), Type.Unknown())),
    clientSecret: Type.Optional(Type.String()),
    disputed: Type.Boolean(),
    createdAt: IsoDateTime(),
    updatedAt: IsoDateTime(),
  },
  { title: 'Payment', additionalProperties: true },
);

export const PaymentsPage = Type.Object({ items: Type.Array(Payment), total }, { title: 'PaymentsPage' });

export const PaymentStatusView = Type.Object(
  { id: Id(), status: Type.String(), paymentStatus: Type.String(), updatedAt: IsoDateTime() },
  { title: 'PaymentStatus' },
);

export const Operation = Type.Object(
  {
    id: Id(),
    kind: Type.Union([Type.Literal('capture'), Type.Literal('refund')]),
    paymentId: Id(),
    amount: MajorAmount(),
    amountMinor: MinorAmount(),
    currency: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('unknown')]),
    gatewayRef: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
    createdAt: IsoDateTime(),
    updatedAt: IsoDateTime(),
  },
  { title: 'Operation', description: 'A capture or a refund.' },
);

export const OperationResult = Type.Object(
  { operation: Operation, payment: Payment },
  { title: 'OperationResult', description: 'The capture or refund and the payment after it.' },
);

export const CaptureBody = Type.Object(
  { amount: Type.Optional(DecimalInput('Amount to capture; default: everything still capturable.')) },
  { title: 'CaptureBody', additionalProperties: false },
);

export const RefundBody = Type.Object(
  {
    paymentId: Type.Optional(Id('Ignored when the payment id is in the path.')),
    amount: Type.Optional(DecimalInput('Amount to refund; default: everything still refundable.')),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { title: 'RefundBody', additionalProperties: false },
);

export const CreateCollectionBody = Type.Object(
  {
    orderId: Type.Optional(Id('Collect the payment of this order (its total is the amount).')),
    amount: Type.Optional(DecimalInput('For a collection without an order: the amount.')),
    currency: Type.Optional(Currency),
  },
  { title: 'CreateCollectionBody', additionalProperties: false },
);

export const CollectionSessionBody = Type.Object(
  {
    accountIdentifier: Type.String({ minLength: 1, maxLength: 64, description: 'The payment account (provider) to pay with.' }),
    type: Type.Optional(Type.Union([Type.Literal('session'), Type.Literal('intent')], { default: 'intent' })),
  },
  { title: 'CollectionSessionBody', additionalProperties: false },
);

export const Session = Type.Object({ ...paymentSessionProperties, orderId: Nullable(Id('Order id; null for a collection made without an order.')) }, { title: 'Session', additionalProperties: true });

export const Collection = Type.Object(
  {
    id: Id(),
    orderId: Nullable(Id()),
    amount: MajorAmount(),
    amountMinor: MinorAmount(),
    currency: Type.String(),
    status: Type.String({ description: 'Derived from the sums of its payments.' }),
    authorizedAmount: MajorAmount(),
    capturedAmount: MajorAmount(),
    refundedAmount: MajorAmount(),
    sessions: Type.Array(Session),
    payments: Type.Array(Payment),
    createdAt: IsoDateTime(),
    updatedAt: IsoDateTime(),
  },
  { title: 'PaymentCollection', additionalProperties: true },
);

export const AuthorizeBody = Type.Object(
  {
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Gateway token of the payment method.' })),
    paymentMethod: Type.Optional(Type.String({ maxLength: 50 })),
    returnUrl: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { title: 'AuthorizeBody', additionalProperties: false },
);

export const AuthorizeResponse = Type.Object(
  {
    status: Type.Union([Type.Literal('authorized'), Type.Literal('requires_action'), Type.Literal('requires_more')], {
      description: '`requires_action`: the customer must act (see nextAction), then authorize again; `requires_more`: more input (e.g. a payment method) is needed.',
    }),
    session: Session,
    payment: Nullable(Payment),
    nextAction: Nullable(Type.Record(Type.String(), Type.Unknown())),
    message: Nullable(Type.String()),
  },
  { title: 'AuthorizeResponse' },
);

export const ApproveRefundBody = Type.Object(
  { amount: Type.Optional(DecimalInput('Approve part of the request; default: all of it.')), note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { title: 'ApproveRefundBody', additionalProperties: false },
);

export const RejectRefundBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { title: 'RejectRefundBody', additionalProperties: false },
);

export const RefundDecision = Type.Object(
  { requestId: Id(), status: Type.String(), refund: Nullable(Operation) },
  { title: 'RefundDecision' },
);

export const StatusMappings = Type.Object(
  {
    storage: Type.String(),
    orderStatuses: Type.Array(Type.String()),
    mappings: Type.Record(Type.String(), Type.String(), { description: 'payment status → order status identifier' }),
  },
  { title: 'StatusMappings' },
);

export const PutStatusMappingsBody = Type.Object(
  { mappings: Type.Record(Type.String({ maxLength: 40 }), Nullable(Type.String({ minLength: 1, maxLength: 64 }))) },
  { title: 'PutStatusMappingsBody', description: 'Set (string) or remove (null) mappings.', additionalProperties: false },
);

export const HistoryEntry = Type.Object(
  {
    id: MinorAmount('Event id (ascending).'),
    entity: Type.String(),
    entityId: Id(),
    action: Type.String(),
    from: Nullable(Type.String()),
    to: Nullable(Type.String()),
    amount: Nullable(MajorAmount()),
    amountMinor: Nullable(MinorAmount()),
    currency: Nullable(Type.String()),
    actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
    gatewayRef: Nullable(Type.String()),
    data: Nullable(Type.Record(Type.String(), Type.Unknown())),
    createdAt: IsoDateTime(),
  },
  { title: 'HistoryEntry' },
);
export const HistoryList = Type.Array(HistoryEntry, { title: 'History' });

export const AdminRefundRequest = Type.Object(
  {
    id: Id(), orderId: Id(), userId: Id(), userIdentifier: Type.String(),
    amount: MajorAmount(), amountMinor: MinorAmount(), currency: Type.String(),
    products: Type.Record(Type.String(), Type.Object({ quantity: Type.Integer() })),
    note: Type.String(), status: Type.String(), merchantNote: Nullable(Type.String()), approvedAmount: Nullable(MajorAmount()),
    createdDate: IsoDateTime(), updatedDate: IsoDateTime(),
  },
  { title: 'AdminRefundRequest' },
);
export const AdminRefundRequestsPage = Type.Object({ items: Type.Array(AdminRefundRequest), total }, { title: 'AdminRefundRequestsPage' });
export const AdminRefundRequestsQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('canceled')])),
  orderId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
});

/** Query of the admin payment list (also used by the SDK's Admin.listPayments). */
export const AdminPaymentsQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
  status: Type.Optional(Type.String({ maxLength: 40 })),
  orderId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  accountId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
});
