import type { FormDataItem } from '../contract/common.js';
import type {
  CreateOrderBody,
  CreateOrderResponse,
  CreateRefundRequestBody,
  OrderEntity,
  OrderPreview,
  OrderStatus,
  OrdersPage,
  OrdersStorage,
  PreviewOrderBody,
  RefundRequest,
  UpdateOrderBody,
} from '../contract/orders.js';
import { seg } from './http-client.js';
import { TenderModule } from './module.js';

const STORAGE = '/api/content/orders-storage';
const ORDERS = '/api/content/orders';

/** Order data: like {@link CreateOrderBody}, but `formData` is one field or an array (the SDK wraps it by language). */
export type CreateOrderInput = Omit<CreateOrderBody, 'formData'> & { formData: FormDataItem | FormDataItem[] };

/** Order update: like {@link UpdateOrderBody}, with `formData` as one field or an array. */
export type UpdateOrderInput = Omit<UpdateOrderBody, 'formData'> & { formData: FormDataItem | FormDataItem[] };

/** `{[langCode]: [...]}`, as the OneEntry SDK sends `formData` (an absent value becomes `[]`, not `[null]`). */
function wrapFormData(formData: FormDataItem | FormDataItem[] | undefined, langCode: string): Record<string, FormDataItem[]> {
  const items = Array.isArray(formData) ? formData : formData === undefined ? [] : [formData];
  return { [langCode]: items };
}

/**
 * Order storages, orders of the current user, statuses and refund requests. Same methods,
 * paths and bodies as the OneEntry SDK's `Orders`. Amounts are decimals in MAJOR units on the
 * wire (`totalSum`); `totalMinor` is the integer twin in minor units.
 */
export class OrdersClient extends TenderModule {
  /**
   * Lists order storages. `GET /api/content/orders-storage?langCode&limit&offset`.
   * @param offset Items to skip. Default 0.
   * @param limit Page size (1..100). Default 30.
   * @returns A plain array.
   */
  getAllOrdersStorage(langCode: string = this.http.langCode, offset = 0, limit = 30): Promise<OrdersStorage[]> {
    return this.http.request({
      method: 'GET',
      path: STORAGE,
      query: [['langCode', langCode], ['limit', limit], ['offset', offset]],
    });
  }

  /** One order storage. `GET …/marker/{marker}?langCode`. */
  getOrdersStorageByMarker(marker: string, langCode: string = this.http.langCode): Promise<OrdersStorage> {
    return this.http.request({ method: 'GET', path: `${STORAGE}/marker/${seg(marker)}`, query: [['langCode', langCode]] });
  }

  /**
   * The current user's orders in a storage. `GET …/marker/{marker}/orders?langCode&limit&offset`.
   * @returns `{items, total}`; each order's `totalSum` is a decimal STRING such as `"300.00"`.
   */
  getAllOrdersByMarker(
    marker: string,
    langCode: string = this.http.langCode,
    offset = 0,
    limit = 30,
  ): Promise<OrdersPage> {
    return this.http.request({
      method: 'GET',
      path: `${STORAGE}/marker/${seg(marker)}/orders`,
      query: [['langCode', langCode], ['limit', limit], ['offset', offset]],
    });
  }

  /**
   * One order of the current user. `GET …/marker/{marker}/orders/{id}?langCode`.
   * @returns The order; `totalSum` is a decimal STRING such as `"300.00"`.
   */
  getOrderByMarkerAndId(marker: string, id: number, langCode: string = this.http.langCode): Promise<OrderEntity> {
    return this.http.request({
      method: 'GET',
      path: `${STORAGE}/marker/${seg(marker)}/orders/${seg(id)}`,
      query: [['langCode', langCode]],
    });
  }

  /**
   * Creates an order for the current user. `POST …/marker/{marker}/orders` (no query).
   * The body is copied (never mutated) with `formData` wrapped as `{[langCode]: [...]}`.
   * @param body `bonusAmount` is a decimal in major units (number or decimal string).
   * @returns The order; `totalSum` is a decimal NUMBER in major units (340 = 340.00).
   */
  createOrder(marker: string, body: CreateOrderInput, langCode: string = this.http.langCode): Promise<CreateOrderResponse> {
    const wire: CreateOrderBody = { ...body, formData: wrapFormData(body.formData, langCode) };
    return this.http.request({ method: 'POST', path: `${STORAGE}/marker/${seg(marker)}/orders`, body: wire });
  }

  /**
   * Replaces an order's fields. `PUT …/marker/{marker}/orders/{id}?langCode`, `formData`
   * wrapped as in {@link createOrder}.
   * @returns The order; `totalSum` is a decimal NUMBER in major units.
   */
  updateOrderByMarkerAndId(
    marker: string,
    id: number,
    body: UpdateOrderInput,
    langCode: string = this.http.langCode,
  ): Promise<CreateOrderResponse> {
    const wire: UpdateOrderBody = { ...body, formData: wrapFormData(body.formData, langCode) };
    return this.http.request({
      method: 'PUT',
      path: `${STORAGE}/marker/${seg(marker)}/orders/${seg(id)}`,
      query: [['langCode', langCode]],
      body: wire,
    });
  }

  /**
   * Calculates an order with discounts without saving it.
   * `POST /api/content/orders-storage/orders/preview?langCode`, body sent verbatim.
   * @returns Totals as decimals in major units.
   */
  previewOrder(body: PreviewOrderBody, langCode: string = this.http.langCode): Promise<OrderPreview> {
    return this.http.request({ method: 'POST', path: `${STORAGE}/orders/preview`, query: [['langCode', langCode]], body });
  }

  /**
   * Statuses of a storage. `GET …/marker/{marker}/order-statuses?langCode&offset&limit`.
   * @returns A plain array.
   */
  getAllStatusesByStorageMarker(
    marker: string,
    langCode: string = this.http.langCode,
    offset = 0,
    limit = 30,
  ): Promise<OrderStatus[]> {
    return this.http.request({
      method: 'GET',
      path: `${STORAGE}/marker/${seg(marker)}/order-statuses`,
      query: [['langCode', langCode], ['offset', offset], ['limit', limit]],
    });
  }

  /**
   * Refund requests of an order. `GET /api/content/orders/{id}/refund`.
   * @param id Order id.
   * @returns A plain array (`[]` when none); `amount` is a decimal in major units.
   */
  getRefunds(id: number): Promise<RefundRequest[]> {
    return this.http.request({ method: 'GET', path: `${ORDERS}/${seg(id)}/refund` });
  }

  /**
   * Asks for a refund. `POST /api/content/orders/{id}/refund`, body sent verbatim.
   * @param id Order id.
   * @param body `{products: {"<productId>": {quantity}}, note?}`.
   * @returns `true` when the request was created.
   */
  async createRefundRequest(id: number, body: CreateRefundRequestBody): Promise<boolean> {
    const result = await this.http.request<unknown>({ method: 'POST', path: `${ORDERS}/${seg(id)}/refund`, body });
    return result === true;
  }

  /**
   * Cancels the order's open refund request. `DELETE /api/content/orders/{id}/refund` (no body).
   * @param id Order id.
   * @returns `true` when it was cancelled.
   */
  async cancelRefundRequest(id: number): Promise<boolean> {
    const result = await this.http.request<unknown>({ method: 'DELETE', path: `${ORDERS}/${seg(id)}/refund` });
    return result === true;
  }
}
