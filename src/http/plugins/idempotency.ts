import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { sha256Hex } from '../../crypto.js';
import { PaymentsError } from '../../errors.js';
import type { IdempotencyLink } from '../../store/idempotency-link.js';
import { principalScope } from '../principal.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long a request may hold a key before another process may take it over (crash recovery). */
const LEASE_SEC = 60;
/** How long a concurrent duplicate waits for the first request's result before answering 409. */
const WAIT_MS = 15_000;
const SEAL_PURPOSE = 'idempotency-responses';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set while this request holds its Idempotency-Key. Creates whose rows are not otherwise
     * unique (orders, refund requests) store it, so that a re-run after a crash finds them.
     */
    idempotency?: IdempotencyLink;
  }
}

interface KeyRow {
  request_hash: string;
  status: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: string | null;
  expired: boolean;
}

/**
 * `Idempotency-Key` with Stripe's semantics on every mutating route: the first request with a
 * key runs; a retry with the same key and parameters gets the stored status and body back; the
 * same key with other parameters is a 409 `idempotency_conflict`; a concurrent duplicate waits
 * for the first one's result. 5xx results are not kept, so a retry after a server error runs
 * again; so does a retry after the holder's lease ran out (its process died between COMMIT and
 * answer). The services make re-execution safe: payments, captures and refunds are linked to
 * their key, sessions are one open per order, orders and refund requests store
 * `request.idempotency` and answer the row made the first time. Keys are kept at least 24 h
 * (pruned by a job).
 */
export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('preHandler', async (request, reply) => {
    if (!MUTATING.has(request.method) || !request.principal) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new PaymentsError('bad_request', 'Idempotency-Key must be 1–255 visible ASCII characters');
    }
    const scope = principalScope(request.principal, request.appTokenId);
    const hash = requestHash(request);
    const claim = () =>
      ctx.db.query(
        `INSERT INTO idempotency_keys (scope, key, method, path, request_hash, status, locked_until)
         VALUES ($1, $2, $3, $4, $5, 'in_progress', now() + make_interval(secs => $6))
         ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [scope, key, request.method, request.url.slice(0, 2000), hash, LEASE_SEC],
      );
    if ((await claim()).rowCount === 1) {
      request.idempotency = { scope, key, requestHash: hash };
      return;
    }
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const row = await readKey(ctx, scope, key);
      if (!row) {
        // The holder failed with a 5xx and released the key: run this request instead.
        if ((await claim()).rowCount === 1) {
          request.idempotency = { scope, key, requestHash: hash };
          return;
        }
        continue;
      }
      if (row.request_hash !== hash) {
        throw new PaymentsError('idempotency_conflict', 'This Idempotency-Key was already used with different parameters; use a new key for a new request');
      }
      if (row.status === 'completed') return replay(reply, row, ctx);
      if (row.expired) {
        // The process that held the key died mid-request: take it over and run again.
        const taken = await ctx.db.query(
          `UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => $3)
            WHERE scope = $1 AND key = $2 AND status = 'in_progress' AND locked_until < now() RETURNING key`,
          [scope, key, LEASE_SEC],
        );
        if (taken.rowCount === 1) {
          request.idempotency = { scope, key, requestHash: hash };
          return;
        }
      }
      if (Date.now() > deadline) {
        throw new PaymentsError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry later');
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = request.idempotency;
    if (!idem) return payload;
    request.idempotency = undefined;
    if (reply.statusCode >= 500) {
      await ctx.db.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2', [idem.scope, idem.key]);
      return payload;
    }
    const body = typeof payload === 'string' ? payload : payload === undefined || payload === null ? '' : JSON.stringify(payload);
    // Sealed at rest: a stored answer can carry a refresh token, a client secret or a one-time
    // webhook signing secret, none of which may sit in the database in clear text.
    const sealed = ctx.keys.seal(body, SEAL_PURPOSE);
    await ctx.db.query(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4, completed_at = now()
        WHERE scope = $1 AND key = $2`,
      [idem.scope, idem.key, reply.statusCode, sealed],
    );
    return payload;
  });
}

async function readKey(ctx: AppContext, scope: string, key: string): Promise<KeyRow | undefined> {
  const { rows } = await ctx.db.query<KeyRow>(
    `SELECT request_hash, status, response_status, response_body, locked_until < now() AS expired
       FROM idempotency_keys WHERE scope = $1 AND key = $2`,
    [scope, key],
  );
  return rows[0];
}

function replay(reply: FastifyReply, row: KeyRow, ctx: AppContext): FastifyReply {
  return reply
    .status(row.response_status ?? 200)
    .header('idempotent-replayed', 'true')
    .type('application/json')
    .send(row.response_body ? ctx.keys.open(row.response_body, SEAL_PURPOSE) : '');
}

function requestHash(request: FastifyRequest): string {
  return sha256Hex(`${request.method} ${request.url}\n${canonicalJson(request.body)}`);
}

/** JSON with sorted object keys, so that key order does not change the request's identity. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return typeof v === 'bigint' ? v.toString() : v;
  });
}
