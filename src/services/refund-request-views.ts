import type { RefundRequest } from '../contract/orders.js';
import { money, toMajorNumber } from '../domain/index.js';
import type { RefundRequestRecord } from '../store/refund-request-store.js';
import { toMinorNumber } from './order-views.js';

/** getRefunds item: `amount` is a major-unit NUMBER, `amountMinor` its integer twin. */
export function toRefundRequestView(r: RefundRequestRecord): RefundRequest {
  return {
    id: r.id,
    createdDate: r.createdAt.toISOString(),
    status: r.status,
    amount: toMajorNumber(money(r.amount, r.currency)),
    note: r.note,
    products: r.products,
    orderId: r.orderId,
    orderStorageId: r.storageId,
    userId: r.userId,
    amountMinor: toMinorNumber(r.amount),
    currency: r.currency,
    updatedDate: r.updatedAt.toISOString(),
  };
}
