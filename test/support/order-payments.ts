import type { TestTender } from './tender.js';

/**
 * Payment rows written directly, standing in for the payment engine in Orders tests: a paid
 * order has a collection, an authorized session and a payment whose captured amount is set.
 */
export async function insertCapturedPayment(
  t: TestTender,
  orderId: number,
  opts: { captured?: bigint; refunded?: bigint; status?: 'captured' | 'partially_captured' | 'partially_refunded' | 'refunded' | 'authorized' | 'failed' } = {},
): Promise<{ collectionId: number; sessionId: number; paymentId: number }> {
  return t.ctx.db.transaction(async (tx) => {
    const { rows: o } = await tx.query<{ user_id: number; payment_account_id: number; total: bigint; currency: string }>(
      'SELECT user_id, payment_account_id, total, currency FROM orders WHERE id = $1',
      [orderId],
    );
    const order = o[0]!;
    const captured = opts.captured ?? BigInt(order.total);
    const refunded = opts.refunded ?? 0n;
    const status = opts.status ?? 'captured';
    const authorized = status === 'failed' ? 0n : captured > 0n ? captured : BigInt(order.total);
    const collectionId = await collectionOf(tx, orderId, order);
    const { rows: s } = await tx.query<{ id: number }>(
      `INSERT INTO payment_sessions (collection_id, order_id, user_id, account_id, type, status, amount, currency)
       VALUES ($1, $2, $3, $4, 'session', 'authorized', $5, $6) RETURNING id`,
      [collectionId, orderId, order.user_id, order.payment_account_id, String(order.total), order.currency],
    );
    const sessionId = s[0]!.id;
    const { rows: p } = await tx.query<{ id: number }>(
      `INSERT INTO payments (collection_id, session_id, order_id, user_id, account_id, currency, amount, authorized_amount,
         captured_amount, refunded_amount, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [collectionId, sessionId, orderId, order.user_id, order.payment_account_id, order.currency, String(order.total),
        String(authorized), String(status === 'failed' ? 0n : captured), String(refunded), status],
    );
    await tx.query('UPDATE payment_sessions SET payment_id = $2 WHERE id = $1', [sessionId, p[0]!.id]);
    return { collectionId, sessionId, paymentId: p[0]!.id };
  });
}

/** An open (pending) checkout session with a payment URL, as the payment engine creates one. */
export async function insertOpenSession(t: TestTender, orderId: number, paymentUrl: string | null): Promise<{ collectionId: number; sessionId: number }> {
  return t.ctx.db.transaction(async (tx) => {
    const { rows: o } = await tx.query<{ user_id: number; payment_account_id: number; total: bigint; currency: string }>(
      'SELECT user_id, payment_account_id, total, currency FROM orders WHERE id = $1',
      [orderId],
    );
    const order = o[0]!;
    const collectionId = await collectionOf(tx, orderId, order);
    await tx.query(`UPDATE payment_collections SET status = 'awaiting' WHERE id = $1`, [collectionId]);
    const { rows: s } = await tx.query<{ id: number }>(
      `INSERT INTO payment_sessions (collection_id, order_id, user_id, account_id, type, status, amount, currency, payment_url)
       VALUES ($1, $2, $3, $4, 'session', 'pending', $5, $6, $7) RETURNING id`,
      [collectionId, orderId, order.user_id, order.payment_account_id, String(order.total), order.currency, paymentUrl],
    );
    return { collectionId, sessionId: s[0]!.id };
  });
}

async function collectionOf(
  tx: { query: TestTender['ctx']['db']['query'] },
  orderId: number,
  order: { user_id: number; total: bigint; currency: string },
): Promise<number> {
  const { rows: existing } = await tx.query<{ id: number }>('SELECT id FROM payment_collections WHERE order_id = $1', [orderId]);
  if (existing[0]) return existing[0].id;
  const { rows } = await tx.query<{ id: number }>(
    'INSERT INTO payment_collections (order_id, user_id, amount, currency) VALUES ($1, $2, $3, $4) RETURNING id',
    [orderId, order.user_id, String(order.total), order.currency],
  );
  return rows[0]!.id;
}
