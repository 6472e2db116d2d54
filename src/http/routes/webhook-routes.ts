import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { ErrorBody } from '../../contract/common.js';
import { ingestWebhook } from '../../services/engine/gateway-events.js';

/** Inbound provider webhooks, one URL per payment account: `/api/webhooks/{accountId}`. */
export function webhookRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    // Signatures are computed over the exact bytes the provider sent: keep the raw body.
    app.removeContentTypeParser(['application/json']);
    app.addContentTypeParser(['application/json'], { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    app.post<{ Params: { accountId: number }; Body: string }>('/api/webhooks/:accountId', {
      // Provider-signed bodies are exempt from the card-number guard: they carry no card data
      // (PCI forbids it), but some carry long numeric ids — e.g. a card network's transaction
      // id — that can pass the Luhn check and would be refused forever on every retry.
      config: { auth: 'public', acceptsCardData: true },
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['Webhooks'],
        summary: 'Receive a signed event from a payment provider',
        params: Type.Object({ accountId: Type.Integer({ minimum: 1, maximum: 2147483647 }) }),
        response: { 200: Type.Object({ received: Type.Boolean(), result: Type.String(), eventId: Type.String() }), 400: ErrorBody, 404: ErrorBody },
      },
    }, async (request) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const out = await ingestWebhook(ctx, request.params.accountId, raw, request.headers, request.ip);
      if (out.followUp) {
        // E.g. PayPal: the customer approved the order; take the money now rather than waiting
        // for a return that may never come. After the event's transaction committed; a failure
        // does not fail the delivery (the event is recorded) and is left to reconciliation.
        await out.followUp().catch((err: unknown) => request.log.warn({ err, eventId: out.eventId }, 'webhook follow-up failed'));
      }
      return { received: true, result: out.result, eventId: out.eventId };
    });
  };
}
