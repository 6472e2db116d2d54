import type { Queryable } from './db.js';

/** A product as an order needs it: the price is bigint minor units of `currency`. */
export interface CatalogProduct {
  id: number;
  sku: string | null;
  title: string;
  localizeInfos: Record<string, unknown>;
  price: bigint;
  currency: string;
  isVisible: boolean;
}

/** One declared field of a form (`forms.attributes` item). */
export interface FormAttribute {
  marker: string;
  type: string;
  required?: boolean;
}

export interface CatalogForm {
  identifier: string;
  type: string;
  attributes: FormAttribute[];
}

export interface ProductDbRow {
  id: number;
  sku: string | null;
  title: string;
  localize_infos: Record<string, unknown>;
  /** bigint from a column; a decimal string when read through JSON (never a JSON number). */
  price: bigint | string;
  currency: string;
  is_visible: boolean;
}

export function toCatalogProduct(r: ProductDbRow): CatalogProduct {
  return {
    id: r.id,
    sku: r.sku,
    title: r.title,
    localizeInfos: r.localize_infos,
    price: BigInt(r.price),
    currency: r.currency.trim(),
    isVisible: r.is_visible,
  };
}

export function toCatalogForm(row: { identifier: string; type: string; attributes: unknown }): CatalogForm {
  const attributes = Array.isArray(row.attributes) ? (row.attributes as FormAttribute[]) : [];
  return { identifier: row.identifier, type: row.type, attributes };
}

/** The products with these ids that exist (visible or not); missing ids are simply absent. */
export async function findProducts(q: Queryable, ids: readonly number[]): Promise<CatalogProduct[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<ProductDbRow>(
    `SELECT id, sku, title, localize_infos, price, currency, is_visible FROM products WHERE id = ANY($1::int[])`,
    [ids],
  );
  return rows.map(toCatalogProduct);
}
