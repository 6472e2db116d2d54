import { toCatalogForm, toCatalogProduct, type CatalogForm, type CatalogProduct, type ProductDbRow } from './catalog-store.js';
import type { Queryable } from './db.js';

export interface StorageRow {
  id: number;
  identifier: string;
  localizeInfos: Record<string, unknown>;
  position: number | null;
  formIdentifier: string | null;
  generalTypeId: number | null;
  /** Identifiers of the visible payment accounts the storage allows, in account id order. */
  accountIdentifiers: string[];
  /** The status a new order of the storage starts in (read with the storage: one round trip). */
  defaultStatus: string | null;
}

export interface StorageAccount {
  id: number;
  identifier: string;
  localizeInfos: Record<string, unknown>;
}

export interface OrderStatusRow {
  id: number;
  identifier: string;
  localizeInfos: Record<string, unknown>;
  position: number;
  isDefault: boolean;
  /** Some order of the storage is in this status. */
  isUsed: boolean;
}

interface StorageDbRow {
  id: number;
  identifier: string;
  localize_infos: Record<string, unknown>;
  position: number | null;
  form_identifier: string | null;
  general_type_id: number | null;
  accounts: string[] | null;
  default_status: string | null;
}

// Invisible accounts are neither listed nor accepted on orders: hiding an account is how a
// merchant withdraws it without deleting its history.
const STORAGE_SELECT = `
  SELECT s.id, s.identifier, s.localize_infos, s.position, s.form_identifier, s.general_type_id,
         ARRAY(SELECT a.identifier FROM order_storage_accounts sa JOIN payment_accounts a ON a.id = sa.account_id
                WHERE sa.storage_id = s.id AND a.is_visible ORDER BY a.id) AS accounts,
         (SELECT st.identifier FROM order_statuses st WHERE st.storage_id = s.id AND st.is_default LIMIT 1) AS default_status
    FROM order_storages s`;

function toStorage(r: StorageDbRow): StorageRow {
  return {
    id: r.id,
    identifier: r.identifier,
    localizeInfos: r.localize_infos,
    position: r.position,
    formIdentifier: r.form_identifier,
    generalTypeId: r.general_type_id,
    accountIdentifiers: r.accounts ?? [],
    defaultStatus: r.default_status,
  };
}

export async function listStorages(q: Queryable, offset: number, limit: number): Promise<StorageRow[]> {
  const { rows } = await q.query<StorageDbRow>(
    `${STORAGE_SELECT} ORDER BY s.position NULLS LAST, s.id OFFSET $1 LIMIT $2`,
    [offset, limit],
  );
  return rows.map(toStorage);
}

export async function findStorageByMarker(q: Queryable, marker: string): Promise<StorageRow | undefined> {
  const { rows } = await q.query<StorageDbRow>(`${STORAGE_SELECT} WHERE s.identifier = $1`, [marker]);
  return rows[0] ? toStorage(rows[0]) : undefined;
}

/** What an order body refers to, as one read: see findOrderInputs. */
export interface OrderInputs {
  storage: StorageRow;
  /** The storage's order form, if it exists. */
  form: CatalogForm | undefined;
  /** The account of the body, if the storage allows it (and it is visible). */
  account: StorageAccount | undefined;
  /** The products of the body that exist (visible or not). */
  products: CatalogProduct[];
}

/**
 * The storage with this marker, its order form, the payment account `accountIdentifier` if the
 * storage allows it, and the products `productIds`, in one round trip (createOrder and
 * updateOrder read all four; docs/benchmarks.md). Undefined when the storage does not exist.
 */
export async function findOrderInputs(q: Queryable, marker: string, accountIdentifier: string, productIds: readonly number[]): Promise<OrderInputs | undefined> {
  const { rows } = await q.query<StorageDbRow & { form: { identifier: string; type: string; attributes: unknown } | null; account: { id: number; identifier: string; localize_infos: Record<string, unknown> } | null; products: ProductDbRow[] }>(
    `${STORAGE_SELECT.replace('FROM order_storages s', `,
         (SELECT json_build_object('identifier', f.identifier, 'type', f.type, 'attributes', f.attributes)
            FROM forms f WHERE f.identifier = s.form_identifier) AS form,
         (SELECT json_build_object('id', a.id, 'identifier', a.identifier, 'localize_infos', a.localize_infos)
            FROM order_storage_accounts sa JOIN payment_accounts a ON a.id = sa.account_id
           WHERE sa.storage_id = s.id AND a.identifier = $2 AND a.is_visible) AS account,
         (SELECT coalesce(json_agg(json_build_object('id', p.id, 'sku', p.sku, 'title', p.title, 'localize_infos', p.localize_infos,
                                                     'price', p.price::text, 'currency', p.currency, 'is_visible', p.is_visible)), '[]')
            FROM products p WHERE p.id = ANY($3::int[])) AS products
    FROM order_storages s`)} WHERE s.identifier = $1`,
    [marker, accountIdentifier, productIds],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    storage: toStorage(r),
    form: r.form ? toCatalogForm(r.form) : undefined,
    account: r.account ? { id: r.account.id, identifier: r.account.identifier, localizeInfos: r.account.localize_infos } : undefined,
    products: r.products.map(toCatalogProduct),
  };
}

export async function listOrderStatuses(q: Queryable, storageId: number, offset: number, limit: number): Promise<OrderStatusRow[]> {
  const { rows } = await q.query<{
    id: number;
    identifier: string;
    localize_infos: Record<string, unknown>;
    position: number;
    is_default: boolean;
    is_used: boolean;
  }>(
    `SELECT st.id, st.identifier, st.localize_infos, st.position, st.is_default,
            EXISTS (SELECT 1 FROM orders o WHERE o.storage_id = st.storage_id AND o.status_identifier = st.identifier) AS is_used
       FROM order_statuses st WHERE st.storage_id = $1 ORDER BY st.position, st.id OFFSET $2 LIMIT $3`,
    [storageId, offset, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    identifier: r.identifier,
    localizeInfos: r.localize_infos,
    position: r.position,
    isDefault: r.is_default,
    isUsed: r.is_used,
  }));
}
