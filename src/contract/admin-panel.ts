/**
 * Wire schemas of the admin API added for the panel at /admin: admin-user sign-in (cookie
 * sessions), the Payments table's filters and sorting, the status-mapping preview and the
 * dashboard. Usable without the panel (an admin token works for everything but sign-in).
 * Amounts here are integers in MINOR units with their currency.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id, IsoDateTime, MAX_ID, MinorAmount, Nullable } from './common.js';
import { Payment } from './engine.js';
import { AdminSession } from './admin.js';

const Role = Type.Union([Type.Literal('owner'), Type.Literal('viewer')], {
  description: '`owner`: everything; `viewer`: read only (every mutating call answers 403).',
});

export const AdminUser = Type.Object(
  {
    id: Id(),
    email: Type.String(),
    role: Role,
    mustChangePassword: Type.Boolean({ description: 'Signed in with a one-time password: change it before anything else.' }),
  },
  { title: 'AdminUser', description: 'An administrator of the panel (not a storefront user).' },
);
export type AdminUser = Static<typeof AdminUser>;

export const AdminLoginBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { title: 'AdminLoginBody', additionalProperties: false },
);
export type AdminLoginBody = Static<typeof AdminLoginBody>;

export const AdminSessionInfo = Type.Object(
  {
    user: AdminUser,
    csrfToken: Type.String({ description: 'Send as `x-csrf-token` on every mutating request made with the session cookie.' }),
    expiresAt: IsoDateTime('When the session ends (12 h after sign-in).'),
  },
  { title: 'AdminSessionInfo', description: 'The signed-in admin; the session itself is the HttpOnly cookie `tender_admin`.' },
);
export type AdminSessionInfo = Static<typeof AdminSessionInfo>;

export const ChangeAdminPasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
    newPassword: Type.String({ minLength: 10, maxLength: 200, description: '10 to 200 characters.' }),
  },
  { title: 'ChangeAdminPasswordBody', additionalProperties: false },
);
export type ChangeAdminPasswordBody = Static<typeof ChangeAdminPasswordBody>;

const Sort = Type.Union([Type.Literal('created_desc'), Type.Literal('created_asc'), Type.Literal('amount_desc'), Type.Literal('amount_asc')], {
  default: 'created_desc', description: 'Order of the list (default newest first).',
});
const Email = Type.String({ minLength: 1, maxLength: 254, description: 'Customer\'s login (e-mail), case-insensitive substring.' });
const From = IsoDateTime('Created at or after this time.');
const To = IsoDateTime('Created before this time.');
const Page = {
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ID, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
};
const Filters = {
  orderId: Type.Optional(Id('Only this order.')),
  accountId: Type.Optional(Id('Only this payment account.')),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  customerEmail: Type.Optional(Email),
  createdFrom: Type.Optional(From),
  createdTo: Type.Optional(To),
  sort: Type.Optional(Sort),
};

/** Query of `GET /api/admin/payments`. */
export const AdminPaymentsListQuery = Type.Object(
  { ...Page, status: Type.Optional(Type.String({ maxLength: 40, description: 'Tender\'s payment status (`captured`, not `completed`).' })), ...Filters },
  { title: 'AdminPaymentsListQuery' },
);
export type AdminPaymentsListQuery = Static<typeof AdminPaymentsListQuery>;

/** Query of `GET /api/admin/payments/sessions`. */
export const AdminSessionsListQuery = Type.Object(
  {
    ...Page,
    status: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only sessions with this (stored) status: pending, requires_more, requires_action, authorized, canceled, expired, failed.' })),
    userId: Type.Optional(Id('Only sessions of this user.')),
    ...Filters,
  },
  { title: 'AdminSessionsListQuery' },
);
export type AdminSessionsListQuery = Static<typeof AdminSessionsListQuery>;

const adminListFields = {
  customerEmail: Nullable(Type.String({ description: 'The customer\'s login.' })),
  orderStatus: Nullable(Type.String({ description: 'The order\'s status identifier.' })),
  accountIdentifier: Type.String({ description: 'The payment account\'s identifier.' }),
};

export const AdminPaymentListItem = Type.Object({ ...Payment.properties, ...adminListFields }, { title: 'AdminPaymentListItem', additionalProperties: true });
export const AdminPaymentsListPage = Type.Object(
  { items: Type.Array(AdminPaymentListItem), total: Type.Integer({ minimum: 0, maximum: MAX_ID }) },
  { title: 'AdminPaymentsListPage' },
);
export type AdminPaymentsListPage = Static<typeof AdminPaymentsListPage>;

export const AdminSessionListItem = Type.Object(
  { ...AdminSession.properties, ...adminListFields, accountType: Type.String({ description: 'The payment account\'s type: `custom` sessions are paid by hand (mark received).' }) },
  { title: 'AdminSessionListItem', additionalProperties: true },
);
export const AdminSessionsListPage = Type.Object(
  { items: Type.Array(AdminSessionListItem), total: Type.Integer({ minimum: 0, maximum: MAX_ID }) },
  { title: 'AdminSessionsListPage' },
);
export type AdminSessionsListPage = Static<typeof AdminSessionsListPage>;

/** `?mappings=completed:paid,refunded:` — proposed changes (an empty target removes one). */
export const AffectedOrdersQuery = Type.Object(
  {
    mappings: Type.String({
      maxLength: 2000, pattern: '^([a-z_]+:[A-Za-z0-9_.:-]*)(,[a-z_]+:[A-Za-z0-9_.:-]*)*$',
      description: 'Comma-separated `paymentStatus:orderStatus` pairs; an empty order status means "remove".',
    }),
  },
  { title: 'AffectedOrdersQuery' },
);
export type AffectedOrdersQuery = Static<typeof AffectedOrdersQuery>;

export const AffectedOrder = Type.Object(
  {
    orderId: Id(),
    paymentStatus: Type.String({ description: 'The order\'s payment (collection) status now.' }),
    orderStatus: Nullable(Type.String({ description: 'The order\'s status now.' })),
    targetStatus: Nullable(Type.String({ description: 'The status the new mapping names (null: mapping removed).' })),
    totalMinor: MinorAmount(),
    currency: Type.String(),
    updatedAt: IsoDateTime(),
  },
  { title: 'AffectedOrder' },
);
export const AffectedOrders = Type.Object(
  {
    items: Type.Array(AffectedOrder, { description: 'Up to 100 orders, newest first.' }),
    total: Type.Integer({ minimum: 0, maximum: MAX_ID }),
  },
  { title: 'AffectedOrders', description: 'Orders in this storage whose payment status has a changed mapping and whose order status differs from it.' },
);
export type AffectedOrders = Static<typeof AffectedOrders>;

export const DashboardQuery = Type.Object(
  { days: Type.Optional(Type.Union([Type.Literal(7), Type.Literal(30), Type.Literal(90)], { default: 30, description: 'The last 7, 30 or 90 days (UTC), today included.' })) },
  { title: 'DashboardQuery' },
);
export type DashboardQuery = Static<typeof DashboardQuery>;

const Rate = Type.Object(
  {
    attempts: Type.Integer({ minimum: 0 }),
    succeeded: Type.Integer({ minimum: 0 }),
    rate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'succeeded / attempts; null without attempts.' })),
  },
);

export const Dashboard = Type.Object(
  {
    days: Type.Integer(),
    from: IsoDateTime('Start of the window (00:00 UTC of its first day).'),
    to: IsoDateTime('End of the window (now).'),
    dates: Type.Array(Type.String({ format: 'date' }), { description: 'Every day of the window, oldest first (YYYY-MM-DD, UTC).' }),
    totals: Type.Array(
      Type.Object({
        currency: Type.String(),
        payments: Type.Integer({ description: 'Payments created in the window.' }),
        volumeMinor: MinorAmount('Sum of their authorized amounts.'),
        capturedMinor: MinorAmount('Sum of their captured amounts.'),
        refundedMinor: MinorAmount('Sum of the refunds that succeeded in the window.'),
        refunds: Type.Integer({ description: 'Refunds that succeeded in the window.' }),
      }),
      { description: 'Per currency, sorted by code.' },
    ),
    daily: Type.Array(
      Type.Object({
        date: Type.String({ format: 'date' }),
        currency: Type.String(),
        payments: Type.Integer(),
        volumeMinor: MinorAmount(),
        capturedMinor: MinorAmount(),
        refundedMinor: MinorAmount(),
      }),
      { description: 'Per UTC day and currency (days without payments or refunds left out).' },
    ),
    authorization: Type.Object(Rate.properties, { description: 'Sessions created in the window that got an authorization outcome (authorized, or a declined attempt): how many ended authorized.' }),
    capture: Type.Object(Rate.properties, { description: 'Captures started in the window that settled (succeeded or failed): how many succeeded.' }),
    statuses: Type.Array(Type.Object({ status: Type.String({ description: 'Wire status (`completed` for captured).' }), count: Type.Integer() }), {
      description: 'Payments created in the window, by status.',
    }),
  },
  { title: 'Dashboard', description: 'Payment figures of the last N days. Amounts are integers in minor units of `currency`.' },
);
export type Dashboard = Static<typeof Dashboard>;

export const AdminOrderStorages = Type.Object(
  {
    items: Type.Array(Type.Object({
      identifier: Type.String(),
      title: Type.String(),
      orderStatuses: Type.Array(Type.String(), { description: 'Identifiers of the storage\'s order statuses, in display order.' }),
    })),
  },
  { title: 'AdminOrderStorages', description: 'Every order storage with its statuses.' },
);
export type AdminOrderStorages = Static<typeof AdminOrderStorages>;
