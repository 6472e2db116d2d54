import type { CreateOrderBody, CreateOrderResponse, OrderEntity, OrdersPage, UpdateOrderBody } from '../contract/orders.js';
import type { AppContext } from '../context.js';
import { PaymentsError } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { appendHistory, type Actor } from '../store/history-store.js';
import { findCreatedUnderKey, type IdempotencyLink } from '../store/idempotency-link.js';
import { findLivePayment } from '../store/order-payment-store.js';
import { findOrderInputs, type OrderInputs, type StorageAccount, type StorageRow } from '../store/order-storage-store.js';
import {
  findOrderById,
  findUserOrder,
  insertOrder,
  listUserOrders,
  lockUserOrder,
  updateOrder as writeOrderChanges,
  type OrderLine,
  type OrderRecord,
  type StoredFormField,
} from '../store/order-store.js';
import { assertSameRequest } from './idempotent-rerun.js';
import { normalizeFormData } from './order-form-data.js';
import { resetOrderPayment } from './order-payment-reset.js';
import { rememberRow } from './outbox.js';
import { checkExpectedCurrency, distinctProductIds, priceFromCatalog, refuseDiscounts, type PricedLines } from './order-pricing.js';
import { requireStorage, type Page } from './order-storage-service.js';
import { toCreateOrderResponse, toOrderEntity } from './order-views.js';

type OrderBody = CreateOrderBody | UpdateOrderBody;

interface PreparedOrder {
  formIdentifier: string;
  formData: StoredFormField[];
  account: StorageAccount;
  priced: PricedLines;
}

export function userActor(userId: number): Actor {
  return { type: 'user', id: String(userId) };
}

function orderNotFound(id: number): PaymentsError {
  return new PaymentsError('order_not_found', `Order ${id} not found`);
}

/** Everything an order body refers to, read in one round trip; storage_not_found without the storage. */
async function readOrderInputs(q: Queryable, marker: string, body: OrderBody): Promise<OrderInputs> {
  const inputs = await findOrderInputs(q, marker, body.paymentAccountIdentifier, distinctProductIds(body.products));
  if (!inputs) throw new PaymentsError('storage_not_found', `Order storage '${marker}' not found`);
  return inputs;
}

/** Checks everything an order body refers to against the storage and prices it from the catalog. */
function prepareOrder({ storage, form, account, products }: OrderInputs, body: OrderBody): PreparedOrder {
  if (storage.formIdentifier === null || body.formIdentifier !== storage.formIdentifier) {
    throw new PaymentsError(
      'validation_failed',
      storage.formIdentifier === null
        ? `Order storage '${storage.identifier}' has no order form configured`
        : `formIdentifier '${body.formIdentifier}' is not the order form of storage '${storage.identifier}'; use '${storage.formIdentifier}'`,
      { field: 'formIdentifier' },
    );
  }
  if (!form) throw new PaymentsError('form_not_found', `Form '${storage.formIdentifier}' of storage '${storage.identifier}' does not exist`);
  const formData = normalizeFormData(body.formData, form);
  if (!account) {
    const allowed = storage.accountIdentifiers.map((a) => `'${a}'`).join(', ') || 'none';
    throw new PaymentsError(
      'validation_failed',
      `Payment account '${body.paymentAccountIdentifier}' is not available in storage '${storage.identifier}'; allowed: ${allowed}`,
      { field: 'paymentAccountIdentifier', allowed: storage.accountIdentifiers },
    );
  }
  const priced = priceFromCatalog(body.products, products);
  checkExpectedCurrency(body.currency, priced);
  return { formIdentifier: storage.formIdentifier, formData, account, priced };
}

/** The answer of the earlier run of this create, if an order was already made under the key. */
async function orderCreatedUnder(tx: Queryable, link: IdempotencyLink): Promise<CreateOrderResponse | undefined> {
  const prior = await findCreatedUnderKey(tx, 'orders', link.scope, link.key);
  if (!prior) return undefined;
  assertSameRequest(link, prior);
  return toCreateOrderResponse((await findOrderById(tx, prior.id))!);
}

/**
 * createOrder: a new order of the user in the storage's default status; the total comes from
 * the catalog. With an Idempotency-Key (`link`) the order carries the key, written in the same
 * transaction: a re-run of the create — after a crash left the key's record unfinished, or a
 * concurrent run that took the key over — answers the order made the first time.
 */
export async function createOrder(
  ctx: AppContext,
  userId: number,
  marker: string,
  body: CreateOrderBody,
  link?: IdempotencyLink,
): Promise<CreateOrderResponse> {
  refuseDiscounts(body);
  // No explicit transaction: the reads take no locks (a transaction would give them nothing
  // more), and the order and its history row are one INSERT statement, atomic on its own
  // (order creation has no outbox event). Two round trips in all (docs/benchmarks-history.md).
  const earlier = link && (await orderCreatedUnder(ctx.db, link));
  if (earlier) return earlier;
  const inputs = await readOrderInputs(ctx.db, marker, body);
  const p = prepareOrder(inputs, body);
  const order = await insertOrder(
    ctx.db,
    {
      storageId: inputs.storage.id,
      userId,
      formIdentifier: p.formIdentifier,
      paymentAccountId: p.account.id,
      formData: p.formData,
      lines: p.priced.lines,
      currency: p.priced.currency,
      total: p.priced.total,
      statusIdentifier: inputs.storage.defaultStatus,
      ...(link ? { idempotency: link } : {}),
    },
    userActor(userId),
  );
  // Nothing inserted: a concurrent run with this key committed its order meanwhile.
  if (order === undefined) return (await orderCreatedUnder(ctx.db, link!))!;
  return toCreateOrderResponse(order);
}

function sameLines(a: readonly OrderLine[], b: readonly OrderLine[]): boolean {
  return a.length === b.length && a.every((l, i) => l.productId === b[i]!.productId && l.quantity === b[i]!.quantity);
}

/**
 * updateOrderByMarkerAndId: replaces the order's form data, products and account, re-priced
 * from the catalog. Refused with order_locked once a payment of the order is live (anything
 * but failed/canceled): money has moved against the old total. When the products, total or
 * account change, open checkout sessions are canceled and the collection owes the new total.
 */
export async function updateOrder(
  ctx: AppContext,
  userId: number,
  marker: string,
  orderId: number,
  body: UpdateOrderBody,
): Promise<CreateOrderResponse> {
  refuseDiscounts(body);
  return ctx.db.transaction(async (tx) => {
    const inputs = await readOrderInputs(tx, marker, body);
    if (!(await lockUserOrder(tx, userId, orderId, inputs.storage.id))) throw orderNotFound(orderId);
    const before = (await findOrderById(tx, orderId))!;
    const live = await findLivePayment(tx, orderId);
    if (live) {
      throw new PaymentsError(
        'order_locked',
        `Order ${orderId} has a payment in status '${live.status}' and can no longer be changed; cancel the payment or request a refund instead`,
        { paymentId: live.id, paymentStatus: live.status },
      );
    }
    const p = prepareOrder(inputs, body);
    const { lines, currency, total } = p.priced;
    await writeOrderChanges(tx, orderId, {
      formIdentifier: p.formIdentifier,
      paymentAccountId: p.account.id,
      formData: p.formData,
      lines,
      currency,
      total,
    });
    rememberRow(tx, 'order', orderId, undefined);
    const paymentAffected =
      !sameLines(before.lines, lines) || total !== before.total || currency !== before.currency || p.account.id !== before.paymentAccountId;
    const reset = paymentAffected ? await resetOrderPayment(tx, { id: orderId, total, currency }, userActor(userId)) : undefined;
    await appendHistory(tx, {
      entity: 'order',
      entityId: orderId,
      action: 'updated',
      amount: total,
      currency,
      orderId,
      collectionId: reset?.collectionId ?? null,
      actor: userActor(userId),
      data: {
        previousTotal: before.total.toString(),
        previousCurrency: before.currency,
        paymentAffected,
        canceledSessionIds: reset?.canceledSessionIds ?? [],
      },
    });
    return toCreateOrderResponse((await findOrderById(tx, orderId))!);
  });
}

async function requireUserOrder(q: Queryable, userId: number, storage: StorageRow, orderId: number): Promise<OrderRecord> {
  const order = await findUserOrder(q, userId, storage.id, orderId);
  if (!order) throw orderNotFound(orderId);
  return order;
}

/** getOrderByMarkerAndId: only the caller's own order in that storage; anything else is order_not_found. */
export async function getOrder(ctx: AppContext, userId: number, marker: string, orderId: number, langCode: string): Promise<OrderEntity> {
  const storage = await requireStorage(ctx.db, marker);
  return toOrderEntity(await requireUserOrder(ctx.db, userId, storage, orderId), langCode);
}

/** getAllOrdersByMarker: the caller's orders in the storage, newest first. */
export async function listOrders(ctx: AppContext, userId: number, marker: string, langCode: string, page: Page): Promise<OrdersPage> {
  const storage = await requireStorage(ctx.db, marker);
  const { items, total } = await listUserOrders(ctx.db, userId, storage.id, page.offset, page.limit);
  return { items: items.map((o) => toOrderEntity(o, langCode)), total };
}
