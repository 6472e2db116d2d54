import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ErrorBody } from '../../contract/common.js';
import type { AppContext } from '../../context.js';
import { PaymentsError } from '../../errors.js';
import {
  showChallenge, showCheckout, showResult, submitChallenge, submitCheckout, type PageDeps, type PageResult,
} from '../../gateways/test/test-checkout.js';
import { registerTestGateway } from '../../gateways/test/test-gateway.js';
import { getAccount, toGatewayAccount } from '../../store/account-store.js';

const pub = { auth: 'public' as const };
/** Only these two routes may receive a card number (src/http/plugins/card-data-guard.ts). */
const cardData = { auth: 'public' as const, acceptsCardData: true };
const tags = ['Test gateway'];
const IntentParam = Type.Object({ intentId: Type.String({ minLength: 1, maxLength: 100 }) });
const CheckoutForm = Type.Object({
  number: Type.Optional(Type.String({ maxLength: 40 })),
  expiry: Type.Optional(Type.String({ maxLength: 20 })),
  cvc: Type.Optional(Type.String({ maxLength: 10 })),
});
const ChallengeForm = Type.Object({ result: Type.Union([Type.Literal('approve'), Type.Literal('fail')]) });
const TokenBody = Type.Object({
  number: Type.String({ minLength: 1, maxLength: 40, description: 'The card number (digits; spaces or dashes allowed). Never stored.' }),
  expMonth: Type.Integer({ minimum: 1, maximum: 12 }),
  expYear: Type.Integer({ minimum: 0, maximum: 2199, description: 'Two or four digits.' }),
  cvc: Type.String({ minLength: 1, maxLength: 10 }),
}, { additionalProperties: false });
const CardView = Type.Object({ brand: Type.String(), last4: Type.String(), expMonth: Type.Integer(), expYear: Type.Integer() });
const Token = Type.Object({ id: Type.String(), object: Type.Literal('token'), card: CardView });
const ConfirmBody = Type.Object({
  clientSecret: Type.String({ minLength: 1, maxLength: 200 }),
  token: Type.String({ minLength: 1, maxLength: 100 }),
  returnUrl: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false });
const IntentView = Type.Object({
  id: Type.String(),
  status: Type.String(),
  nextAction: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  lastError: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
});

/**
 * The built-in test gateway's web surface (src/gateways/test/NOTE.md): the hosted checkout and
 * 3-D Secure pages customers open in a browser, and the JSON endpoints a storefront's own card
 * form calls (tokenize, then confirm with the client secret). All public: they stand for a
 * provider's own servers. Building this module also registers the `test` adapter.
 */
export function testGatewayRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const gateway = registerTestGateway(ctx);
    fastify.addHook('onClose', async () => gateway.close());
    // Form bodies only inside this plugin: no other route accepts application/x-www-form-urlencoded.
    await fastify.register(formbody);
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const deps: PageDeps = {
      provider: gateway.provider,
      accountOf: async (id) => {
        const row = await getAccount(ctx.db, id);
        return row && row.type === 'test' ? toGatewayAccount(ctx, row) : undefined;
      },
      publicUrl: () => ctx.config.publicUrl,
    };

    app.get('/test-gateway/checkout/:intentId', { config: pub, schema: { hide: true, params: IntentParam } },
      async (request, reply) => send(reply, await showCheckout(deps, request.params.intentId)));

    app.post('/test-gateway/checkout/:intentId', { config: cardData, schema: { hide: true, params: IntentParam, body: CheckoutForm } },
      async (request, reply) => send(reply, await submitCheckout(deps, request.params.intentId, request.body)));

    app.get('/test-gateway/challenge/:intentId', { config: pub, schema: { hide: true, params: IntentParam } },
      async (request, reply) => send(reply, await showChallenge(deps, request.params.intentId)));

    app.post('/test-gateway/challenge/:intentId', { config: pub, schema: { hide: true, params: IntentParam, body: ChallengeForm } },
      async (request, reply) => send(reply, await submitChallenge(deps, request.params.intentId, request.body.result === 'approve')));

    app.get('/test-gateway/result/:intentId', { config: pub, schema: { hide: true, params: IntentParam } },
      async (request, reply) => send(reply, await showResult(deps, request.params.intentId)));

    // A storefront's own form calls these from the browser, on another origin: allow CORS.
    // No credentials are involved (a token and a client secret are capabilities by themselves).
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (request.url.startsWith('/test-gateway/v1/')) {
        void reply.header('access-control-allow-origin', '*');
        void reply.header('access-control-allow-headers', 'content-type');
        void reply.header('access-control-allow-methods', 'POST, OPTIONS');
        void reply.header('access-control-max-age', '600');
      }
      return payload;
    });
    app.options('/test-gateway/v1/*', { config: pub, schema: { hide: true } }, async (_request, reply) => reply.status(204).send());

    app.post('/test-gateway/v1/tokens', {
      config: cardData,
      schema: { tags, summary: 'Tokenize a test card (the number is dropped; only brand, last four and expiry are kept)', body: TokenBody, response: { 200: Token, 400: ErrorBody } },
    }, async (request) => {
      const token = await gateway.provider.tokenize(request.body);
      if (!token.ok) throw new PaymentsError('validation_failed', token.message, { code: token.code });
      return { id: token.id, object: 'token' as const, card: token.card };
    });

    app.post('/test-gateway/v1/intents/:intentId/confirm', {
      config: pub,
      schema: { tags, summary: 'Confirm an intent with a card token from the browser (client secret required)', params: IntentParam, body: ConfirmBody, response: { 200: IntentView, 400: ErrorBody, 404: ErrorBody } },
    }, async (request) => {
      const { intentId } = request.params;
      const accountId = await gateway.provider.accountIdOf(intentId);
      const account = accountId === undefined ? undefined : await deps.accountOf(accountId);
      if (!account) throw new PaymentsError('not_found', `No test gateway intent ${intentId}`);
      const outcome = await gateway.provider.confirm(account, intentId, {
        tokenId: request.body.token, clientSecret: request.body.clientSecret, returnUrl: request.body.returnUrl ?? null,
      });
      if (!outcome.intent) throw new PaymentsError('not_found', outcome.outcome === 'declined' ? outcome.message : 'No such intent');
      const lastError = outcome.outcome === 'declined' ? { code: outcome.code, message: outcome.message } : outcome.intent.last_error;
      return { id: outcome.intent.id, status: outcome.intent.status, nextAction: outcome.intent.next_action, lastError };
    });
  };
}

function send(reply: FastifyReply, result: PageResult): FastifyReply {
  // The pages carry payment state and a card form: never cached, never framed, no referrer.
  void reply
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
  if (result.kind === 'redirect') return reply.redirect(result.location, 303);
  return reply.status(result.status).type('text/html; charset=utf-8').send(result.html);
}
