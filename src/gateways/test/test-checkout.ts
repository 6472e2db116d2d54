/**
 * What the test gateway's customer pages do: show the checkout form, take a typed card
 * (tokenize, drop the number, confirm), run the 3-D Secure challenge, and send the customer
 * back to the store. Each function answers a page to render or a place to redirect to; the
 * route handlers only parse the request and reply.
 */
import type { GatewayAccount } from '../gateway.js';
import { parseExpiry } from './test-cards.js';
import type { ConfirmOutcome } from './test-confirm.js';
import type { IntentRow } from './test-gateway-store.js';
import { amountText, challengePage, checkoutPage, messagePage } from './test-pages.js';
import type { TestProvider } from './test-provider.js';

export type PageResult = { kind: 'page'; status: number; html: string } | { kind: 'redirect'; location: string };

export interface PageDeps {
  provider: TestProvider;
  /** The payment account an intent belongs to, as the provider knows its merchant. */
  accountOf(accountId: number): Promise<GatewayAccount | undefined>;
  /** Tender's public base URL, read per request (tests learn it after listening). */
  publicUrl(): string;
}

/** The card form as posted; any field may be missing. */
export interface CheckoutForm {
  number?: string;
  expiry?: string;
  cvc?: string;
}

const NOT_FOUND: PageResult = { kind: 'page', status: 404, html: messagePage('Payment not found', 'This payment link is not valid. Return to the store and start the payment again.', { alert: true }) };

export async function showCheckout(deps: PageDeps, intentId: string): Promise<PageResult> {
  const found = await load(deps, intentId);
  if (!found || found.intent.kind !== 'session') return NOT_FOUND;
  const { intent, account } = found;
  if (intent.status !== 'requires_payment_method') return stateResult(deps, intent, account);
  return form(intent, account, 200, intent.last_error?.message);
}

export async function submitCheckout(deps: PageDeps, intentId: string, input: CheckoutForm): Promise<PageResult> {
  const found = await load(deps, intentId);
  if (!found || found.intent.kind !== 'session') return NOT_FOUND;
  const { intent, account } = found;
  if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_action') return stateResult(deps, intent, account);
  const expiry = parseExpiry(input.expiry ?? '');
  if (!expiry) return form(intent, account, 422, 'The expiry date is not valid. Use MM/YY.');
  const token = await deps.provider.tokenize({ number: input.number ?? '', cvc: input.cvc ?? '', ...expiry });
  if (!token.ok) return form(intent, account, 422, token.message);
  const outcome = await deps.provider.confirm(account, intent.id, { tokenId: token.id });
  if (outcome.outcome === 'declined' && outcome.intent?.status === 'requires_payment_method') {
    return form(outcome.intent, account, 402, outcome.message);
  }
  return afterOutcome(deps, outcome, account);
}

export async function showChallenge(deps: PageDeps, intentId: string): Promise<PageResult> {
  const found = await load(deps, intentId);
  if (!found) return NOT_FOUND;
  if (found.intent.status !== 'requires_action') return stateResult(deps, found.intent, found.account);
  return { kind: 'page', status: 200, html: challengePage(found.intent) };
}

export async function submitChallenge(deps: PageDeps, intentId: string, approve: boolean): Promise<PageResult> {
  const found = await load(deps, intentId);
  if (!found) return NOT_FOUND;
  return afterOutcome(deps, await deps.provider.resolveChallenge(found.account, intentId, approve), found.account);
}

/** Tender's own "payment complete" page, for accounts without a success URL. */
export async function showResult(deps: PageDeps, intentId: string): Promise<PageResult> {
  const found = await load(deps, intentId);
  if (!found) return NOT_FOUND;
  const { intent } = found;
  const amount = amountText(intent);
  const card = intent.card_last4 ? ` with the ${intent.card_brand ?? 'card'} card ending in ${intent.card_last4}` : '';
  switch (intent.status) {
    case 'succeeded':
    case 'requires_capture':
      return page(200, messagePage('Payment complete', `${amount} was ${intent.status === 'succeeded' ? 'paid' : 'authorized'}${card}. You can close this page.`));
    case 'requires_action':
      return { kind: 'redirect', location: challengeUrl(deps, intent) };
    case 'requires_payment_method':
      return intent.last_error
        ? page(200, messagePage('Payment failed', intent.last_error.message, { alert: true, ...retryLink(deps, intent) }))
        : page(200, messagePage('Payment not made yet', `${amount} has not been paid.`, retryLink(deps, intent)));
    case 'canceled':
      return closedPage(intent);
  }
}

/** Where a customer goes after a confirm or a challenge. */
function afterOutcome(deps: PageDeps, outcome: ConfirmOutcome, account: GatewayAccount): PageResult {
  const intent = outcome.intent;
  if (!intent) return NOT_FOUND;
  switch (outcome.outcome) {
    case 'authorized':
      return { kind: 'redirect', location: intent.return_url ?? successUrl(deps, intent, account) };
    case 'requires_action':
      return { kind: 'redirect', location: challengeUrl(deps, intent) };
    case 'declined':
      if (intent.status === 'canceled') return closedPage(intent);
      return { kind: 'redirect', location: intent.return_url ?? failureUrl(deps, intent, account) };
  }
}

/** A page for an intent that is not waiting for a card (paid, challenged, closed). */
function stateResult(deps: PageDeps, intent: IntentRow, account: GatewayAccount): PageResult {
  switch (intent.status) {
    case 'requires_payment_method':
      return intent.kind === 'session' ? { kind: 'redirect', location: checkoutUrl(deps, intent) } : { kind: 'redirect', location: resultUrl(deps, intent) };
    case 'requires_action':
      return { kind: 'redirect', location: challengeUrl(deps, intent) };
    case 'requires_capture':
    case 'succeeded':
      return page(200, messagePage('Already paid', `${amountText(intent)} has been paid.`, { link: { href: successUrl(deps, intent, account), text: 'Return to the store' } }));
    case 'canceled':
      return closedPage(intent);
  }
}

function closedPage(intent: IntentRow): PageResult {
  return intent.cancellation_reason === 'expired'
    ? page(410, messagePage('Payment link expired', 'This payment link has expired. Return to the store and start the payment again.', { alert: true }))
    : page(410, messagePage('Payment canceled', 'This payment was canceled by the store.', { alert: true }));
}

function form(intent: IntentRow, account: GatewayAccount, status: number, error?: string): PageResult {
  return page(status, checkoutPage(intent, { error, cancelUrl: intent.cancel_url ?? account.cancelUrl }));
}

function page(status: number, html: string): PageResult {
  return { kind: 'page', status, html };
}

function retryLink(deps: PageDeps, intent: IntentRow): { link?: { href: string; text: string } } {
  return intent.kind === 'session' ? { link: { href: checkoutUrl(deps, intent), text: 'Try another card' } } : {};
}

/** The session's success URL, else the account's, else Tender's own result page. */
function successUrl(deps: PageDeps, intent: IntentRow, account: GatewayAccount): string {
  return intent.success_url ?? account.successUrl ?? resultUrl(deps, intent);
}

/** The session's cancel URL, else the account's, else back to the form (or the result page). */
function failureUrl(deps: PageDeps, intent: IntentRow, account: GatewayAccount): string {
  return intent.cancel_url ?? account.cancelUrl ?? (intent.kind === 'session' ? checkoutUrl(deps, intent) : resultUrl(deps, intent));
}

function checkoutUrl(deps: PageDeps, intent: IntentRow): string {
  return `${deps.publicUrl()}/test-gateway/checkout/${intent.id}`;
}

function challengeUrl(deps: PageDeps, intent: IntentRow): string {
  return `${deps.publicUrl()}/test-gateway/challenge/${intent.id}`;
}

function resultUrl(deps: PageDeps, intent: IntentRow): string {
  return `${deps.publicUrl()}/test-gateway/result/${intent.id}`;
}

async function load(deps: PageDeps, intentId: string): Promise<{ intent: IntentRow; account: GatewayAccount } | undefined> {
  const accountId = await deps.provider.accountIdOf(intentId);
  const account = accountId === undefined ? undefined : await deps.accountOf(accountId);
  const intent = account ? await deps.provider.load(account, { intentId }) : undefined;
  return intent && account ? { intent, account } : undefined;
}
