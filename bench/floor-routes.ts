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
 *
 * And the webhooks' floor, at Tender's own path: the signature checked as the test gateway checks
 * it (the same function), then one autocommitted statement per event that inserts the event's
 * dedupe row already settled and writes what applying it writes — for the authorization the
 * payment, the session, collection and order updates, three history rows and the outbox event;
 * for the capture the capture, the payment, collection and order updates (the order becomes
 * `paid`), four history rows and two outbox events; for the refund the refund, the payment,
 * collection and order updates, three history rows and the outbox event.
 *
 * And the getSessions page's floor, at Tender's own path: Tender's own page statement (the count, 30
 * sessions, their payments' status), its rows written out under OneEntry's keys.
 *
 * Left out, so the floor stays a floor: authentication, input validation, the card-data guard,
 * idempotency, the engine's state machine (the statuses here are the ones the benchmark's flow
 * goes through), statement-by-statement locking, the response views. Tender does all of these;
 * the floor shows what the rows alone cost.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { KeyRing } from '../src/crypto.js';
import { SIGNATURE_HEADER, verifySignature, webhookSecret } from '../src/gateways/test/test-webhook-signature.js';

/** `name`: a prepared statement (PostgreSQL; PGlite ignores it), planned once per connection as Tender's are. */
type Query = (sql: string, params: unknown[], name?: string) => Promise<unknown[]>;

/** Runs `fn`'s statements as one transaction (on PostgreSQL, committed by one Sync as Tender's are). */
export type Transaction = <T>(fn: (query: Query) => Promise<T>) => Promise<T>;

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

const SESSIONS_PAGE = `
  SELECT s.id, s.order_id, s.amount::text AS amount, s.currency, s.status, s.created_at::text AS created_at, s.updated_at::text AS updated_at, s.type, s.account_id,
         s.payment_url, s.gateway_status, s.gateway_ref, s.expires_at::text AS expires_at, s.payment_id, s.client_secret, p.status AS payment_status, t.total
    FROM (SELECT count(*)::int AS total FROM payment_sessions WHERE user_id = $1 AND order_id IS NOT NULL) t
    LEFT JOIN LATERAL (SELECT * FROM payment_sessions WHERE user_id = $1 AND order_id IS NOT NULL ORDER BY id DESC LIMIT $2 OFFSET $3) s ON true
    LEFT JOIN payments p ON p.id = s.payment_id
   ORDER BY s.id DESC`;

interface PageRow {
  id: number | null; order_id: number; amount: string; currency: string; status: string; created_at: string; updated_at: string; type: string;
  account_id: number; payment_url: string | null; gateway_status: string | null; gateway_ref: string | null; expires_at: string | null;
  payment_id: number | null; client_secret: string | null; payment_status: string | null; total: number;
}

/** `2026-11-21 21:34:48.27+00` → `2026-11-21T21:34:48.27+00` (the least a reader needs; Tender writes full ISO). */
const isoish = (t: string) => t.replace(' ', 'T');

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
    const [row] = await query(INSERT_ORDER, [storage.id, b.userId, b.formIdentifier, b.paymentAccountId, JSON.stringify(b.formData.en_US), JSON.stringify(lines), currency, total.toString()], 'floor_order') as { id: number; created_at: Date }[];
    reply.code(201);
    return {
      id: row!.id, storageId: storage.id, formIdentifier: b.formIdentifier, paymentAccountId: b.paymentAccountId, formData: b.formData.en_US,
      products: lines, currency, totalSum: total.toString(), statusIdentifier: 'inProgress', createdDate: row!.created_at,
    };
  });

  app.get<{ Querystring: { offset: string; limit: string } }>('/api/content/payments/sessions', async (request) => {
    const user = Number(request.headers.authorization?.slice('Bearer '.length));
    const rows = await query(SESSIONS_PAGE, [user, Number(request.query.limit), Number(request.query.offset)], 'floor_page') as PageRow[];
    const items = [];
    for (const r of rows) {
      if (r.id === null) continue;
      items.push({
        id: r.id, orderId: r.order_id, amount: Number(r.amount) / 100, amountMinor: Number(r.amount), currency: r.currency,
        status: r.payment_status ?? r.status, createdDate: isoish(r.created_at), updatedDate: isoish(r.updated_at), type: r.type,
        paymentAccountId: r.account_id, paymentUrl: r.payment_url, gatewayStatus: r.gateway_status, sessionId: r.gateway_ref,
        expiresAt: r.expires_at && isoish(r.expires_at), paymentId: r.payment_id, ...(r.client_secret ? { clientSecret: r.client_secret } : {}),
      });
    }
    return { items, total: rows[0]?.total ?? 0 };
  });

  app.post<{ Body: { userId: number; orderId: number; type: string } }>('/floor/sessions', async (request) => {
    const b = request.body;
    const [s] = await query(INSERT_SESSION, [b.orderId, b.userId, b.type, id('evt_', 12)], 'floor_session') as {
      id: number; account_id: number; type: string; amount: string; currency: string; expires_at: Date; created_at: Date;
    }[];
    const intent = id('tgpi_', 16);
    const secret = `${intent}_secret_${randomBytes(24).toString('base64url')}`;
    await query(INSERT_INTENT, [intent, s!.account_id, s!.id, s!.type, s!.amount, s!.currency, secret, `tender-session-${s!.id}`], 'floor_intent');
    await query(SET_GATEWAY_REF, [s!.id, intent, secret], 'floor_gateway_ref');
    return {
      id: s!.id, orderId: b.orderId, type: s!.type, amount: s!.amount, currency: s!.currency, status: 'waiting', paymentAccountId: s!.account_id,
      clientSecret: secret, paymentUrl: null, expiresAt: s!.expires_at, createdDate: s!.created_at, updatedDate: s!.created_at,
    };
  });
}

const HISTORY_COLUMNS = 'entity, entity_id, action, from_status, to_status, amount, currency, order_id, collection_id, session_id, payment_id, actor_type, actor_id, gateway_ref, data';

/** The event's dedupe row, inserted settled; every later CTE reads from it, so a duplicate writes nothing. */
const DEDUPE = `g AS (INSERT INTO gateway_events (account_id, provider_event_id, type, source, result, payload, processed_at)
                      VALUES ($1, $2, $3, 'webhook', 'applied', $4::jsonb, now())
                      ON CONFLICT (account_id, provider_event_id) DO NOTHING RETURNING id)`;

/** The payment of the event's intent, locked ($1 account, $5 the intent's id). */
const PAYMENT = `p0 AS (SELECT p.id, p.collection_id, p.session_id, p.order_id, p.currency, p.amount FROM payments p, g
                         WHERE p.account_id = $1 AND p.gateway_ref = $5 FOR UPDATE OF p)`;

const AUTHORIZED = `
  WITH ${DEDUPE},
       s AS (SELECT s.id, s.collection_id, s.order_id, s.user_id, s.account_id, s.currency FROM payment_sessions s, g
              WHERE s.account_id = $1 AND s.gateway_ref = $5 FOR UPDATE OF s),
       p AS (INSERT INTO payments (collection_id, session_id, order_id, user_id, account_id, currency, amount, authorized_amount, status, gateway_status,
                                   gateway_ref, payment_method, card_brand, card_last4)
             SELECT collection_id, id, order_id, user_id, account_id, currency, $6::bigint, $6::bigint, 'authorized', 'requires_capture', $5, 'card', $7, $8 FROM s
             RETURNING *),
       su AS (UPDATE payment_sessions x SET status = 'authorized', gateway_status = 'requires_capture', payment_id = p.id, updated_at = now() FROM p WHERE x.id = p.session_id),
       cu AS (UPDATE payment_collections x SET status = 'authorized', authorized_amount = x.authorized_amount + p.amount, updated_at = now() FROM p WHERE x.id = p.collection_id),
       ou AS (UPDATE orders x SET version = x.version + 1, updated_at = now() FROM p WHERE x.id = p.order_id),
       h AS (INSERT INTO payment_events (${HISTORY_COLUMNS})
             SELECT 'payment', p.id, 'created', NULL, 'authorized', p.amount, p.currency, p.order_id, p.collection_id, p.session_id, p.id, 'gateway', $9, $5, NULL::jsonb FROM p
             UNION ALL SELECT 'session', p.session_id, 'status_changed', 'pending', 'authorized', p.amount, p.currency, p.order_id, p.collection_id, p.session_id, NULL, 'gateway', $9, $5, NULL FROM p
             UNION ALL SELECT 'collection', p.collection_id, 'status_changed', 'awaiting', 'authorized', p.amount, p.currency, p.order_id, p.collection_id, NULL, NULL, 'gateway', $9, NULL, NULL FROM p),
       e AS (INSERT INTO events (public_id, type, object_type, object_id, ordering_key, order_id, data)
             SELECT $10, 'payment.authorized', 'payment', p.id, 'payment:' || p.id, p.order_id, jsonb_build_object('object', to_jsonb(p)) FROM p)
  SELECT (SELECT count(*)::int FROM p) AS applied`;

const CAPTURED = `
  WITH ${DEDUPE}, ${PAYMENT},
       cap AS (INSERT INTO captures (payment_id, amount, currency, status, gateway_ref, actor_type, actor_id)
               SELECT id, $6::bigint, currency, 'succeeded', $7, 'gateway', $9 FROM p0 RETURNING id),
       pu AS (UPDATE payments x SET captured_amount = x.captured_amount + $6::bigint, status = 'captured', gateway_status = 'succeeded', updated_at = now()
                FROM p0 WHERE x.id = p0.id RETURNING x.*),
       cu AS (UPDATE payment_collections x SET status = 'completed', captured_amount = x.captured_amount + $6::bigint, updated_at = now() FROM p0 WHERE x.id = p0.collection_id),
       ou AS (UPDATE orders x SET status_identifier = 'paid', is_completed = true, version = x.version + 1, updated_at = now() FROM p0 WHERE x.id = p0.order_id
              RETURNING x.id, x.storage_id, x.currency, x.form_data, x.lines, x.total, x.status_identifier, x.is_completed, x.created_at, x.updated_at),
       h AS (INSERT INTO payment_events (${HISTORY_COLUMNS})
             SELECT 'capture', cap.id, 'created', NULL, 'succeeded', $6::bigint, p0.currency, p0.order_id, p0.collection_id, p0.session_id, p0.id, 'gateway', $9, $8, NULL::jsonb FROM p0, cap
             UNION ALL SELECT 'payment', p0.id, 'captured', 'authorized', 'captured', $6::bigint, p0.currency, p0.order_id, p0.collection_id, p0.session_id, p0.id, 'gateway', $9, $5, NULL FROM p0
             UNION ALL SELECT 'collection', p0.collection_id, 'status_changed', 'authorized', 'completed', p0.amount, p0.currency, p0.order_id, p0.collection_id, NULL, NULL, 'gateway', $9, NULL, NULL FROM p0
             UNION ALL SELECT 'order', p0.order_id, 'status_changed', 'inProgress', 'paid', NULL, NULL, p0.order_id, p0.collection_id, NULL, NULL, 'gateway', $9, NULL, '{"paymentStatus":"completed"}' FROM p0),
       e AS (INSERT INTO events (public_id, type, object_type, object_id, ordering_key, order_id, data)
             SELECT $10, 'payment.captured', 'payment', pu.id, 'payment:' || pu.id, pu.order_id, jsonb_build_object('object', to_jsonb(pu)) FROM pu
             UNION ALL SELECT $11, 'order.status_changed', 'order', ou.id, 'order:' || ou.id, ou.id, jsonb_build_object('object', to_jsonb(ou)) FROM ou)
  SELECT (SELECT count(*)::int FROM p0) AS applied`;

const REFUNDED = `
  WITH ${DEDUPE}, ${PAYMENT},
       rf AS (INSERT INTO refunds (payment_id, amount, currency, status, reason, gateway_ref, actor_type, actor_id)
              SELECT id, $6::bigint, currency, 'succeeded', 'reported by the gateway', $7, 'gateway', $9 FROM p0 RETURNING id),
       pu AS (UPDATE payments x SET refunded_amount = x.refunded_amount + $6::bigint, status = 'partially_refunded', updated_at = now()
                FROM p0 WHERE x.id = p0.id RETURNING x.*),
       cu AS (UPDATE payment_collections x SET status = 'partially_refunded', refunded_amount = x.refunded_amount + $6::bigint, updated_at = now() FROM p0 WHERE x.id = p0.collection_id),
       ou AS (UPDATE orders x SET version = x.version + 1, updated_at = now() FROM p0 WHERE x.id = p0.order_id),
       h AS (INSERT INTO payment_events (${HISTORY_COLUMNS})
             SELECT 'refund', rf.id, 'created', NULL, 'succeeded', $6::bigint, p0.currency, p0.order_id, p0.collection_id, p0.session_id, p0.id, 'gateway', $9, $8, NULL::jsonb FROM p0, rf
             UNION ALL SELECT 'payment', p0.id, 'refunded', 'captured', 'partially_refunded', $6::bigint, p0.currency, p0.order_id, p0.collection_id, p0.session_id, p0.id, 'gateway', $9, $5, NULL FROM p0
             UNION ALL SELECT 'collection', p0.collection_id, 'status_changed', 'completed', 'partially_refunded', p0.amount, p0.currency, p0.order_id, p0.collection_id, NULL, NULL, 'gateway', $9, NULL, NULL FROM p0),
       e AS (INSERT INTO events (public_id, type, object_type, object_id, ordering_key, order_id, data)
             SELECT $10, 'payment.refunded', 'payment', pu.id, 'payment:' || pu.id, pu.order_id, jsonb_build_object('object', to_jsonb(pu)) FROM pu)
  SELECT (SELECT count(*)::int FROM p0) AS applied`;

interface FloorEvent {
  id: string;
  type: string;
  data: {
    object: { id: string; amountCapturable: string; card: { brand: string; last4: string } | null };
    operation?: { id: string; amount: string };
  };
}

/**
 * The webhooks' floor in more statements (`?statements=2` or `3` on the path), each variant in
 * one transaction, ending with the same write statement as the one-statement floor:
 * - 2, *read, then write*: one statement reads the session, its collection and its live payment
 *   (what a state machine in the application decides from), then the write. The least any
 *   design pays that decides in application code (an optimistic one would add a version check
 *   to the write, left out).
 * - 3, *lock, read, write*: the order, collection and session locked first (Tender's lock
 *   statement's shape), then the read in a statement of its own (the reads of the locking
 *   statement would come from the snapshot taken before its lock wait), then the write. The
 *   least a lock-first design pays; Tender's webhook is this plus the dedupe row in the read
 *   statement and the write split in two (4–5 statements, docs/benchmarks.md).
 */
const LOCK = `
  SELECT (SELECT 1 FROM orders o WHERE o.id = s.order_id FOR UPDATE) AS order_locked, c.id AS collection_id, s.id AS session_id
    FROM payment_collections c JOIN payment_sessions s ON s.collection_id = c.id
   WHERE s.account_id = $1 AND s.gateway_ref = $2
     FOR UPDATE OF c, s`;

const READ = `
  SELECT c.*, s.*, p.*
    FROM payment_sessions s JOIN payment_collections c ON c.id = s.collection_id
    LEFT JOIN LATERAL (SELECT * FROM payments WHERE session_id = s.id AND status <> 'failed' ORDER BY id DESC LIMIT 1) p ON true
   WHERE s.account_id = $1 AND s.gateway_ref = $2`;

/**
 * `?statements=batch` (`BENCH_WEBHOOK_BATCHED=1`): what *several events per transaction* would
 * pay — the design docs/benchmarks.md names for closing the webhooks' gap — measured rather than
 * argued. Events wait in one queue; up to BATCH_LANES transactions run at once, each taking every
 * event queued (at most BATCH_MAX): one statement locks all their orders, collections and
 * sessions (sessions in id order), one reads them all, then each event's write statement (the
 * 1-statement floor's) in turn, and one commit. Per event: 1 + 2 ÷ batch statements, 1 ÷ batch
 * commits. The load sends a session's events one after another, so no two batches hold the same
 * session; a real engine would also need a failing event not to fail its batch (a savepoint each).
 */
const LOCK_MANY = `
  SELECT (SELECT 1 FROM orders o WHERE o.id = s.order_id FOR UPDATE) AS order_locked, c.id AS collection_id, s.id AS session_id
    FROM payment_collections c JOIN payment_sessions s ON s.collection_id = c.id
    JOIN unnest($1::int[], $2::text[]) AS e(account_id, ref) ON s.account_id = e.account_id AND s.gateway_ref = e.ref
   ORDER BY s.id
     FOR UPDATE OF c, s`;

const READ_MANY = `
  SELECT c.*, s.*, p.*
    FROM unnest($1::int[], $2::text[]) AS e(account_id, ref)
    JOIN payment_sessions s ON s.account_id = e.account_id AND s.gateway_ref = e.ref
    JOIN payment_collections c ON c.id = s.collection_id
    LEFT JOIN LATERAL (SELECT * FROM payments WHERE session_id = s.id AND status <> 'failed' ORDER BY id DESC LIMIT 1) p ON true`;

const BATCH_MAX = 64;
const BATCH_LANES = Number(process.env.BENCH_WEBHOOK_BATCH_LANES ?? 2);

interface Queued {
  accountId: number;
  ref: string;
  write: [string, unknown[], string];
  resolve: (rows: unknown[]) => void;
  reject: (err: unknown) => void;
}

function batcher(transaction: Transaction): (e: Omit<Queued, 'resolve' | 'reject'>) => Promise<unknown[]> {
  const queue: Queued[] = [];
  let running = 0;
  const run = async (batch: Queued[]) => {
    try {
      const results = await transaction(async (q) => {
        const ids = [batch.map((e) => e.accountId), batch.map((e) => e.ref)];
        await q(LOCK_MANY, ids, 'floor_lock_many');
        await q(READ_MANY, ids, 'floor_read_many');
        const out: unknown[][] = [];
        for (const e of batch) out.push(await q(...e.write));
        return out;
      });
      batch.forEach((e, i) => e.resolve(results[i]!));
    } catch (err) {
      for (const e of batch) e.reject(err);
    }
  };
  const pump = () => {
    while (running < BATCH_LANES && queue.length > 0) {
      running++;
      void run(queue.splice(0, BATCH_MAX)).finally(() => {
        running--;
        pump();
      });
    }
  };
  return (e) => new Promise((resolve, reject) => {
    queue.push({ ...e, resolve, reject });
    pump();
  });
}

export async function registerFloorWebhooks(root: FastifyInstance, query: Query, secretKey: string, transaction?: Transaction): Promise<void> {
  const keys = KeyRing.fromString(secretKey);
  const secrets = new Map<number, string>();
  const batched = transaction && batcher(transaction);
  await root.register(async (app) => {
    // The raw body is what is signed (in this scope only; the storefront routes parse JSON).
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.post<{ Params: { accountId: string }; Querystring: { statements?: string }; Body: string }>('/api/webhooks/:accountId', async (request, reply) => {
      const accountId = Number(request.params.accountId);
      let secret = secrets.get(accountId);
      if (!secret) secrets.set(accountId, (secret = webhookSecret(keys, accountId)));
      try {
        verifySignature(secret, request.body, request.headers[SIGNATURE_HEADER], Math.floor(Date.now() / 1000));
      } catch {
        return reply.code(400).send({ error: 'bad signature' });
      }
      const e = JSON.parse(request.body) as FloorEvent;
      const actor = `webhook:${e.id}`;
      const base = [accountId, e.id, e.type, request.body, e.data.object.id];
      let write: [string, unknown[], string];
      if (e.type === 'payment_intent.amount_capturable_updated') {
        write = [AUTHORIZED, [...base, e.data.object.amountCapturable, e.data.object.card?.brand ?? null, e.data.object.card?.last4 ?? null, actor, id('evt_', 12)], 'floor_authorized'];
      } else if (e.type === 'charge.captured') {
        write = [CAPTURED, [...base, e.data.operation!.amount, e.data.operation!.id, e.data.operation!.id, actor, id('evt_', 12), id('evt_', 12)], 'floor_captured'];
      } else if (e.type === 'charge.refunded') {
        write = [REFUNDED, [...base, e.data.operation!.amount, e.data.operation!.id, e.data.operation!.id, actor, id('evt_', 12)], 'floor_refunded'];
      } else {
        return reply.code(400).send({ error: `event type ${e.type} is not part of the floor` });
      }
      const statements = request.query.statements === 'batch' ? 'batch' : Number(request.query.statements ?? 1);
      let rows: unknown[];
      if (statements === 1) rows = await query(...write);
      else if (statements === 'batch' && batched) rows = await batched({ accountId, ref: e.data.object.id, write });
      else if ((statements === 2 || statements === 3) && transaction) {
        rows = await transaction(async (q) => {
          if (statements === 3) await q(LOCK, [accountId, e.data.object.id], 'floor_lock');
          await q(READ, [accountId, e.data.object.id], 'floor_read');
          return q(...write);
        });
      } else return reply.code(400).send({ error: `no floor of ${statements} statements` });
      return { received: true, result: (rows[0] as { applied: number }).applied === 1 ? 'applied' : 'duplicate' };
    });
  });
}
