/**
 * Types of the admin API added with the panel (sign-in, list filters, status-mapping preview,
 * dashboard, payment accounts, webhooks), derived from the server's wire schemas with
 * `Static<>`. Type-only: no runtime dependency on TypeBox or server code.
 *
 * Amounts in these types are integers in MINOR units with their `currency` (`volumeMinor:
 * 1250` with `currency: 'USD'` is 12.50 USD), unless a field says otherwise.
 */
import type { Static } from '@sinclair/typebox';
import type * as Panel from '../contract/admin-panel.js';

/** An administrator of the panel: `owner` (everything) or `viewer` (read only). */
export type AdminUser = Static<typeof Panel.AdminUser>;
/** The signed-in admin and the CSRF token the SDK sends on writes made with the session cookie. */
export type AdminSessionInfo = Static<typeof Panel.AdminSessionInfo>;
/** Query of `GET /api/admin/payments/sessions`. */
export type AdminSessionsListQuery = Static<typeof Panel.AdminSessionsListQuery>;
/** One page of payment sessions with the customer, the order status and the account. */
export type AdminSessionsListPage = Static<typeof Panel.AdminSessionsListPage>;
/** One page of payments with the customer, the order status and the account. */
export type AdminPaymentsListPage = Static<typeof Panel.AdminPaymentsListPage>;
/** A payment as the admin list shows it. */
export type AdminPaymentListItem = AdminPaymentsListPage['items'][number];
/** A session as the admin list shows it. */
export type AdminSessionListItem = AdminSessionsListPage['items'][number];
/** Orders a proposed status-mapping change concerns. */
export type AffectedOrders = Static<typeof Panel.AffectedOrders>;
/** The dashboard's figures (minor units per currency). */
export type Dashboard = Static<typeof Panel.Dashboard>;
/** Window of the dashboard, in days. */
export type DashboardDays = 7 | 30 | 90;
/** Every order storage with its statuses. */
export type AdminOrderStorages = Static<typeof Panel.AdminOrderStorages>;
