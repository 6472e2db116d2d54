/**
 * The simulated provider behind the test gateway: its intents, tokens and webhooks. The
 * adapter (test-gateway.ts) is Tender's client of it, and the checkout/challenge pages and the
 * tokens endpoint (src/http/routes/test-gateway-routes.ts) are its web surface.
 *
 * Every change runs in one transaction that also writes the webhook events it causes to the
 * outbox; the events are sent only after the commit, in the background (test-webhook-sender.ts).
 */
import type { AppContext } from '../../context.js';
import type { Money } from '../../domain/money.js';
import type { GatewayAccount, OperationResult, SessionInput } from '../gateway.js';
import { readCard, type CardDetails, type CardInput, type CardCheckCode } from './test-cards.js';
import { confirmIntent, resolveChallenge, type ConfirmOutcome, type ConfirmRequest } from './test-confirm.js';
import { buildEvent } from './test-events.js';
import {
  getIntent, insertEvent, insertIntent, insertToken, intentByKey, intentOfSession, moneyOperations,
  type IntentRow, type OperationRow,
} from './test-gateway-store.js';
import { randomId } from './test-ids.js';
import { cancelIntent, captureIntent, refundIntent } from './test-money-operations.js';
import type { WebhookSender } from './test-webhook-sender.js';
import { expireIfDue, isDue, type Emit, type Work } from './test-work.js';

export type TokenizeResult = { ok: true; id: string; card: Omit<CardDetails, 'scenario'> } | { ok: false; code: CardCheckCode; message: string };

export interface TestProvider {
  createIntent(account: GatewayAccount, session: SessionInput, idempotencyKey: string): Promise<IntentRow>;
  /** Turns a typed card into a `tok_test_…` token; the number itself is dropped here. */
  tokenize(card: CardInput): Promise<TokenizeResult>;
  confirm(account: GatewayAccount, intentId: string, request: ConfirmRequest): Promise<ConfirmOutcome>;
  resolveChallenge(account: GatewayAccount, intentId: string, approve: boolean): Promise<ConfirmOutcome>;
  capture(account: GatewayAccount, intentId: string, amount: Money, idempotencyKey: string): Promise<OperationResult>;
  refund(account: GatewayAccount, intentId: string, amount: Money, reason: string | null, idempotencyKey: string): Promise<OperationResult>;
  cancel(account: GatewayAccount, intentId: string, idempotencyKey: string): Promise<OperationResult>;
  /** An intent as it is now (expired first if its time has passed), for pages and retrieve. */
  load(account: GatewayAccount | undefined, ref: { intentId?: string | null; sessionId?: number }): Promise<IntentRow | undefined>;
  moneyOperations(intentId: string): Promise<OperationRow[]>;
  /** Which payment account an intent belongs to (its pages need the account's settings). */
  accountIdOf(intentId: string): Promise<number | undefined>;
}

export function createTestProvider(ctx: AppContext, sender: WebhookSender): TestProvider {
  /** One transaction with an outbox; the events go out after it commits. */
  async function work<T>(account: GatewayAccount | undefined, fn: (w: Work) => Promise<T>): Promise<T> {
    // simulateWebhookLoss: events are recorded as `dropped` and never sent, so that a test can
    // show that reconciliation (retrieve) alone brings Tender to the truth.
    const drop = account?.settings.simulateWebhookLoss === true;
    let emitted: string[] = [];
    const now = ctx.now();
    const result = await ctx.db.transaction(async (tx) => {
      emitted = [];
      const emit: Emit = async (type, intent, operation) => {
        const event = buildEvent(type, intent, now, operation);
        await insertEvent(tx, { id: event.id, account_id: intent.account_id, intent_id: intent.id, type, body: JSON.stringify(event) }, drop ? 'dropped' : 'pending', now);
        emitted.push(event.id);
      };
      return fn({ tx, emit, now, publicUrl: ctx.config.publicUrl });
    });
    if (!drop) sender.dispatch(emitted);
    return result;
  }

  return {
    async createIntent(account, session, idempotencyKey) {
      // Insert first: a new key (the usual case) costs one statement, and the key's unique index
      // decides, whatever plan PostgreSQL would pick for a lookup by key (a plan cached while the
      // table was empty filtered every intent of the account: docs/benchmarks-history.md).
      const id = randomId('tgpi_');
      const inserted = await insertIntent(ctx.db, {
        id,
        account_id: account.id,
        tender_session_id: session.id,
        kind: session.type,
        amount: session.amount.amount,
        currency: session.amount.currency,
        capture_method: account.captureMethod,
        // The secret embeds the intent id (Stripe's `pi_…_secret_…` shape).
        client_secret: `${id}_secret_${randomId('', 24)}`,
        success_url: session.successUrl ?? account.successUrl,
        cancel_url: session.cancelUrl ?? account.cancelUrl,
        idempotency_key: idempotencyKey,
        expires_at: session.expiresAt,
        created_at: ctx.now(),
      });
      // A retry, or a race lost for the same key: answer what the first request created.
      return inserted ?? sameRequest((await intentByKey(ctx.db, account.id, idempotencyKey))!, session);
    },

    async tokenize(input) {
      const read = readCard(input, ctx.now());
      if (!read.ok) return read;
      const { scenario, ...card } = read.card;
      const id = randomId('tok_test_');
      await insertToken(ctx.db, { id, brand: card.brand, last4: card.last4, exp_month: card.expMonth, exp_year: card.expYear, scenario });
      return { ok: true, id, card };
    },

    confirm: (account, intentId, request) => work(account, (w) => confirmIntent(w, account, intentId, request)),
    resolveChallenge: (account, intentId, approve) => work(account, (w) => resolveChallenge(w, account, intentId, approve)),
    capture: (account, intentId, amount, key) => work(account, (w) => captureIntent(w, account, intentId, amount, key)),
    refund: (account, intentId, amount, reason, key) => work(account, (w) => refundIntent(w, account, intentId, amount, reason, key)),
    cancel: (account, intentId, key) => work(account, (w) => cancelIntent(w, account, intentId, key)),

    async load(account, ref) {
      let intent = ref.intentId
        ? await getIntent(ctx.db, ref.intentId)
        : account && ref.sessionId !== undefined ? await intentOfSession(ctx.db, account.id, ref.sessionId) : undefined;
      if (!intent || (account && intent.account_id !== account.id)) return undefined;
      if (isDue(intent, ctx.now())) {
        const id = intent.id;
        intent = await work(account, async (w) => expireIfDue(w, (await getIntent(w.tx, id, true))!));
      }
      return intent;
    },

    moneyOperations: (intentId) => moneyOperations(ctx.db, intentId),
    accountIdOf: async (intentId) => (await getIntent(ctx.db, intentId))?.account_id,
  };
}

/** Same idempotency key, other request: refused like Stripe's `idempotency_error` (a 400 there). */
function sameRequest(intent: IntentRow, session: SessionInput): IntentRow {
  if (intent.tender_session_id !== session.id || intent.amount !== session.amount.amount || intent.currency !== session.amount.currency) {
    throw new Error('Test gateway: this idempotency key was already used to create another intent (other session, amount or currency)');
  }
  return intent;
}
