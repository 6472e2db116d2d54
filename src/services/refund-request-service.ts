import type { CreateRefundRequestBody, RefundRequest } from '../contract/orders.js';
import type { AppContext } from '../context.js';
import { formatMajor, money } from '../domain/index.js';
import { assertRefundRequestTransition, REFUND_REQUEST_INITIAL_STATUS } from '../domain/refund-request-status.js';
import { PaymentsError } from '../errors.js';
import { isUniqueViolation, type Queryable } from '../store/db.js';
import { appendHistory } from '../store/history-store.js';
import { findCreatedUnderKey, type IdempotencyLink } from '../store/idempotency-link.js';
import { refundableMoney } from '../store/order-payment-store.js';
import { findOrderById, lockUserOrder, type OrderLine, type OrderRecord } from '../store/order-store.js';
import {
  findOrderRefundRequests,
  findRefundOfRequest,
  insertRefundRequest,
  listOrderRefundRequests,
  ONE_OPEN_PER_ORDER,
  setRefundRequestStatus,
  type RefundProducts,
} from '../store/refund-request-store.js';
import { assertSameRequest } from './idempotent-rerun.js';
import { userActor } from './order-service.js';
import { toRefundRequestView } from './refund-request-views.js';

function orderNotFound(id: number): PaymentsError {
  return new PaymentsError('order_not_found', `Order ${id} not found`);
}

/** Locks the caller's order (FOR UPDATE) and reads it; another user's order is order_not_found. */
async function lockOwnOrder(tx: Queryable, userId: number, orderId: number): Promise<OrderRecord> {
  if (!(await lockUserOrder(tx, userId, orderId))) throw orderNotFound(orderId);
  return (await findOrderById(tx, orderId))!;
}

/** Σ unit price × requested quantity over the order's own lines (the prices the customer paid). */
function requestedAmount(order: OrderRecord, products: RefundProducts): bigint {
  const lines = new Map<string, OrderLine>(order.lines.map((l) => [String(l.productId), l]));
  let amount = 0n;
  for (const [productId, { quantity }] of Object.entries(products)) {
    const line = lines.get(productId);
    if (!line) {
      throw new PaymentsError('validation_failed', `Product ${productId} is not in order ${order.id}`, { productId });
    }
    if (quantity > line.quantity) {
      throw new PaymentsError(
        'validation_failed',
        `Product ${productId}: ${quantity} requested for refund but order ${order.id} has ${line.quantity}`,
        { productId, requested: quantity, ordered: line.quantity },
      );
    }
    amount += BigInt(line.priceMinor) * BigInt(quantity);
  }
  return amount;
}

/** 409 refund_request_exists when the order already has a pending request; else what other pending requests reserve. */
async function otherPendingAmount(tx: Queryable, orderId: number): Promise<bigint> {
  const pending = await findOrderRefundRequests(tx, orderId, ['pending']);
  if (pending.length > 0) {
    throw new PaymentsError(
      'refund_request_exists',
      `Order ${orderId} already has a pending refund request (id ${pending[0]!.id}); cancel it or wait for the merchant's decision`,
      { refundRequestId: pending[0]!.id },
    );
  }
  // Always 0 after the check above; kept so the amount rule reads as specified should the
  // one-open-request-per-order rule ever relax.
  return pending.reduce((sum, r) => sum + r.amount, 0n);
}

/**
 * The amount of the new request: what the products cost, or — for an empty products map —
 * everything still refundable (captured − refunded − refunds in flight − other pending requests).
 */
function decideAmount(order: OrderRecord, asked: bigint, everything: boolean, refundable: bigint): bigint {
  const fmt = (minor: bigint) => formatMajor(money(minor < 0n ? 0n : minor, order.currency));
  const details = (requested: bigint) => ({ requested: fmt(requested), refundable: fmt(refundable), currency: order.currency });
  if (everything) {
    if (refundable > 0n) return refundable;
    throw new PaymentsError(
      'amount_exceeds_refundable',
      `Nothing is left to refund on order ${order.id}: refunds in flight or pending requests already cover the captured amount`,
      details(0n),
    );
  }
  if (asked <= 0n) throw new PaymentsError('validation_failed', 'The requested products cost nothing; there is no amount to refund');
  if (asked > refundable) {
    throw new PaymentsError(
      'amount_exceeds_refundable',
      `The requested refund of ${fmt(asked)} ${order.currency} exceeds the ${fmt(refundable)} ${order.currency} still refundable on order ${order.id}`,
      details(asked),
    );
  }
  return asked;
}

/**
 * createRefundRequest. The order row is locked first, so two concurrent requests for one order
 * run one after the other and cannot both pass the amount check. Checks, in order:
 * 404 not the caller's order → 400 a product not in the order or more than ordered →
 * 409 payment_not_refundable (no captured money left) → 409 refund_request_exists (one pending
 * request per order) → 422 amount_exceeds_refundable. An empty products map asks for everything
 * still refundable and is recorded as asked (empty map, that amount).
 *
 * With an Idempotency-Key (`link`) the request carries the key: a re-run of the create (the
 * process died before the key's record was completed) answers `true` again instead of
 * 409 refund_request_exists, or a second request once the merchant decided on the first.
 */
export async function createRefundRequest(
  ctx: AppContext,
  userId: number,
  orderId: number,
  body: CreateRefundRequestBody,
  link?: IdempotencyLink,
): Promise<true> {
  try {
    return await ctx.db.transaction(async (tx) => {
      const order = await lockOwnOrder(tx, userId, orderId);
      // After the order lock: a concurrent run with the same key has committed or rolled back.
      if (link && (await requestCreatedUnder(tx, link))) return true as const;
      const asked = requestedAmount(order, body.products);
      const m = await refundableMoney(tx, orderId, order.currency);
      if (m.captured - m.refunded <= 0n) {
        throw new PaymentsError(
          'payment_not_refundable',
          `Order ${orderId} has no completed payment with money left to refund; a refund can be requested once the order is paid`,
        );
      }
      const refundable = m.captured - m.refunded - m.refundsInFlight - (await otherPendingAmount(tx, orderId));
      const amount = decideAmount(order, asked, Object.keys(body.products).length === 0, refundable);
      const created = await insertRefundRequest(tx, {
        orderId,
        userId,
        storageId: order.storageId,
        amount,
        currency: order.currency,
        products: body.products,
        note: body.note ?? '',
        status: REFUND_REQUEST_INITIAL_STATUS,
        ...(link ? { idempotency: link } : {}),
      });
      if (!created) {
        // A run with this key committed first (unreachable while the order lock serializes
        // creators; the index is the last line of defence): same answer, once the hash matches.
        await requestCreatedUnder(tx, link!);
        return true as const;
      }
      await appendHistory(tx, {
        entity: 'refund_request',
        entityId: created.id,
        action: 'created',
        to: created.status,
        amount,
        currency: order.currency,
        orderId,
        actor: userActor(userId),
      });
      return true as const;
    });
  } catch (err) {
    // Unreachable while the order row lock serializes creators; the index is the last line of defence.
    if (isUniqueViolation(err, ONE_OPEN_PER_ORDER) || (isUniqueViolation(err) && String((err as Error).message).includes(ONE_OPEN_PER_ORDER))) {
      throw new PaymentsError('refund_request_exists', `Order ${orderId} already has a pending refund request`);
    }
    throw err;
  }
}

/** `true` when a request was already made under the key (and the key came with the same request). */
async function requestCreatedUnder(tx: Queryable, link: IdempotencyLink): Promise<boolean> {
  const prior = await findCreatedUnderKey(tx, 'refund_requests', link.scope, link.key);
  if (!prior) return false;
  assertSameRequest(link, prior);
  return true;
}

/** getRefunds: every refund request of the caller's order, oldest first; `[]` when none. */
export async function listRefundRequests(ctx: AppContext, userId: number, orderId: number): Promise<RefundRequest[]> {
  const order = await findOrderById(ctx.db, orderId);
  if (!order || order.userId !== userId) throw orderNotFound(orderId);
  return (await listOrderRefundRequests(ctx.db, orderId)).map(toRefundRequestView);
}

/**
 * cancelRefundRequest: the customer withdraws the order's pending request (pending → canceled),
 * under the order row lock, which the merchant's refund also takes.
 */
export async function cancelRefundRequest(ctx: AppContext, userId: number, orderId: number): Promise<true> {
  return ctx.db.transaction(async (tx) => {
    await lockOwnOrder(tx, userId, orderId);
    const [pending] = await findOrderRefundRequests(tx, orderId, ['pending']);
    if (!pending) {
      throw new PaymentsError('refund_request_not_found', `Order ${orderId} has no pending refund request to cancel`);
    }
    // The merchant's approval starts the refund before it marks the request approved; once
    // money is moving the customer can no longer withdraw the request.
    const refund = await findRefundOfRequest(tx, pending.id);
    if (refund) {
      throw new PaymentsError(
        'conflict',
        `Refund request ${pending.id} is already being refunded (refund ${refund.id}, ${refund.status}) and can no longer be canceled`,
        { refundRequestId: pending.id, refundId: refund.id },
      );
    }
    assertRefundRequestTransition(pending.status, 'canceled');
    await setRefundRequestStatus(tx, pending.id, 'canceled');
    await appendHistory(tx, {
      entity: 'refund_request',
      entityId: pending.id,
      action: 'status_changed',
      from: pending.status,
      to: 'canceled',
      amount: pending.amount,
      currency: pending.currency,
      orderId,
      actor: userActor(userId),
    });
    return true as const;
  });
}
