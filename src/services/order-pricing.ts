import type { OrderLineInput } from '../contract/orders.js';
import { MAX_STORABLE_AMOUNT, money, toMajorNumber, formatMajor } from '../domain/index.js';
import { PaymentsError } from '../errors.js';
import { findProducts, type CatalogProduct } from '../store/catalog-store.js';
import type { Queryable } from '../store/db.js';
import type { OrderLine } from '../store/order-store.js';

/** Lines priced from the catalog. `currency` is '' only when there are no lines (a preview may have none). */
export interface PricedLines {
  lines: OrderLine[];
  currency: string;
  /** Σ unit price × quantity, minor units. */
  total: bigint;
}

/**
 * Prices order lines from the catalog: total = Σ product.price × quantity in bigint minor units.
 * Whatever total the client sent plays no part. Refuses (400) a product listed twice (send one
 * line per product with the whole quantity, so the answer's lines are the request's), a product
 * that does not exist or is hidden, products in different currencies, and a total too large to
 * store or to send as an exact JSON number.
 */
export async function priceLines(q: Queryable, requested: readonly OrderLineInput[]): Promise<PricedLines> {
  return priceFromCatalog(requested, await findProducts(q, distinctProductIds(requested)));
}

/** The product ids of the lines; refuses (400) a product listed twice. */
export function distinctProductIds(requested: readonly OrderLineInput[]): number[] {
  const seen = new Set<number>();
  for (const r of requested) {
    if (seen.has(r.productId)) {
      throw new PaymentsError(
        'validation_failed',
        `Product ${r.productId} appears more than once in products; send one line per product with the total quantity`,
        { productId: r.productId },
      );
    }
    seen.add(r.productId);
  }
  return [...seen];
}

/** priceLines over products already read (`found`: those of the lines that exist). */
export function priceFromCatalog(requested: readonly OrderLineInput[], found: readonly CatalogProduct[]): PricedLines {
  const products = new Map(found.map((p) => [p.id, p]));
  const lines: OrderLine[] = [];
  let currency = '';
  let firstProductId = 0;
  let total = 0n;
  for (const r of requested) {
    const p = products.get(r.productId);
    if (!p || !p.isVisible) {
      throw new PaymentsError('validation_failed', `Product ${r.productId} does not exist or is not available`, { productId: r.productId });
    }
    if (currency === '') {
      currency = p.currency;
      firstProductId = p.id;
    } else if (p.currency !== currency) {
      throw new PaymentsError(
        'currency_mismatch',
        `All products of an order must share one currency: product ${firstProductId} is priced in ${currency}, product ${p.id} in ${p.currency}`,
        { currencies: [currency, p.currency] },
      );
    }
    total += p.price * BigInt(r.quantity);
    lines.push({ productId: p.id, quantity: r.quantity, priceMinor: p.price.toString(), title: p.title, sku: p.sku });
  }
  if (total > MAX_STORABLE_AMOUNT) {
    throw new PaymentsError('invalid_amount', 'The order total is too large to store; split the order');
  }
  if (lines.length > 0) toMajorNumber(money(total, currency)); // throws invalid_amount past 15 significant digits
  return { lines, currency, total };
}

/**
 * Tender applies no discounts, coupons or bonuses. Rather than silently charging the full price
 * for an order the customer believes is discounted, a request for one is refused with 400.
 * The "nothing requested" forms (absent, `""`, `[]`, a zero bonus) are accepted.
 */
export function refuseDiscounts(body: { couponCode?: string; additionalDiscountsMarkers?: string[]; bonusAmount?: string | number }): void {
  if (body.couponCode !== undefined && body.couponCode !== '') {
    throw new PaymentsError('validation_failed', 'Coupons are not supported: remove couponCode (this server applies no discounts)', {
      field: 'couponCode',
    });
  }
  if (body.additionalDiscountsMarkers !== undefined && body.additionalDiscountsMarkers.length > 0) {
    throw new PaymentsError(
      'validation_failed',
      'Discounts are not supported: remove additionalDiscountsMarkers (this server applies no discounts)',
      { field: 'additionalDiscountsMarkers' },
    );
  }
  const bonus = body.bonusAmount;
  const zeroBonus = bonus === undefined || bonus === 0 || (typeof bonus === 'string' && /^0+(\.0+)?$/.test(bonus));
  if (!zeroBonus) {
    throw new PaymentsError('validation_failed', 'Bonuses are not supported: send bonusAmount 0 or leave it out', { field: 'bonusAmount' });
  }
}

/** A client-sent `currency`, when non-empty, must be the currency the products are priced in. */
export function checkExpectedCurrency(sent: string | undefined, priced: PricedLines): void {
  if (sent === undefined || sent === '') return;
  if (sent.toUpperCase() !== priced.currency) {
    throw new PaymentsError(
      'currency_mismatch',
      `currency ${sent} does not match the products, which are priced in ${priced.currency} (total ${formatMajor(money(priced.total, priced.currency))})`,
      { sent, currency: priced.currency },
    );
  }
}
