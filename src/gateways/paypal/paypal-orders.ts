/**
 * Orders v2 as Tender needs them: the create-order request built from a session, and the SDK's
 * Order reduced to a small view (its one purchase unit's authorization, captures and refunds in
 * Tender money) that the mapping in paypal-actions.ts reads. SDK types stay in this folder.
 */
import {
  CheckoutPaymentIntent, PaypalExperienceUserAction, PaypalWalletContextShippingPreference,
  type ItemRequest, type LinkDescription, type Order, type OrderRequest,
} from '@paypal/paypal-server-sdk';
import type { Money } from '../../domain/money.js';
import { PaymentsError } from '../../errors.js';
import type { GatewayAccount, SessionInput } from '../gateway.js';
import { fromPaypalValue, toPaypalValue } from './paypal-money.js';

const CUSTOM_ID_PREFIX = 'tender-session-';

export interface PaypalMoneyMove {
  id: string;
  status: string;
  amount: Money;
  /** PayPal's reason for PENDING/DENIED (`status_details.reason`). */
  reason: string | null;
}

export interface PaypalRefundView extends PaypalMoneyMove {
  /** The capture the refund belongs to (from its `up` link). */
  captureId: string | null;
  customId: string | null;
}

/** What Tender reads of an order. Tender puts exactly one purchase unit in its orders. */
export interface PaypalOrderView {
  id: string;
  status: string;
  intent: 'CAPTURE' | 'AUTHORIZE';
  /** Tender's session id from the purchase unit's `custom_id`, when the order is Tender's. */
  tenderSessionId: number | null;
  amount: Money | null;
  authorization: PaypalMoneyMove | null;
  captures: PaypalMoneyMove[];
  refunds: PaypalRefundView[];
  /** `paypal`, or `card` when the buyer paid by card through PayPal's page. */
  paymentMethod: string;
  card: { brand: string; last4: string } | null;
  /** The link to send the customer to for approval (`payer-action`, or `approve`). */
  approvalUrl: string | null;
}

export function customIdFor(sessionId: number): string {
  return `${CUSTOM_ID_PREFIX}${sessionId}`;
}

export function sessionIdOf(customId: string | null | undefined): number | null {
  if (!customId?.startsWith(CUSTOM_ID_PREFIX)) return null;
  const n = Number(customId.slice(CUSTOM_ID_PREFIX.length));
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * The create-order body for a session: intent CAPTURE for automatic capture accounts (money is
 * captured when Tender authorizes the approved order), AUTHORIZE for manual ones. The customer
 * approves at PayPal through `payment_source.paypal.experience_context`, which brings them back
 * to the session's (else the account's) success / cancel URL.
 */
export function orderRequest(account: GatewayAccount, session: SessionInput): OrderRequest {
  const value = toPaypalValue(session.amount);
  const currencyCode = session.amount.currency.trim();
  const returnUrl = session.successUrl ?? account.successUrl;
  const cancelUrl = session.cancelUrl ?? account.cancelUrl;
  if (session.type === 'session' && !returnUrl) {
    throw new PaymentsError('validation_failed',
      `PayPal sends the customer back to a return URL after approval: set a success URL (and a cancel URL) on payment account ${account.identifier}`);
  }
  const items = itemsFor(session);
  const request: OrderRequest = {
    intent: account.captureMethod === 'manual' ? CheckoutPaymentIntent.Authorize : CheckoutPaymentIntent.Capture,
    purchaseUnits: [{
      customId: customIdFor(session.id),
      description: session.orderId ? `Order ${session.orderId}` : `Payment ${session.id}`,
      amount: items
        ? { currencyCode, value, breakdown: { itemTotal: { currencyCode, value } } }
        : { currencyCode, value },
      ...(items ? { items } : {}),
    }],
    paymentSource: {
      paypal: {
        experienceContext: {
          userAction: PaypalExperienceUserAction.PayNow,
          ...(returnUrl ? { returnUrl } : {}),
          ...(cancelUrl ? { cancelUrl } : {}),
          ...experienceSettings(account),
        },
      },
    },
  };
  return request;
}

/** Items are sent only when they add up to the amount exactly (PayPal refuses ITEM_TOTAL_MISMATCH). */
function itemsFor(session: SessionInput): ItemRequest[] | null {
  if (session.lines.length === 0 || session.lines.length > 100) return null;
  const currency = session.amount.currency.trim();
  let total = 0n;
  const items: ItemRequest[] = [];
  for (const line of session.lines) {
    if (line.quantity <= 0 || !Number.isSafeInteger(line.quantity) || line.unitAmount < 0n) return null;
    total += line.unitAmount * BigInt(line.quantity);
    let unit: string;
    try {
      unit = toPaypalValue({ amount: line.unitAmount, currency });
    } catch {
      return null;
    }
    items.push({ name: (line.title || `Product ${line.productId}`).slice(0, 127), quantity: String(line.quantity), unitAmount: { currencyCode: currency, value: unit }, sku: String(line.productId) });
  }
  return total === session.amount.amount ? items : null;
}

function experienceSettings(account: GatewayAccount): { brandName?: string; locale?: string; shippingPreference?: PaypalWalletContextShippingPreference } {
  const s = account.settings;
  const out: { brandName?: string; locale?: string; shippingPreference?: PaypalWalletContextShippingPreference } = {};
  if (typeof s.brandName === 'string' && s.brandName) out.brandName = s.brandName.slice(0, 127);
  if (typeof s.locale === 'string' && /^[a-z]{2}(-[A-Z]{2})?$/.test(s.locale)) out.locale = s.locale;
  const ship = s.shippingPreference;
  if (ship === 'GET_FROM_FILE' || ship === 'NO_SHIPPING') out.shippingPreference = ship as PaypalWalletContextShippingPreference;
  return out;
}

/** The SDK's Order reduced to what Tender reads (first purchase unit). */
export function orderView(order: Order): PaypalOrderView {
  const unit = order.purchaseUnits?.[0];
  const payments = unit?.payments;
  const auth = payments?.authorizations?.[0];
  const card = order.paymentSource?.card;
  return {
    id: order.id ?? '',
    status: order.status ?? 'UNKNOWN',
    intent: order.intent === CheckoutPaymentIntent.Authorize ? 'AUTHORIZE' : 'CAPTURE',
    tenderSessionId: sessionIdOf(unit?.customId),
    amount: unit?.amount ? fromPaypalValue(unit.amount.value, unit.amount.currencyCode) : null,
    authorization: auth?.id && auth.amount
      ? { id: auth.id, status: auth.status ?? 'UNKNOWN', amount: fromPaypalValue(auth.amount.value, auth.amount.currencyCode), reason: auth.statusDetails?.reason ?? null }
      : null,
    captures: (payments?.captures ?? []).flatMap((c) => c.id && c.amount
      ? [{ id: c.id, status: c.status ?? 'UNKNOWN', amount: fromPaypalValue(c.amount.value, c.amount.currencyCode), reason: c.statusDetails?.reason ?? null }]
      : []),
    refunds: (payments?.refunds ?? []).flatMap((r) => r.id && r.amount
      ? [{
          id: r.id, status: r.status ?? 'UNKNOWN', amount: fromPaypalValue(r.amount.value, r.amount.currencyCode),
          reason: r.statusDetails?.reason ?? null, captureId: upLinkId(r.links, 'captures'), customId: r.customId ?? null,
        }]
      : []),
    paymentMethod: card ? 'card' : 'paypal',
    card: card?.lastDigits ? { brand: (card.brand ?? 'unknown').toLowerCase(), last4: card.lastDigits.slice(-4) } : null,
    approvalUrl: order.links?.find((l) => l.rel === 'payer-action')?.href ?? order.links?.find((l) => l.rel === 'approve')?.href ?? null,
  };
}

/** The id at the end of a resource's `up` link, e.g. `…/v2/payments/captures/{id}`. */
export function upLinkId(links: LinkDescription[] | { href?: unknown; rel?: unknown }[] | undefined, collection: string): string | null {
  for (const l of links ?? []) {
    if (l.rel !== 'up' || typeof l.href !== 'string') continue;
    const m = new RegExp(`/${collection}/([A-Za-z0-9-]+)$`).exec(l.href);
    if (m) return m[1]!;
  }
  return null;
}
