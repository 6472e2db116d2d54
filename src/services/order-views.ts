/**
 * Orders as the OneEntry wire shows them. Amounts leave as major-unit decimals here and only
 * here (`toMajorNumber` / `formatMajor`), next to their integer minor-unit twins.
 */
import type { FormDataItem } from '../contract/common.js';
import type { CreateOrderResponse, OrderEntity, OrderProduct } from '../contract/orders.js';
import { formatMajor, money, toMajorNumber } from '../domain/index.js';
import { PaymentsError } from '../errors.js';
import type { OrderRecord } from '../store/order-store.js';
import { localize } from './order-localize.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A minor-unit amount as a JSON integer; refuses what a double cannot carry exactly. */
export function toMinorNumber(amount: bigint): number {
  if (amount > MAX_SAFE || amount < -MAX_SAFE) {
    throw new PaymentsError('invalid_amount', `Amount ${amount.toString()} (minor units) is too large to send as a JSON number`);
  }
  return Number(amount);
}

/** Answer of createOrder / updateOrderByMarkerAndId: `totalSum` is a NUMBER (340 for 340.00 USD). */
export function toCreateOrderResponse(o: OrderRecord): CreateOrderResponse {
  const out: CreateOrderResponse = {
    id: o.id,
    formIdentifier: o.formIdentifier,
    paymentAccountIdentifier: o.paymentAccountIdentifier,
    formData: o.formData as FormDataItem[],
    products: o.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
    currency: o.currency,
    totalSum: toMajorNumber(money(o.total, o.currency)),
    createdDate: o.createdAt.toISOString(),
    totalMinor: toMinorNumber(o.total),
  };
  // Optional, never null (contract §7.9).
  if (o.statusIdentifier !== null) out.statusIdentifier = o.statusIdentifier;
  return out;
}

/** getOrderByMarkerAndId / getAllOrdersByMarker item: `totalSum` is a STRING with the currency's exponent ("340.00", "1000", "1.234"). */
export function toOrderEntity(o: OrderRecord, langCode: string): OrderEntity {
  const products: OrderProduct[] = o.lines.map((l) => ({
    id: l.productId,
    quantity: l.quantity,
    title: l.title,
    sku: l.sku ?? null,
    previewImage: null,
    price: toMajorNumber(money(BigInt(l.priceMinor), o.currency)),
    isGift: false,
  }));
  const out: OrderEntity = {
    id: o.id,
    storageId: o.storageId,
    createdDate: o.createdAt.toISOString(),
    formIdentifier: o.formIdentifier,
    formData: o.formData as FormDataItem[],
    totalSum: formatMajor(money(o.total, o.currency)),
    currency: o.currency,
    paymentAccountIdentifier: o.paymentAccountIdentifier,
    paymentAccountLocalizeInfos: localize(o.paymentAccountLocalizeInfos, langCode),
    paymentUrl: o.paymentUrl,
    products,
    isCompleted: o.isCompleted,
    totalMinor: toMinorNumber(o.total),
  };
  // statusIdentifier and attributeSetIdentifier are optional but not nullable: left out, never null.
  if (o.statusIdentifier !== null) {
    out.statusIdentifier = o.statusIdentifier;
    if (o.statusLocalizeInfos) out.statusLocalizeInfos = localize(o.statusLocalizeInfos, langCode);
  }
  return out;
}
