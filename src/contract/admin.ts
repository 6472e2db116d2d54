/**
 * Wire schemas of Tender's own admin API (`/api/admin/...`). Not part of the OneEntry contract;
 * amounts follow the same convention (decimal major units plus integer minor-unit twins).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id, MAX_ID } from './common.js';
import { orderEntityProperties } from './orders.js';
import { paymentSessionProperties } from './payments.js';

const offset = Type.Integer({ minimum: 0, maximum: MAX_ID, default: 0, description: 'Items to skip.' });
const limit = Type.Integer({ minimum: 1, maximum: 100, default: 30, description: 'Page size (1..100).' });
const userId = Type.Optional(Id('Only items of this user.'));
const total = Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'Total matching items.' });

/** Query of the admin order list. */
export const AdminOrdersQuery = Type.Object(
  {
    offset: Type.Optional(offset),
    limit: Type.Optional(limit),
    status: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only orders with this `statusIdentifier`.' })),
    userId,
  },
  { title: 'AdminOrdersQuery', description: 'Filters and pagination of all orders.' },
);
export type AdminOrdersQuery = Static<typeof AdminOrdersQuery>;

/** An order of any user, with its owner and storage. */
export const AdminOrder = Type.Object(
  {
    ...orderEntityProperties,
    userId: Id('Owner\'s user id.'),
    userIdentifier: Type.String({ description: 'Owner\'s login.' }),
    storageIdentifier: Type.String({ description: 'Marker of the order storage.' }),
    paymentAccountIdentifier: Type.String({ description: '`identifier` of the payment account.' }),
  },
  { title: 'AdminOrder', description: 'An order as seen by an administrator.', additionalProperties: true },
);
export type AdminOrder = Static<typeof AdminOrder>;

/** Answer of the admin order list. */
export const AdminOrdersPage = Type.Object(
  { items: Type.Array(AdminOrder), total },
  { title: 'AdminOrdersPage', description: 'One page of all orders.', additionalProperties: true },
);
export type AdminOrdersPage = Static<typeof AdminOrdersPage>;

/** Query of the admin session list. */
export const AdminSessionsQuery = Type.Object(
  {
    offset: Type.Optional(offset),
    limit: Type.Optional(limit),
    status: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only sessions with this status.' })),
    userId,
  },
  { title: 'AdminSessionsQuery', description: 'Filters and pagination of all payment sessions.' },
);
export type AdminSessionsQuery = Static<typeof AdminSessionsQuery>;

/** A payment session of any user. */
export const AdminSession = Type.Object(
  { ...paymentSessionProperties, userId: Id('Owner\'s user id.') },
  { title: 'AdminSession', description: 'A payment session as seen by an administrator.', additionalProperties: true },
);
export type AdminSession = Static<typeof AdminSession>;

/** Answer of the admin session list. */
export const AdminSessionsPage = Type.Object(
  { items: Type.Array(AdminSession), total },
  { title: 'AdminSessionsPage', description: 'One page of all payment sessions.', additionalProperties: true },
);
export type AdminSessionsPage = Static<typeof AdminSessionsPage>;

/**
 * `POST /api/admin/payments/sessions/:id/receive`: record that a manual payment (cash, bank
 * transfer) for this session was received. Answers the updated `PaymentSession`.
 */
export const ReceivePaymentBody = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Free text for the audit log.' })),
    reference: Type.Optional(Type.String({ maxLength: 200, description: 'External reference, e.g. a receipt number.' })),
  },
  { title: 'ReceivePaymentBody', description: 'Mark a manual payment as received.', additionalProperties: false },
);
export type ReceivePaymentBody = Static<typeof ReceivePaymentBody>;
