import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';
import {
  BooleanResult,
  ErrorBody,
  LangCodeQuery,
  LangPaginationQuery,
  MarkerIdParam,
  MarkerParam,
  OrderIdParam,
} from '../../contract/common.js';
import {
  CreateOrderBody,
  CreateOrderResponse,
  CreateRefundRequestBody,
  OrderEntity,
  OrderPreview,
  OrderStatusList,
  OrdersPage,
  OrdersStorage,
  OrdersStorageList,
  PreviewOrderBody,
  RefundRequestList,
  UpdateOrderBody,
} from '../../contract/orders.js';
import { DEFAULT_LANG } from '../../services/order-localize.js';
import { previewOrder } from '../../services/order-preview-service.js';
import { createOrder, getOrder, listOrders, updateOrder } from '../../services/order-service.js';
import { getOrderStorage, listOrderStorages, listStorageStatuses } from '../../services/order-storage-service.js';
import { cancelRefundRequest, createRefundRequest, listRefundRequests } from '../../services/refund-request-service.js';
import { userId } from '../request-principal.js';

const STORAGE_PREFIX = '/api/content/orders-storage';
const ORDERS_PREFIX = '/api/content/orders';

const errors = { '4xx': ErrorBody };

/** OpenAPI fields shared by every Orders route (all need the app token and a user's Bearer token). */
function doc(summary: string, hide = false) {
  return { summary, hide, tags: ['Orders'], security: [{ appToken: [], bearerAuth: [] }] };
}

function page(q: { offset?: number; limit?: number }) {
  return { offset: q.offset ?? 0, limit: q.limit ?? 30 };
}

/**
 * The storage-based Orders routes. Registered under `/api/content/orders-storage` and again,
 * hidden from the docs, under `/api/content/orders`: the OneEntry SDK's refund methods swap its
 * base URL to `/api/content/orders` and do not restore it when they throw (contract §7.1), after
 * which every Orders call of that SDK instance arrives there (`…/orders/marker/{m}/orders`,
 * `…/orders/orders/preview`, `…/orders?langCode…`).
 */
function storageRoutes(ctx: AppContext, hide: boolean): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const config = { auth: 'user' as const };

    app.get<{ Querystring: LangPaginationQuery }>(
      '/',
      {
        config,
        schema: {
          ...doc('List order storages (getAllOrdersStorage)', hide),
          querystring: LangPaginationQuery,
          response: { 200: OrdersStorageList, ...errors },
        },
      },
      async (request) => listOrderStorages(ctx, request.query.langCode ?? DEFAULT_LANG, page(request.query)),
    );

    app.get<{ Params: MarkerParam; Querystring: LangCodeQuery }>(
      '/marker/:marker',
      {
        config,
        schema: {
          ...doc('Get an order storage (getOrdersStorageByMarker)', hide),
          params: MarkerParam, querystring: LangCodeQuery,
          response: { 200: OrdersStorage, ...errors },
        },
      },
      async (request) => getOrderStorage(ctx, request.params.marker, request.query.langCode ?? DEFAULT_LANG),
    );

    app.get<{ Params: MarkerParam; Querystring: LangPaginationQuery }>(
      '/marker/:marker/orders',
      {
        config,
        schema: {
          ...doc("List the current user's orders in a storage (getAllOrdersByMarker)", hide),
          params: MarkerParam, querystring: LangPaginationQuery,
          response: { 200: OrdersPage, ...errors },
        },
      },
      async (request) => listOrders(ctx, userId(request), request.params.marker, request.query.langCode ?? DEFAULT_LANG, page(request.query)),
    );

    app.get<{ Params: MarkerIdParam; Querystring: LangCodeQuery }>(
      '/marker/:marker/orders/:id',
      {
        config,
        schema: {
          ...doc("Get one of the current user's orders (getOrderByMarkerAndId)", hide),
          params: MarkerIdParam, querystring: LangCodeQuery,
          response: { 200: OrderEntity, ...errors },
        },
      },
      async (request) => getOrder(ctx, userId(request), request.params.marker, request.params.id, request.query.langCode ?? DEFAULT_LANG),
    );

    app.post<{ Params: MarkerParam; Body: CreateOrderBody }>(
      '/marker/:marker/orders',
      {
        config,
        schema: {
          ...doc('Create an order; the total is priced from the catalog (createOrder)', hide),
          params: MarkerParam, body: CreateOrderBody,
          response: { 201: CreateOrderResponse, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await createOrder(ctx, userId(request), request.params.marker, request.body, request.idempotency)),
    );

    app.put<{ Params: MarkerIdParam; Querystring: LangCodeQuery; Body: UpdateOrderBody }>(
      '/marker/:marker/orders/:id',
      {
        config,
        schema: {
          ...doc('Update an order that has no live payment (updateOrderByMarkerAndId)', hide),
          params: MarkerIdParam, querystring: LangCodeQuery, body: UpdateOrderBody,
          response: { 200: CreateOrderResponse, ...errors },
        },
      },
      async (request) => updateOrder(ctx, userId(request), request.params.marker, request.params.id, request.body),
    );

    app.post<{ Querystring: LangCodeQuery; Body: PreviewOrderBody }>(
      '/orders/preview',
      {
        config,
        schema: {
          ...doc('Price an order without saving it; discounts are not supported (previewOrder)', hide),
          querystring: LangCodeQuery, body: PreviewOrderBody,
          response: { 200: OrderPreview, ...errors },
        },
      },
      async (request) => previewOrder(ctx, request.body ?? {}),
    );

    app.get<{ Params: MarkerParam; Querystring: LangPaginationQuery }>(
      '/marker/:marker/order-statuses',
      {
        config,
        schema: {
          ...doc('List the order statuses of a storage (getAllStatusesByStorageMarker)', hide),
          params: MarkerParam, querystring: LangPaginationQuery,
          response: { 200: OrderStatusList, ...errors },
        },
      },
      async (request) => listStorageStatuses(ctx, request.params.marker, request.query.langCode ?? DEFAULT_LANG, page(request.query)),
    );
  };
}

/** Refund requests of the caller's own order: `/api/content/orders/:orderId/refund`. */
function refundRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const config = { auth: 'user' as const };

    app.get<{ Params: OrderIdParam }>(
      '/:orderId/refund',
      {
        config,
        schema: {
          ...doc("List an order's refund requests (getRefunds)"),
          params: OrderIdParam,
          response: { 200: RefundRequestList, ...errors },
        },
      },
      async (request) => listRefundRequests(ctx, userId(request), request.params.orderId),
    );

    app.post<{ Params: OrderIdParam; Body: CreateRefundRequestBody }>(
      '/:orderId/refund',
      {
        config,
        schema: {
          ...doc('Request a refund of a paid order (createRefundRequest)'),
          params: OrderIdParam, body: CreateRefundRequestBody,
          response: { 201: BooleanResult, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await createRefundRequest(ctx, userId(request), request.params.orderId, request.body, request.idempotency)),
    );

    app.delete<{ Params: OrderIdParam }>(
      '/:orderId/refund',
      {
        config,
        schema: {
          ...doc("Cancel the order's pending refund request (cancelRefundRequest)"),
          params: OrderIdParam,
          response: { 200: BooleanResult, ...errors },
        },
      },
      async (request) => cancelRefundRequest(ctx, userId(request), request.params.orderId),
    );
  };
}

export function ordersRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    await app.register(storageRoutes(ctx, false), { prefix: STORAGE_PREFIX });
    await app.register(storageRoutes(ctx, true), { prefix: ORDERS_PREFIX });
    await app.register(refundRoutes(ctx), { prefix: ORDERS_PREFIX });
  };
}
