import type { FastifyInstance } from 'fastify';
import { PaymentsError } from '../../errors.js';
import { containsCardNumber } from '../card-data.js';

const MAX_DEPTH = 32;

/**
 * Refuses any request that carries a card number (PAN) in its body, query or path, before
 * validation, so it is never stored, logged in a body or echoed back. Only the test gateway's
 * card form (route config `acceptsCardData`) may receive one: it plays the card network's part.
 * Bodies nested deeper than MAX_DEPTH are refused too (no legitimate payload needs it).
 */
export function registerCardDataGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config?.acceptsCardData) return;
    if (depthExceeds(request.body, MAX_DEPTH)) {
      throw new PaymentsError('validation_failed', `Request body is nested deeper than ${MAX_DEPTH} levels`);
    }
    if (containsCardNumber(request.body) || containsCardNumber(request.query) || containsCardNumber(request.params)) {
      throw new PaymentsError(
        'card_data_rejected',
        'The request contains what looks like a card number. Tender never accepts raw card data: tokenize the card with the gateway and send the token.',
      );
    }
  });
}

function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    for (const item of Array.isArray(v) ? v : Object.values(v)) {
      if (item !== null && typeof item === 'object') stack.push([item, d + 1]);
    }
  }
  return false;
}
