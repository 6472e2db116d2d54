/**
 * What Tender sends to create a Checkout Session (`type: 'session'`) or a PaymentIntent
 * (`type: 'intent'`) for one of its payment sessions.
 */
import type Stripe from 'stripe';
import type { GatewayAccount, SessionInput } from '../gateway.js';
import { PaymentsError } from '../../errors.js';
import { isStripeAmount, toStripeAmount } from './stripe-amounts.js';
import { StripeGatewayError } from './stripe-client.js';

/** Metadata keys linking Stripe objects back to Tender (strings, as Stripe stores them). */
export const META_SESSION = 'tender_session_id';
export const META_ORDER = 'tender_order_id';
export const META_CAPTURE = 'tender_capture_method';

/** Stripe accepts a Checkout Session expiry between 30 minutes and 24 hours after creation. */
const MIN_EXPIRY_SEC = 30 * 60 + 60;
const MAX_EXPIRY_SEC = 24 * 60 * 60 - 60;

export function metadataFor(account: GatewayAccount, session: SessionInput): Record<string, string> {
  const m: Record<string, string> = { [META_SESSION]: String(session.id), [META_CAPTURE]: account.captureMethod };
  if (session.orderId !== null) m[META_ORDER] = String(session.orderId);
  return m;
}

export function checkoutParams(account: GatewayAccount, session: SessionInput, now: Date): Stripe.Checkout.SessionCreateParams {
  const successUrl = session.successUrl ?? account.successUrl;
  const cancelUrl = session.cancelUrl ?? account.cancelUrl;
  if (!successUrl) {
    throw new StripeGatewayError('stripe_not_configured', `Payment account ${account.identifier} has no success URL; Stripe Checkout needs one to send the customer back (set successUrl on the account)`);
  }
  const metadata = metadataFor(account, session);
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: 'payment',
    line_items: lineItems(session),
    success_url: successUrl,
    expires_at: expiresAt(session.expiresAt, now),
    client_reference_id: String(session.id),
    metadata,
    payment_intent_data: { capture_method: account.captureMethod, metadata },
  };
  if (cancelUrl) params.cancel_url = cancelUrl;
  if (session.automaticTax) params.automatic_tax = { enabled: true };
  if (session.customerEmail) params.customer_email = session.customerEmail;
  const types = paymentMethodTypes(account);
  if (types) params.allowed_payment_method_types = types;
  return params;
}

export function intentParams(account: GatewayAccount, session: SessionInput): Stripe.PaymentIntentCreateParams {
  if (session.automaticTax) {
    // Stripe computes tax automatically only in Checkout (and Invoices); a bare PaymentIntent
    // charges exactly its amount. Refusing beats silently collecting no tax.
    throw new PaymentsError('bad_request', 'Stripe automatic tax is only available for sessions of type "session" (Stripe Checkout); create the session with type "session" or without automaticTaxEnabled');
  }
  const { amount, currency } = toStripeAmount(session.amount);
  const params: Stripe.PaymentIntentCreateParams = {
    amount,
    currency,
    capture_method: account.captureMethod,
    metadata: metadataFor(account, session),
    description: session.orderId !== null ? `Order ${session.orderId}` : `Tender session ${session.id}`,
  };
  const types = paymentMethodTypes(account);
  if (types) params.allowed_payment_method_types = types;
  else params.automatic_payment_methods = { enabled: true };
  if (session.customerEmail) params.receipt_email = session.customerEmail;
  return params;
}

/**
 * The order's lines when they add up to the session amount and Stripe can take each price;
 * otherwise one line for the whole amount (a discount, a partial collection, or a 3-decimal
 * price Stripe cannot take alone while the total is fine). The total itself is never rounded.
 */
function lineItems(session: SessionInput): Stripe.Checkout.SessionCreateParams.LineItem[] {
  const { amount: total, currency } = toStripeAmount(session.amount);
  const sum = session.lines.reduce((s, l) => s + l.unitAmount * BigInt(l.quantity), 0n);
  const usable = session.lines.length > 0 && sum === session.amount.amount &&
    session.lines.every((l) => l.quantity > 0 && isStripeAmount({ amount: l.unitAmount, currency: session.amount.currency }));
  if (usable) {
    return session.lines.map((l) => ({
      quantity: l.quantity,
      price_data: { currency, unit_amount: toStripeAmount({ amount: l.unitAmount, currency: session.amount.currency }).amount, product_data: { name: l.title.slice(0, 250) || `Product ${l.productId}` } },
    }));
  }
  const name = session.orderId !== null ? `Order ${session.orderId}` : `Payment ${session.id}`;
  return [{ quantity: 1, price_data: { currency, unit_amount: total, product_data: { name } } }];
}

/**
 * Tender's session expiry as Stripe's `expires_at`, moved into the window Stripe accepts. A
 * lifetime under 31 minutes is lengthened (the admin API refuses such lifetimes for Stripe
 * accounts); one over 24 hours is shortened, and Stripe's `checkout.session.expired` closes
 * Tender's session early.
 */
function expiresAt(expires: Date, now: Date): number {
  const nowSec = Math.floor(now.getTime() / 1000);
  const wanted = Math.floor(expires.getTime() / 1000);
  return Math.min(Math.max(wanted, nowSec + MIN_EXPIRY_SEC), nowSec + MAX_EXPIRY_SEC);
}

/** `settings.allowedPaymentMethodTypes` (e.g. `["card"]`); default: Stripe's dynamic payment methods. */
function paymentMethodTypes(account: GatewayAccount): string[] | null {
  const types = account.settings.allowedPaymentMethodTypes;
  return Array.isArray(types) && types.length > 0 && types.every((t) => typeof t === 'string') ? (types as string[]) : null;
}
