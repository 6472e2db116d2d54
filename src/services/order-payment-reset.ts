import type { Queryable } from '../store/db.js';
import type { Actor } from '../store/history-store.js';
import { lockOpenSessions, setCollectionAmount } from '../store/order-payment-store.js';
import { collectionForOrder } from '../store/payment-store.js';
import { syncCollection } from './collection-sync.js';
import { moveSession } from './session-service.js';

/**
 * After an order's products, total or payment account changed: its open checkout sessions were
 * made for the old amount or account, so they are canceled (the customer must not pay a stale
 * amount), the order's collection is set to owe the new total, and the collection's status is
 * re-derived (e.g. awaiting → not_paid). Runs in the caller's transaction, which must already
 * hold the order's row lock; the collection is locked next (Tender's lock order: order, then
 * collection). No payment of the order may be live: the caller refuses with order_locked.
 */
export async function resetOrderPayment(
  tx: Queryable,
  order: { id: number; total: bigint; currency: string },
  actor: Actor,
): Promise<{ canceledSessionIds: number[]; collectionId: number | undefined }> {
  const collection = await collectionForOrder(tx, order.id, true);
  const sessions = await lockOpenSessions(tx, order.id);
  for (const s of sessions) await moveSession(tx, s, 'canceled', actor, { reason: 'order changed' });
  if (collection) {
    await setCollectionAmount(tx, collection.id, order.total, order.currency);
    collection.amount = order.total;
    collection.currency = order.currency;
    await syncCollection(tx, collection, actor);
  }
  return { canceledSessionIds: sessions.map((s) => s.id), collectionId: collection?.id };
}
