/**
 * The `test` adapter: Tender's client of the built-in offline provider (test-provider.ts).
 * It behaves like a real remote gateway: its own state, its own ids, signed webhooks that race
 * the direct answers, and (on demand) timeouts. NOTE.md documents cards, events and settings.
 */
import type { AppContext } from '../../context.js';
import type {
  AuthorizeResult, Gateway, GatewayAccount, GatewayEvent, OperationResult, PaymentRef, RetrieveResult, WebhookCapable,
} from '../gateway.js';
import { WebhookSignatureError } from '../gateway.js';
import { registerGateway } from '../registry.js';
import { currentOutcome, type ConfirmOutcome } from './test-confirm.js';
import { eventAction, retrieveActions, unixSeconds, type TestEvent } from './test-events.js';
import { createTestProvider, type TestProvider } from './test-provider.js';
import { createWebhookSender, type WebhookSenderOptions } from './test-webhook-sender.js';
import { SIGNATURE_HEADER, verifySignature, webhookSecret } from './test-webhook-signature.js';

export type TestGatewayOptions = WebhookSenderOptions;

export type TestGateway = Gateway & WebhookCapable & {
  readonly type: 'test';
  /** The simulated provider itself (its pages and tokens endpoint use it). */
  readonly provider: TestProvider;
  /** Resolves when no webhook delivery attempt is in flight. */
  idle(): Promise<void>;
  /** Stops webhook retries and waits for attempts in flight (call before closing the database). */
  close(): Promise<void>;
};

export type SimulatedOperation = 'initiate' | 'authorize' | 'capture' | 'refund' | 'cancel';

const DEFAULT_TIMEOUT_OPERATIONS: readonly SimulatedOperation[] = ['authorize', 'capture', 'refund', 'cancel'];

/**
 * Thrown after a simulated timeout. The operation WAS applied by the provider (as when a real
 * provider's answer is lost): the caller must record it as `unknown`, and retrieve() shows the truth.
 */
export class TestGatewayTimeoutError extends Error {
  readonly code = 'gateway_timeout';
  constructor(operation: SimulatedOperation, ms: number) {
    super(`Test gateway: no answer to ${operation} within ${ms} ms (simulated by the account setting simulateTimeoutMs); the provider applied it, retrieve() shows the result`);
    this.name = 'TestGatewayTimeoutError';
  }
}

/**
 * Builds the adapter for one Tender context (it needs the database for its own tables, the key
 * ring for webhook secrets and the public URL for pages and webhooks).
 */
export function createTestGateway(ctx: AppContext, options: TestGatewayOptions = {}): TestGateway {
  const sender = createWebhookSender(ctx, options);
  const provider = createTestProvider(ctx, sender);

  return {
    type: 'test',
    localInitiate: false,
    provider,

    async initiate(account, session, idempotencyKey) {
      const intent = await provider.createIntent(account, session, idempotencyKey);
      await simulateTimeout(account, 'initiate');
      if (intent.kind === 'intent') {
        return { gatewayStatus: intent.status, gatewayRef: intent.id, paymentUrl: null, clientSecret: intent.client_secret };
      }
      return { gatewayStatus: intent.status, gatewayRef: intent.id, paymentUrl: `${ctx.config.publicUrl}/test-gateway/checkout/${intent.id}` };
    },

    async authorize(account, session, input, idempotencyKey) {
      if (!session.gatewayRef) return missingIntent();
      if (!input.token) {
        // "Authorize again" after a challenge carries no token: answer the intent's state.
        const intent = await provider.load(account, { intentId: session.gatewayRef });
        if (!intent || intent.tender_session_id !== session.id) return missingIntent();
        if (intent.status !== 'requires_payment_method') return authorizeResult(currentOutcome(intent));
        return { outcome: 'requires_more', gatewayStatus: intent.status, reason: 'A card token is required: create one with POST /test-gateway/v1/tokens' };
      }
      const outcome = await provider.confirm(account, session.gatewayRef, {
        tokenId: input.token, idempotencyKey, returnUrl: input.returnUrl ?? null, sessionId: session.id,
      });
      await simulateTimeout(account, 'authorize');
      return authorizeResult(outcome);
    },

    async capture(account, payment, amount, idempotencyKey) {
      const ref = intentRef(payment);
      if (!ref) return missingRef();
      const result = await provider.capture(account, ref, amount, idempotencyKey);
      await simulateTimeout(account, 'capture');
      return result;
    },

    async refund(account, payment, amount, reason, idempotencyKey) {
      const ref = intentRef(payment);
      if (!ref) return missingRef();
      const result = await provider.refund(account, ref, amount, reason, idempotencyKey);
      await simulateTimeout(account, 'refund');
      return result;
    },

    async cancel(account, payment, idempotencyKey) {
      const ref = intentRef(payment);
      if (!ref) return missingRef();
      const result = await provider.cancel(account, ref, idempotencyKey);
      await simulateTimeout(account, 'cancel');
      return result;
    },

    async parseWebhook(account, rawBody, headers): Promise<GatewayEvent> {
      verifySignature(webhookSecret(ctx.keys, account.id), rawBody, header(headers, SIGNATURE_HEADER), unixSeconds(ctx.now()));
      const event = readEvent(rawBody);
      // The gateway signs with the event's own account's secret; this catches a body re-signed for another.
      if (event.account !== account.id) throw new WebhookSignatureError(`This event belongs to payment account ${event.account}, not ${account.id}`);
      return {
        id: event.id,
        type: event.type,
        occurredAt: new Date(event.created * 1000),
        tenderSessionId: event.data.object.metadata.tenderSessionId,
        sessionRef: event.data.object.id,
        action: eventAction(event),
        bodyIsJson: true,
      };
    },

    async retrieve(account, session): Promise<RetrieveResult> {
      const intentId = session.paymentRef ?? session.gatewayRef;
      const intent = await provider.load(account, intentId ? { intentId } : { sessionId: session.id });
      if (!intent) return { actions: [], gatewayStatus: 'not_found' };
      return { actions: retrieveActions(intent, await provider.moneyOperations(intent.id)), gatewayStatus: intent.status };
    },

    idle: () => sender.idle(),
    close: () => sender.close(),
  };
}

/**
 * Creates the adapter for this context and registers it, so that `gatewayFor('test')` returns
 * it. Called by the test gateway's route module when the app is built (the registry is
 * process-wide: one Tender app per process, the last one built wins).
 */
export function registerTestGateway(ctx: AppContext, options?: TestGatewayOptions): TestGateway {
  const gateway = createTestGateway(ctx, options);
  registerGateway(gateway);
  return gateway;
}

function authorizeResult(o: ConfirmOutcome): AuthorizeResult {
  switch (o.outcome) {
    case 'authorized': {
      const result: AuthorizeResult = {
        outcome: 'authorized',
        amount: { amount: o.intent.amount, currency: o.intent.currency },
        captured: o.intent.capture_method === 'automatic',
        gatewayRef: o.intent.id,
        gatewayStatus: o.intent.status,
        paymentMethod: 'card',
      };
      if (o.intent.card_brand && o.intent.card_last4) result.card = { brand: o.intent.card_brand, last4: o.intent.card_last4 };
      return result;
    }
    case 'requires_action':
      return { outcome: 'requires_action', gatewayRef: o.intent.id, gatewayStatus: o.intent.status, nextAction: o.nextAction, clientSecret: o.intent.client_secret };
    case 'declined':
      return { outcome: 'declined', gatewayStatus: o.intent?.status ?? 'not_found', declineCode: o.code, message: o.message };
  }
}

/** The payment's intent, or the session's when Tender cancels a session that has no payment yet. */
function intentRef(payment: PaymentRef): string | null {
  return payment.gatewayRef ?? payment.sessionRef;
}

function missingIntent(): AuthorizeResult {
  return { outcome: 'declined', gatewayStatus: 'not_found', declineCode: 'resource_missing', message: 'No test gateway intent for this session; create the session again' };
}

function missingRef(): OperationResult {
  return { outcome: 'failed', gatewayStatus: 'not_found', code: 'resource_missing', message: 'No test gateway intent reference was given' };
}

async function simulateTimeout(account: GatewayAccount, operation: SimulatedOperation): Promise<void> {
  const ms = account.settings.simulateTimeoutMs;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return;
  const listed = account.settings.simulateTimeoutOperations;
  const operations = Array.isArray(listed) ? listed : DEFAULT_TIMEOUT_OPERATIONS;
  if (!operations.includes(operation)) return;
  await new Promise((resolve) => setTimeout(resolve, ms));
  throw new TestGatewayTimeoutError(operation, ms);
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | string[] | undefined {
  if (headers[name] !== undefined) return headers[name];
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** The body verified, so it is ours; the shape is still checked before anything trusts it. */
function readEvent(rawBody: string): TestEvent {
  const e = JSON.parse(rawBody) as Partial<TestEvent> | null;
  const o = e?.data?.object;
  if (
    !e || typeof e.id !== 'string' || !e.id.startsWith('evt_test_') || typeof e.type !== 'string' || typeof e.created !== 'number' ||
    typeof e.account !== 'number' || !o || typeof o.id !== 'string' || typeof o.metadata?.tenderSessionId !== 'number'
  ) {
    throw new Error('Test gateway webhook: the signed body is not a test gateway event');
  }
  return e as TestEvent;
}
