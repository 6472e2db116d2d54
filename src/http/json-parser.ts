import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { PaymentsError } from '../errors.js';

/**
 * JSON body parser. Unlike Fastify's default it accepts an EMPTY body sent with
 * `Content-Type: application/json` (the OneEntry SDK sends that header on GET, DELETE and on
 * `logout-all` with content-length 0 — contract §2.1). `__proto__`/`constructor` keys are refused.
 */
export function registerJsonParser(app: FastifyInstance): void {
  // Only JSON is accepted (plain text would reach handlers as a string): anything else is a 415.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (err) {
      done(new PaymentsError('invalid_json', `Malformed JSON body: ${(err as Error).message}`), undefined);
    }
  });
}
