/**
 * The storefront's floor: the rows one storefront flow leaves in Tender's own schema, written by
 * the least SQL that writes them, behind a bare Fastify — what any implementation of
 * createOrder + createSession pays on this machine before any logic of its own.
 *
 * Per flow, the same rows and the same four commits as Tender's (docs/benchmarks.md):
 * - createOrder: the order and its `order created` history row, one autocommitted statement;
 * - createSession: one autocommitted statement that locks and touches the order (version,
 *   is_completed), adds the collection, the session, their two history rows and the outbox's
 *   `payment_session.created` event; then the provider's intent (the test gateway's row, one
 *   commit); then the session's gateway reference (one commit).
 * Left out, so the floor stays a floor: authentication, input validation, the card-data guard,
 * idempotency, the engine's state machine, statement-by-statement locking, the response views.
 * Tender does all of these; the floor shows what the rows alone cost.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

type Query = (sql: string, params: unknown[]) => Promise<unknown[]>;

interface Product {
  id: number;
  sku: string;
  title: string;
  price: string;
  currency: string;
}

interface FloorOrderBody {
  userId: number;
  formIdentifier: string;
  paymentAccountId: number;
  formData: { en_US: unknown[] };
  products: { productId: number; quantity: number }[];
}

const INSERT_ORDER = `
  WITH o AS (INSERT INTO orders (storage_id, user_id, form_identifier, payment_account_id, form_data, lines, currency, total, status_identifier)
             VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8::bigint, 'inProgress') RETURNING id, total, created_at),
       h AS (INSERT INTO payment_events (entity, entity_id, action, to_status, amount, currency, order_id, actor_type, actor_id)
             SELECT 'order', id, 'created', 'inProgress', total, $7, id, 'user', $2::text FROM o)
  SELECT id, created_at FROM o`;

const INSERT_SESSION = `
  WITH o AS (UPDATE orders SET is_completed = false, version = version + 1, updated_at = now()
              WHERE id = $1 AND user_id = $2 RETURNING id, user_id, total, currency, payment_account_id),
       c AS (INSERT INTO payment_collections (order_id, user_id, amount, currency, status)
             SELECT id, user_id, total, currency, 'awaiting' FROM o RETURNING id, order_id, user_id, amount, currency),
       s AS (INSERT INTO payment_sessions (collection_id, order_id, user_id, account_id, type, status, gateway_status, amount, currency, expires_at)
             SELECT c.id, c.order_id, c.user_id, o.payment_account_id, $3, 'pending', 'requires_payment_method', c.amount, c.currency, now() + interval '1 day'
               FROM c, o
             RETURNING id, collection_id, order_id, user_id, account_id, type, amount, currency, expires_at, created_at),
       h AS (INSERT INTO payment_events (entity, entity_id, action, from_status, to_status, amount, currency, order_id, collection_id, session_id, actor_type, actor_id, data)
             SELECT 'session', s.id, 'created', NULL, 'pending', s.amount, s.currency, s.order_id, s.collection_id, s.id, 'user', $2::text,
                    jsonb_build_object('type', s.type, 'accountId', s.account_id) FROM s
             UNION ALL
             SELECT 'collection', c.id, 'status_changed', 'not_paid', 'awaiting', c.amount, c.currency, c.order_id, c.id, NULL, 'user', $2::text, NULL FROM c),
       e AS (INSERT INTO events (public_id, type, object_type, object_id, ordering_key, order_id, data)
             SELECT $4, 'payment_session.created', 'payment_session', s.id, 'session:' || s.id, s.order_id,
                    jsonb_build_object('object', jsonb_build_object('id', s.id, 'type', s.type, 'amountMinor', s.amount, 'currency', s.currency,
                      'status', 'waiting', 'orderId', s.order_id, 'paymentAccountId', s.account_id, 'expiresAt', s.expires_at,
                      'createdDate', s.created_at, 'updatedDate', s.created_at, 'paymentId', NULL, 'sessionId', NULL, 'paymentUrl', NULL, 'gatewayStatus', NULL))
               FROM s)
  SELECT id, account_id, type, amount::text AS amount, currency, expires_at, created_at FROM s`;

const INSERT_INTENT = `
  INSERT INTO test_gateway_intents (id, account_id, tender_session_id, kind, amount, currency, capture_method, status, client_secret, idempotency_key, expires_at)
  VALUES ($1, $2, $3, $4, $5::bigint, $6, 'manual', 'requires_payment_method', $7, $8, now() + interval '1 day')`;

const SET_GATEWAY_REF = `
  UPDATE payment_sessions SET gateway_status = 'requires_payment_method', gateway_ref = $2, client_secret = $3, updated_at = now() WHERE id = $1`;

const id = (prefix: string, bytes: number) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

export async function registerFloorRoutes(app: FastifyInstance, query: Query): Promise<void> {
  const storage = (await query(`SELECT id FROM order_storages WHERE identifier = 'orders'`, []))[0] as { id: number };
  // The catalog held in memory, as Tender's own price lookup is: totals computed on the server.
  const products = new Map((await query('SELECT id, sku, title, price::text AS price, currency FROM products', []) as Product[]).map((p) => [p.id, p]));

  app.post<{ Body: FloorOrderBody }>('/floor/orders', async (request, reply) => {
    const b = request.body;
    let total = 0n;
    let currency = '';
    const lines = b.products.map((line) => {
      const p = products.get(line.productId)!;
      total += BigInt(p.price) * BigInt(line.quantity);
      currency = p.currency;
      return { sku: p.sku, title: p.title, quantity: line.quantity, productId: p.id, priceMinor: p.price };
    });
    const [row] = await query(INSERT_ORDER, [storage.id, b.userId, b.formIdentifier, b.paymentAccountId, JSON.stringify(b.formData.en_US), JSON.stringify(lines), currency, total.toString()]) as { id: number; created_at: Date }[];
    reply.code(201);
    return {
      id: row!.id, storageId: storage.id, formIdentifier: b.formIdentifier, paymentAccountId: b.paymentAccountId, formData: b.formData.en_US,
      products: lines, currency, totalSum: total.toString(), statusIdentifier: 'inProgress', createdDate: row!.created_at,
    };
  });

  app.post<{ Body: { userId: number; orderId: number; type: string } }>('/floor/sessions', async (request) => {
    const b = request.body;
    const [s] = await query(INSERT_SESSION, [b.orderId, b.userId, b.type, id('evt_', 12)]) as {
      id: number; account_id: number; type: string; amount: string; currency: string; expires_at: Date; created_at: Date;
    }[];
    const intent = id('tgpi_', 16);
    const secret = `${intent}_secret_${randomBytes(24).toString('base64url')}`;
    await query(INSERT_INTENT, [intent, s!.account_id, s!.id, s!.type, s!.amount, s!.currency, secret, `tender-session-${s!.id}`]);
    await query(SET_GATEWAY_REF, [s!.id, intent, secret]);
    return {
      id: s!.id, orderId: b.orderId, type: s!.type, amount: s!.amount, currency: s!.currency, status: 'waiting', paymentAccountId: s!.account_id,
      clientSecret: secret, paymentUrl: null, expiresAt: s!.expires_at, createdDate: s!.created_at, updatedDate: s!.created_at,
    };
  });
}
