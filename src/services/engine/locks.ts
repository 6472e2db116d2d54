import { PaymentsError } from '../../errors.js';
import type { Queryable } from '../../store/db.js';
import { lockCollection, type CollectionRow, type PaymentRow, type SessionRow } from '../../store/payment-store.js';

/**
 * Lock order, everywhere in Tender: the order row (when the collection belongs to an order),
 * then the collection row. Every writer of a collection's sessions, payments, captures and
 * refunds holds both, so they serialize per order and cannot deadlock among themselves.
 */
async function lockOrderAndCollection(tx: Queryable, orderId: number | null, collectionId: number): Promise<CollectionRow> {
  if (orderId !== null) await tx.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
  const collection = await lockCollection(tx, collectionId);
  if (!collection) throw new PaymentsError('not_found', `Payment collection ${collectionId} not found`);
  return collection;
}

export interface LockedSession {
  collection: CollectionRow;
  session: SessionRow;
  /** The session's live payment (requires_action or later), if any. */
  payment: PaymentRow | undefined;
}

export async function lockSession(tx: Queryable, sessionId: number): Promise<LockedSession> {
  const peek = await tx.query<{ order_id: number | null; collection_id: number }>(
    'SELECT order_id, collection_id FROM payment_sessions WHERE id = $1',
    [sessionId],
  );
  const p = peek.rows[0];
  if (!p) throw new PaymentsError('session_not_found', `Payment session ${sessionId} not found`);
  const collection = await lockOrderAndCollection(tx, p.order_id, p.collection_id);
  const { rows } = await tx.query<SessionRow & { p_id: number | null }>(
    `SELECT s.*, (SELECT id FROM payments WHERE session_id = s.id AND status <> 'failed' ORDER BY id DESC LIMIT 1) AS p_id
       FROM payment_sessions s WHERE s.id = $1 FOR UPDATE`,
    [sessionId],
  );
  const session = rows[0]!;
  const payment = session.p_id ? await paymentRow(tx, session.p_id) : undefined;
  return { collection, session, payment };
}

export interface LockedPayment {
  collection: CollectionRow;
  payment: PaymentRow;
}

export async function lockPayment(tx: Queryable, paymentId: number): Promise<LockedPayment> {
  const peek = await tx.query<{ order_id: number | null; collection_id: number }>(
    'SELECT order_id, collection_id FROM payments WHERE id = $1',
    [paymentId],
  );
  const p = peek.rows[0];
  if (!p) throw new PaymentsError('payment_not_found', `Payment ${paymentId} not found`);
  const collection = await lockOrderAndCollection(tx, p.order_id, p.collection_id);
  const { rows } = await tx.query<PaymentRow>('SELECT * FROM payments WHERE id = $1 FOR UPDATE', [paymentId]);
  return { collection, payment: rows[0]! };
}

export async function paymentRow(tx: Queryable, id: number): Promise<PaymentRow | undefined> {
  const { rows } = await tx.query<PaymentRow>('SELECT * FROM payments WHERE id = $1', [id]);
  return rows[0];
}
