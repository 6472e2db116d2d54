/**
 * Wire schemas of the Orders module: base `/api/content/orders-storage`, refunds under
 * `/api/content/orders/:id/refund`. See §4 of /work/shared/api/oneentry-sdk-contract.md.
 *
 * Amounts are decimals in major units; note the OneEntry quirk that `totalSum` is a NUMBER in
 * create/update answers and a STRING ("300.00") in get/list answers. `totalMinor` is Tender's
 * integer twin in minor units.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  DecimalInput,
  FormDataInput,
  FormDataOutput,
  Id,
  IsoDateTime,
  LocalizeInfos,
  MAX_ID,
  MajorAmount,
  Marker,
  MinorAmount,
  Nullable,
} from './common.js';

const totalMinor = Type.Optional(MinorAmount('Tender: total in minor units (integer), twin of `totalSum`.'));
// Tender applies no discounts: a non-empty couponCode, any discount marker or a bonusAmount above
// zero is refused with 400 (never silently ignored). The empty forms are accepted as "none".
const couponCode = Type.String({ maxLength: 100, description: 'Coupon code. Not supported: must be "" when sent.' });
const discountMarkers = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 20,
  description: 'Markers of extra discounts to apply. Not supported: must be empty when sent.',
});
const bonusAmount = DecimalInput('Bonus to spend, decimal in major units. Not supported: must be 0 when sent.');
// Clients (and the OneEntry docs examples) may echo a total or a currency; the server computes
// both from the catalog, so a sent `totalSum` is ignored and a sent `currency` must agree.
const ignoredTotalSum = Type.Union([Type.Number(), Type.String({ maxLength: 40 })], {
  description: 'Ignored: the server computes the total from the catalog.',
});
const expectedCurrency = Type.String({
  maxLength: 3,
  description: 'Optional check: when non-empty it must equal the currency of the products (else 400 currency_mismatch).',
});

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** One order line: `{productId, quantity}`. */
export const OrderLineInput = Type.Object(
  {
    productId: Id('Product id.'),
    quantity: Type.Integer({ minimum: 1, maximum: 10000, description: 'Units ordered.' }),
  },
  { title: 'OrderLineInput', description: 'A product and its quantity. One line per product.', additionalProperties: false },
);
export type OrderLineInput = Static<typeof OrderLineInput>;

const orderLines = Type.Array(OrderLineInput, { minItems: 1, maxItems: 100 });

/** `POST /api/content/orders-storage/marker/:marker/orders` (no `langCode` query). */
export const CreateOrderBody = Type.Object(
  {
    formIdentifier: Marker('Marker of the order form.'),
    paymentAccountIdentifier: Marker('`identifier` of the payment account (see Payments.getAccounts).'),
    formData: FormDataInput,
    products: orderLines,
    couponCode: Type.Optional(couponCode),
    additionalDiscountsMarkers: Type.Optional(discountMarkers),
    bonusAmount: Type.Optional(bonusAmount),
    totalSum: Type.Optional(ignoredTotalSum),
    currency: Type.Optional(expectedCurrency),
  },
  { title: 'CreateOrderBody', description: 'A new order of the current user.', additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

/** `PUT …/marker/:marker/orders/:id?langCode` — same fields as create; the docs example adds `currency`. */
export const UpdateOrderBody = Type.Object(
  {
    formIdentifier: Marker('Marker of the order form.'),
    paymentAccountIdentifier: Marker('`identifier` of the payment account.'),
    formData: FormDataInput,
    products: orderLines,
    couponCode: Type.Optional(couponCode),
    additionalDiscountsMarkers: Type.Optional(discountMarkers),
    bonusAmount: Type.Optional(bonusAmount),
    totalSum: Type.Optional(ignoredTotalSum),
    currency: Type.Optional(expectedCurrency),
  },
  { title: 'UpdateOrderBody', description: 'Replace an order\'s fields.', additionalProperties: false },
);
export type UpdateOrderBody = Static<typeof UpdateOrderBody>;

/** `POST /api/content/orders-storage/orders/preview?langCode` — body sent verbatim, every key optional. */
export const PreviewOrderBody = Type.Object(
  {
    products: Type.Optional(Type.Array(OrderLineInput, { maxItems: 100 })),
    couponCode: Type.Optional(couponCode),
    additionalDiscountsMarkers: Type.Optional(discountMarkers),
    bonusAmount: Type.Optional(bonusAmount),
  },
  { title: 'PreviewOrderBody', description: 'Calculate an order without saving it.', additionalProperties: false },
);
export type PreviewOrderBody = Static<typeof PreviewOrderBody>;

/** `POST /api/content/orders/:id/refund`: `{products: {"<productId>": {quantity}}, note?}`. */
export const CreateRefundRequestBody = Type.Object(
  {
    products: Type.Record(
      Type.String({ pattern: '^[1-9][0-9]{0,9}$' }),
      Type.Object(
        { quantity: Type.Integer({ minimum: 1, maximum: 10000, description: 'Units to refund.' }) },
        { additionalProperties: false },
      ),
      {
        // propertyNames rejects a malformed key with 400. additionalProperties:false would make
        // Ajv (removeAdditional) drop it silently, turning `{"abc": …}` into `{}`, i.e. "refund
        // everything still refundable".
        propertyNames: { pattern: '^[1-9][0-9]{0,9}$' },
        maxProperties: 100,
        description: 'Keyed by product id. An empty map asks for everything still refundable.',
      },
    ),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Reason given by the customer.' })),
  },
  { title: 'CreateRefundRequestBody', description: 'Ask for a refund of some order lines.', additionalProperties: false },
);
export type CreateRefundRequestBody = Static<typeof CreateRefundRequestBody>;

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/** An order storage (`getAllOrdersStorage`, `getOrdersStorageByMarker`). */
export const OrdersStorage = Type.Object(
  {
    id: Id('Storage id.'),
    localizeInfos: LocalizeInfos(),
    position: Nullable(Type.Integer(), { description: 'Sort position.' }),
    identifier: Type.String({ description: 'Storage marker, used in URLs.' }),
    formIdentifier: Nullable(Type.String(), { description: 'Marker of the order form.' }),
    generalTypeId: Nullable(Type.Integer()),
    paymentAccountIdentifiers: Type.Array(
      Type.Object({ identifier: Type.String() }, { additionalProperties: true }),
      { description: 'Payment accounts allowed in this storage.' },
    ),
  },
  { title: 'OrdersStorage', description: 'An order storage.', additionalProperties: true },
);
export type OrdersStorage = Static<typeof OrdersStorage>;

/** `GET /api/content/orders-storage`: a plain array. */
export const OrdersStorageList = Type.Array(OrdersStorage, { title: 'OrdersStorageList', description: 'Order storages.' });
export type OrdersStorageList = Static<typeof OrdersStorageList>;

/** An order status of a storage. Every key is optional in the OneEntry typing. */
export const OrderStatus = Type.Object(
  {
    id: Type.Optional(Id('Status id.')),
    localizeInfos: Type.Optional(LocalizeInfos()),
    identifier: Type.Optional(Type.String({ description: 'Status marker, e.g. `inProgress`; an order\'s `statusIdentifier`.' })),
    position: Type.Optional(Type.Integer()),
    isUsed: Type.Optional(Type.Boolean()),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { title: 'OrderStatus', description: 'An order status.', additionalProperties: true },
);
export type OrderStatus = Static<typeof OrderStatus>;

/** `GET …/marker/:marker/order-statuses`: a plain array. */
export const OrderStatusList = Type.Array(OrderStatus, { title: 'OrderStatusList', description: 'Statuses of a storage.' });
export type OrderStatusList = Static<typeof OrderStatusList>;

/** A product picture. */
export const Picture = Type.Object(
  { filename: Type.String(), downloadLink: Type.String(), size: Type.Integer(), previewLink: Type.String() },
  { title: 'Picture', description: 'An image file.', additionalProperties: true },
);
export type Picture = Static<typeof Picture>;

/** An order line as returned by get/list (`IOrderProducts`). */
export const OrderProduct = Type.Object(
  {
    id: Id('Product id.'),
    quantity: Type.Integer(),
    title: Type.String(),
    sku: Nullable(Type.String()),
    previewImage: Nullable(Picture),
    price: MajorAmount('Unit price, decimal in major units.'),
    isGift: Type.Boolean(),
  },
  { title: 'OrderProduct', description: 'An order line with product details.', additionalProperties: true },
);
export type OrderProduct = Static<typeof OrderProduct>;

/** Properties of {@link OrderEntity}, shared with the admin order schema. */
export const orderEntityProperties = {
  id: Id('Order id.'),
  storageId: Id('Order storage id.'),
  createdDate: IsoDateTime(),
  statusIdentifier: Type.Optional(Type.String({ description: 'Current status marker; left out, never null.' })),
  formIdentifier: Type.Optional(Type.String()),
  formData: FormDataOutput,
  attributeSetIdentifier: Type.Optional(Type.String({ description: 'Left out, never null.' })),
  totalSum: Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'Total, decimal STRING in major units, e.g. "300.00".' }),
  currency: Type.String({ description: 'Currency code; may be "".' }),
  paymentAccountIdentifier: Type.Optional(Type.String()),
  paymentAccountLocalizeInfos: Type.Optional(LocalizeInfos()),
  paymentUrl: Nullable(Type.String(), { description: 'Gateway checkout link, or null.' }),
  products: Type.Array(OrderProduct),
  isCompleted: Nullable(Type.Boolean(), { description: 'Whether the order is paid and completed.' }),
  statusLocalizeInfos: Type.Optional(LocalizeInfos()),
  totalMinor,
};

/** An order as returned by `getOrderByMarkerAndId` / `getAllOrdersByMarker` (`totalSum` STRING). */
export const OrderEntity = Type.Object(orderEntityProperties, {
  title: 'OrderEntity',
  description: 'An order (get/list shape: `totalSum` is a decimal string).',
  additionalProperties: true,
});
export type OrderEntity = Static<typeof OrderEntity>;

/** `GET …/marker/:marker/orders`: `{items, total}`. */
export const OrdersPage = Type.Object(
  { items: Type.Array(OrderEntity), total: Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'Total matching orders.' }) },
  { title: 'OrdersPage', description: 'One page of the current user\'s orders.', additionalProperties: true },
);
export type OrdersPage = Static<typeof OrdersPage>;

/** Discounts applied to an order. `bonus` and `coupon` are required keys that may be null. */
export const OrderDiscountConfig = Type.Object(
  {
    bonus: Nullable(
      Type.Object(
        {
          availableBalance: MajorAmount(),
          bonusApplied: MajorAmount(),
          maxBonusDiscount: MajorAmount(),
          minBonusAmount: Nullable(MajorAmount()),
          minOrderAmountForBonus: Nullable(MajorAmount()),
        },
        { additionalProperties: true },
      ),
    ),
    coupon: Nullable(Type.Unknown()),
    orderDiscounts: Type.Array(Type.Unknown()),
    productDiscounts: Type.Array(Type.Unknown()),
    settings: Type.Object(
      { allowGiftStacking: Type.Boolean(), allowStacking: Type.Boolean(), maxDiscountValue: Nullable(MajorAmount()) },
      { additionalProperties: true },
    ),
    additionalDiscountsMarkers: Type.Optional(Type.Array(Type.String())),
    bonusApplied: Type.Optional(MajorAmount()),
    excludedGiftProductIds: Type.Optional(Type.Array(Type.String(), { description: 'Product ids as STRINGS.' })),
    totalDue: Type.Optional(MajorAmount()),
    totalRaw: Type.Optional(MajorAmount()),
    totalSumWithDiscount: Type.Optional(MajorAmount()),
  },
  { title: 'OrderDiscountConfig', description: 'Discount calculation of an order.', additionalProperties: true },
);
export type OrderDiscountConfig = Static<typeof OrderDiscountConfig>;

/** Answer of `createOrder` and `updateOrderByMarkerAndId` (`totalSum` NUMBER). */
export const CreateOrderResponse = Type.Object(
  {
    id: Id('Order id.'),
    formIdentifier: Type.String(),
    paymentAccountIdentifier: Type.String(),
    formData: FormDataOutput,
    products: Type.Array(
      Type.Object({ productId: Id('Product id.'), quantity: Type.Integer() }, { additionalProperties: true }),
    ),
    currency: Type.String({ description: 'Currency code.' }),
    totalSum: MajorAmount('Total, decimal NUMBER in major units (e.g. 340 = 340.00).'),
    createdDate: Type.Optional(IsoDateTime()),
    statusIdentifier: Type.Optional(Type.String({ description: 'Left out, never null.' })),
    couponCode: Type.Optional(Type.String({ description: 'Left out, never null.' })),
    additionalDiscountsMarkers: Type.Optional(Type.Array(Type.String())),
    discountConfig: Type.Optional(OrderDiscountConfig),
    bonusAmount: Type.Optional(MajorAmount()),
    bonusApplied: Type.Optional(MajorAmount()),
    totalDue: Type.Optional(MajorAmount()),
    totalMinor,
  },
  { title: 'CreateOrderResponse', description: 'A created or updated order (`totalSum` is a number).', additionalProperties: true },
);
export type CreateOrderResponse = Static<typeof CreateOrderResponse>;

/** One product of an order preview. */
export const OrderPreviewItem = Type.Object(
  {
    id: Id('Product id.'),
    price: MajorAmount('Unit price.'),
    quantity: Type.Integer(),
    discountPrice: Nullable(MajorAmount('Unit price after discounts.')),
    isGift: Type.Boolean(),
  },
  { title: 'OrderPreviewItem', description: 'A priced line of an order preview.', additionalProperties: true },
);
export type OrderPreviewItem = Static<typeof OrderPreviewItem>;

/** Answer of `previewOrder`. */
export const OrderPreview = Type.Object(
  {
    totalSum: MajorAmount('Total before discounts.'),
    totalSumWithDiscount: MajorAmount('Total after discounts.'),
    discountConfig: OrderDiscountConfig,
    currency: Type.String(),
    orderPreview: Type.Array(OrderPreviewItem),
    bonusApplied: MajorAmount(),
    totalDue: MajorAmount('Amount to pay.'),
    totalMinor,
  },
  { title: 'OrderPreview', description: 'An order calculated without saving.', additionalProperties: true },
);
export type OrderPreview = Static<typeof OrderPreview>;

/** A refund request of an order (`getRefunds`). */
export const RefundRequest = Type.Object(
  {
    id: Id('Refund request id.'),
    createdDate: IsoDateTime(),
    status: Type.String({ description: 'pending | approved | rejected | canceled.' }),
    amount: MajorAmount('Amount to refund, decimal in major units.'),
    note: Type.String({ description: 'Customer note; "" when none was given.' }),
    products: Type.Record(Type.String(), Type.Object({ quantity: Type.Integer() }, { additionalProperties: true }), {
      description: 'Keyed by product id.',
    }),
    orderId: Id('Order id.'),
    orderStorageId: Id('Order storage id.'),
    userId: Id('User id.'),
    orderStorage: Type.Optional(Type.Unknown()),
    user: Type.Optional(Type.Unknown()),
    amountMinor: Type.Optional(MinorAmount('Tender: amount in minor units (integer).')),
    currency: Type.Optional(Type.String({ description: 'Tender: ISO currency code.' })),
    updatedDate: Type.Optional(IsoDateTime('Tender: last status change.')),
  },
  { title: 'RefundRequest', description: 'A customer\'s refund request.', additionalProperties: true },
);
export type RefundRequest = Static<typeof RefundRequest>;

/** `GET /api/content/orders/:id/refund`: a plain array (`[]` when none). */
export const RefundRequestList = Type.Array(RefundRequest, { title: 'RefundRequestList', description: 'Refund requests of an order.' });
export type RefundRequestList = Static<typeof RefundRequestList>;
