import type { PaymentStatus } from '../domain/payment-status.js';
import type { SessionStatus } from '../domain/session-status.js';
import type { Queryable } from '../store/db.js';

/**
 * A transaction's copy of one collection's session statuses and payment sums: what
 * `syncCollection` derives the collection's status from. The engine reads it after the
 * collection lock is held, as two more columns of a statement it makes anyway (the one that
 * reads the session's live payment), and the writers keep it current — `moveSession`,
 * `savePayment`, the payment and session INSERTs note every status and sum they write — so
 * syncCollection needs no read of its own (docs/benchmarks-history.md, third round).
 *
 * Valid only under the collection's lock: every writer of a collection's sessions and payments
 * holds it (src/services/engine/locks.ts), so nothing but this transaction changes the rows.
 * With `TENDER_SELF_CHECK=1` (set for the whole test suite) syncCollection also reads the rows
 * and throws if the copy differs, so a writer that forgot to note its change fails the tests.
 */
export interface PaymentSums {
  status: PaymentStatus;
  authorized_amount: bigint;
  captured_amount: bigint;
  refunded_amount: bigint;
}

interface ChildRows {
  sessions: Map<number, SessionStatus>;
  payments: Map<number, PaymentSums>;
}

const held = new WeakMap<Queryable, Map<number, ChildRows>>();

/**
 * Two columns (`lk__sessions`, `lk__payments`) with every session and payment of the collection
 * whose id is `collectionIdSql`, for a statement that runs after the collection lock is held.
 * Amounts as text: JSON numbers would lose bigint precision.
 */
export function childRowsColumns(collectionIdSql: string): string {
  return `(SELECT json_agg(json_build_array(id, status)) FROM payment_sessions WHERE collection_id = ${collectionIdSql}) AS lk__sessions,
          (SELECT json_agg(json_build_array(id, status, authorized_amount::text, captured_amount::text, refunded_amount::text))
             FROM payments WHERE collection_id = ${collectionIdSql}) AS lk__payments`;
}

/** Keeps the rows read by {@link childRowsColumns} for the rest of the transaction. */
export function holdChildRows(tx: Queryable, collectionId: number, row: Record<string, unknown>): void {
  const sessions = new Map<number, SessionStatus>();
  const payments = new Map<number, PaymentSums>();
  for (const [id, status] of (row.lk__sessions ?? []) as [number, SessionStatus][]) sessions.set(id, status);
  for (const [id, status, a, c, r] of (row.lk__payments ?? []) as [number, PaymentStatus, string, string, string][]) {
    payments.set(id, { status, authorized_amount: BigInt(a), captured_amount: BigInt(c), refunded_amount: BigInt(r) });
  }
  let map = held.get(tx);
  if (!map) {
    map = new Map();
    held.set(tx, map);
  }
  map.set(collectionId, { sessions, payments });
}

/** A session of the collection was inserted or moved to `status` in this transaction. */
export function noteSession(tx: Queryable, collectionId: number, sessionId: number, status: SessionStatus): void {
  held.get(tx)?.get(collectionId)?.sessions.set(sessionId, status);
}

/** A payment of the collection was inserted or written in this transaction. */
export function notePayment(tx: Queryable, p: PaymentSums & { id: number; collection_id: number }): void {
  held.get(tx)?.get(p.collection_id)?.payments.set(p.id, {
    status: p.status, authorized_amount: p.authorized_amount, captured_amount: p.captured_amount, refunded_amount: p.refunded_amount,
  });
}

/** The collection's rows as this transaction holds them; undefined when it holds none. */
export function heldChildRows(tx: Queryable, collectionId: number): { sessions: { status: SessionStatus }[]; payments: PaymentSums[] } | undefined {
  const rows = held.get(tx)?.get(collectionId);
  if (!rows) return undefined;
  return {
    sessions: [...rows.sessions.values()].map((status) => ({ status })),
    payments: [...rows.payments.values()],
  };
}

/** Whether the engine checks its held copies against the database (tests). */
export let selfCheck = process.env.TENDER_SELF_CHECK === '1';

/**
 * Turns the self-check on or off for this process: a test of the paths the self-check replaces
 * (e.g. a payment's write deferred to the last statement, payment-writes.ts) turns it off.
 */
export function setSelfCheck(on: boolean): void {
  selfCheck = on;
}

/**
 * A transaction's copy of an order's payment-facing status: its status and the merchant's
 * payment-status → order-status mapping of its storage. Read in the statement that locks the
 * order (the locked row's latest version), so syncCollection can tell whether a collection's
 * move also moves the order's status: when it does not, the collection and order writes join the
 * transaction's last statement instead of costing a statement of their own (docs/benchmarks-history.md,
 * eighth round). The mapping is configuration, read as of that statement, as the order's own
 * update would read it.
 */
export interface HeldOrderStatus {
  status: string;
  /** payment status → order status identifier. */
  mapping: Record<string, string>;
  /** The order's status was written in this transaction (the copy is then not used again). */
  written: boolean;
}

const heldOrders = new WeakMap<Queryable, Map<number, HeldOrderStatus>>();

/**
 * A column over the order row `alias` (in the statement that locks it): its status and its
 * storage's mapping, for {@link holdOrderStatus}.
 */
export function orderStatusColumn(alias: string): string {
  return `json_build_array(${alias}.status_identifier, (SELECT json_object_agg(m.payment_status, m.order_status_identifier)
            FROM payment_status_mappings m WHERE m.storage_id = ${alias}.storage_id))`;
}

/** Keeps the value of {@link orderStatusColumn} for the order, for the rest of the transaction. */
export function holdOrderStatus(tx: Queryable, orderId: number, value: unknown): void {
  if (!Array.isArray(value) || typeof value[0] !== 'string') return;
  let map = heldOrders.get(tx);
  if (!map) {
    map = new Map();
    heldOrders.set(tx, map);
  }
  map.set(orderId, { status: value[0], mapping: (value[1] ?? {}) as Record<string, string>, written: false });
}

/** The order's status as this transaction holds it; undefined when it holds none. */
export function heldOrderStatus(tx: Queryable, orderId: number): HeldOrderStatus | undefined {
  return heldOrders.get(tx)?.get(orderId);
}
