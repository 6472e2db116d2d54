import type { OrderDiscountConfig, OrderPreview, PreviewOrderBody } from '../contract/orders.js';
import type { AppContext } from '../context.js';
import { money, toMajorNumber } from '../domain/index.js';
import { priceLines, refuseDiscounts } from './order-pricing.js';
import { toMinorNumber } from './order-views.js';

/** What "no discounts apply" looks like; `bonus` and `coupon` are required keys that may be null. */
function noDiscounts(): OrderDiscountConfig {
  return {
    bonus: null,
    coupon: null,
    orderDiscounts: [],
    productDiscounts: [],
    settings: { allowGiftStacking: false, allowStacking: false, maxDiscountValue: null },
  };
}

/**
 * previewOrder: prices the products exactly as createOrder would, without saving anything.
 * Discounts are refused (400) as on createOrder, so a preview never promises a discount that
 * the order would not get. With no products the totals are 0 and `currency` is "".
 */
export async function previewOrder(ctx: AppContext, body: PreviewOrderBody): Promise<OrderPreview> {
  refuseDiscounts(body);
  const { lines, currency, total } = await priceLines(ctx.db, body.products ?? []);
  const major = (minor: bigint) => (lines.length === 0 ? 0 : toMajorNumber(money(minor, currency)));
  const totalSum = major(total);
  return {
    totalSum,
    totalSumWithDiscount: totalSum,
    discountConfig: noDiscounts(),
    currency,
    orderPreview: lines.map((l) => ({
      id: l.productId,
      price: major(BigInt(l.priceMinor)),
      quantity: l.quantity,
      discountPrice: null,
      isGift: false,
    })),
    bonusApplied: 0,
    totalDue: totalSum,
    totalMinor: toMinorNumber(total),
  };
}
