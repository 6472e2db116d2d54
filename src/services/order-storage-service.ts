import type { OrderStatus, OrdersStorage } from '../contract/orders.js';
import type { AppContext } from '../context.js';
import { PaymentsError } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { findStorageByMarker, listOrderStatuses, listStorages, type StorageRow } from '../store/order-storage-store.js';
import { localize } from './order-localize.js';

export interface Page {
  offset: number;
  limit: number;
}

/** @throws PaymentsError storage_not_found */
export async function requireStorage(q: Queryable, marker: string): Promise<StorageRow> {
  const storage = await findStorageByMarker(q, marker);
  if (!storage) throw new PaymentsError('storage_not_found', `Order storage '${marker}' not found`);
  return storage;
}

function toStorageView(s: StorageRow, langCode: string): OrdersStorage {
  return {
    id: s.id,
    localizeInfos: localize(s.localizeInfos, langCode),
    position: s.position,
    identifier: s.identifier,
    formIdentifier: s.formIdentifier,
    generalTypeId: s.generalTypeId,
    paymentAccountIdentifiers: s.accountIdentifiers.map((identifier) => ({ identifier })),
  };
}

/** getAllOrdersStorage: a plain array. */
export async function listOrderStorages(ctx: AppContext, langCode: string, page: Page): Promise<OrdersStorage[]> {
  return (await listStorages(ctx.db, page.offset, page.limit)).map((s) => toStorageView(s, langCode));
}

/** getOrdersStorageByMarker. */
export async function getOrderStorage(ctx: AppContext, marker: string, langCode: string): Promise<OrdersStorage> {
  return toStorageView(await requireStorage(ctx.db, marker), langCode);
}

/** getAllStatusesByStorageMarker: a plain array; `isUsed` says whether some order of the storage is in the status. */
export async function listStorageStatuses(ctx: AppContext, marker: string, langCode: string, page: Page): Promise<OrderStatus[]> {
  const storage = await requireStorage(ctx.db, marker);
  const statuses = await listOrderStatuses(ctx.db, storage.id, page.offset, page.limit);
  return statuses.map((s) => ({
    id: s.id,
    localizeInfos: localize(s.localizeInfos, langCode),
    identifier: s.identifier,
    position: s.position,
    isUsed: s.isUsed,
    isDefault: s.isDefault,
  }));
}
