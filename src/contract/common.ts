/**
 * Wire schemas shared by every module of the OneEntry-compatible API.
 *
 * These TypeBox schemas are the single source of truth for the HTTP contract: the server
 * validates requests and generates its OpenAPI document from them, and the SDK imports their
 * `Static<>` types (type-only, so the SDK has no runtime dependency on TypeBox).
 *
 * Conventions (see /work/shared/api/oneentry-sdk-contract.md):
 * - Amounts on the wire are DECIMALS IN MAJOR UNITS, as OneEntry sends them (`totalSum: 340`
 *   means 340.00 USD). Tender adds integer minor-unit twins (`totalMinor`, `amountMinor`).
 * - "optional" means the key may be left out and is never `null`; "nullable" keys are always
 *   present. zod 4 (the OneEntry SDK's validator) treats the two differently.
 * - Response objects allow additional properties: the server may add Tender fields.
 */
import { Type, type Static, type TSchema, type SchemaOptions } from '@sinclair/typebox';

/** Largest id the server hands out (Postgres `integer`). */
export const MAX_ID = 2147483647;

/** `T | null`, a key that is always present but may be `null`. */
export function Nullable<T extends TSchema>(schema: T, options: SchemaOptions = {}) {
  return Type.Union([schema, Type.Null()], options);
}

/** A numeric id: a JSON number in bodies and responses, coerced from the path/query string by Fastify. */
export function Id(description = 'Numeric identifier.') {
  return Type.Integer({ minimum: 1, maximum: MAX_ID, description });
}

/** An ISO-8601 timestamp such as `2025-04-30T20:15:29.254Z`. */
export function IsoDateTime(description = 'ISO-8601 timestamp (UTC).') {
  return Type.String({ format: 'date-time', description });
}

/** A textual identifier ("marker") of a storage, provider, form, status or account. */
export function Marker(description = 'Textual identifier (marker).') {
  return Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$', description });
}

/** A decimal amount in MAJOR units as a JSON number (for example `340` or `12.5`). */
export function MajorAmount(description = 'Decimal amount in major units (e.g. 12.5 = 12.50 USD).') {
  return Type.Number({ description });
}

/** An amount in MINOR units (integer, e.g. 1250 = 12.50 USD). Tender-only twin of a major amount. */
export function MinorAmount(description = 'Integer amount in minor units (e.g. 1250 = 12.50 USD).') {
  return Type.Integer({ description });
}

/**
 * A non-negative decimal amount in major units accepted in REQUESTS, either as a JSON number
 * (`12.5`) or as a decimal string (`"12.50"`). The string branch comes first so that, under
 * Fastify's type coercion, a number reaches the handler as its exact `String(n)` form; the
 * handler parses it with the currency's exponent (refusing extra fraction digits).
 */
export function DecimalInput(description = 'Non-negative decimal amount in major units, as a number or a decimal string.') {
  return Type.Union(
    [
      Type.String({ pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?$', maxLength: 20 }),
      Type.Number({ minimum: 0, maximum: 1e15 }),
    ],
    { description },
  );
}

/** An ISO-4217 alphabetic currency code, upper case. */
export function CurrencyCode(description = 'ISO-4217 currency code, e.g. "USD".') {
  return Type.String({ pattern: '^[A-Z]{3}$', description });
}

/** Language-keyed or flat localized texts, e.g. `{title}` or `{"en_US": {title}}`. */
export function LocalizeInfos(description = 'Localized texts: `{title}` or keyed by language code.') {
  return Type.Record(Type.String(), Type.Unknown(), { description });
}

// ---------------------------------------------------------------------------------------------
// Error body
// ---------------------------------------------------------------------------------------------

/**
 * The one error body of every non-2xx response. `statusCode`, `message`, `pageData` and
 * `timestamp` are what the OneEntry SDK expects (`IError`); `code`, `requestId` and `details`
 * are Tender's. A success body never has a top-level `statusCode`.
 */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599, description: 'Equal to the HTTP status.' }),
    message: Type.String({ description: 'Human-readable message.' }),
    pageData: Type.Null({ description: 'Always null (OneEntry compatibility).' }),
    timestamp: IsoDateTime('When the error was produced.'),
    code: Type.String({
      pattern: '^[a-z][a-z0-9_]*$',
      description: 'Stable snake_case error code, e.g. `order_not_found`. Codes are public API.',
    }),
    requestId: Type.String({ description: 'Id of the request, for support and logs.' }),
    details: Type.Optional(Type.Unknown({ description: 'Machine-readable details, e.g. validation issues.' })),
    localizeMessage: Type.Optional(Type.String({ description: 'Localized message (OneEntry compatibility).' })),
  },
  { title: 'ErrorBody', description: 'Body of every non-2xx response.' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** A JSON `true`/`false` result (refund requests, logout, checkCode, …). */
export const BooleanResult = Type.Boolean({
  title: 'BooleanResult',
  description: 'JSON `true` on success (OneEntry methods that return boolean). Never an empty body.',
});
export type BooleanResult = Static<typeof BooleanResult>;

// ---------------------------------------------------------------------------------------------
// Params and querystrings
// ---------------------------------------------------------------------------------------------

/** `:id` path parameter. */
export const IdParam = Type.Object(
  { id: Id('Numeric id from the path.') },
  { title: 'IdParam', description: 'Numeric id path parameter.' },
);
export type IdParam = Static<typeof IdParam>;

/** `:orderId` path parameter. */
export const OrderIdParam = Type.Object(
  { orderId: Id('Order id from the path.') },
  { title: 'OrderIdParam', description: 'Order id path parameter.' },
);
export type OrderIdParam = Static<typeof OrderIdParam>;

/** `:marker` path parameter. */
export const MarkerParam = Type.Object(
  { marker: Marker('Marker from the path.') },
  { title: 'MarkerParam', description: 'Marker path parameter.' },
);
export type MarkerParam = Static<typeof MarkerParam>;

/** `:marker` and `:id` path parameters. */
export const MarkerIdParam = Type.Object(
  { marker: Marker('Marker from the path.'), id: Id('Numeric id from the path.') },
  { title: 'MarkerIdParam', description: 'Marker and numeric id path parameters.' },
);
export type MarkerIdParam = Static<typeof MarkerIdParam>;

const offsetField = Type.Integer({ minimum: 0, maximum: MAX_ID, default: 0, description: 'Items to skip.' });
const limitField = Type.Integer({ minimum: 1, maximum: 100, default: 30, description: 'Page size (1..100).' });
/** A language code such as `en_US`, `de`, `pt-BR`. */
export const LANG_CODE_PATTERN = '^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$';

const langCodeField = Type.String({
  minLength: 2,
  maxLength: 16,
  pattern: LANG_CODE_PATTERN,
  default: 'en_US',
  description: 'Language code such as `en_US`.',
});

/** `?offset&limit` */
export const PaginationQuery = Type.Object(
  { offset: Type.Optional(offsetField), limit: Type.Optional(limitField) },
  { title: 'PaginationQuery', description: 'Offset pagination.' },
);
export type PaginationQuery = Static<typeof PaginationQuery>;

/** `?langCode` */
export const LangCodeQuery = Type.Object(
  { langCode: Type.Optional(langCodeField) },
  { title: 'LangCodeQuery', description: 'Response language.' },
);
export type LangCodeQuery = Static<typeof LangCodeQuery>;

/** `?langCode&offset&limit` */
export const LangPaginationQuery = Type.Object(
  { langCode: Type.Optional(langCodeField), offset: Type.Optional(offsetField), limit: Type.Optional(limitField) },
  { title: 'LangPaginationQuery', description: 'Response language and offset pagination.' },
);
export type LangPaginationQuery = Static<typeof LangPaginationQuery>;

// ---------------------------------------------------------------------------------------------
// Form data
// ---------------------------------------------------------------------------------------------

/** One filled form field: `{marker, type, value}`. */
export const FormDataItem = Type.Object(
  {
    marker: Type.String({ minLength: 1, maxLength: 100, description: 'Form attribute marker, e.g. `name`.' }),
    type: Type.String({ minLength: 1, maxLength: 50, description: 'Attribute type, e.g. `string`, `integer`.' }),
    value: Type.Unknown({ description: 'Field value.' }),
  },
  { title: 'FormDataItem', description: 'One filled form field.' },
);
export type FormDataItem = Static<typeof FormDataItem>;

const formDataItems = Type.Array(FormDataItem, { maxItems: 100 });

/**
 * `formData` in request bodies: the OneEntry SDK wraps the fields by language
 * (`{"en_US": [...]}`); a plain array is accepted too.
 */
export const FormDataInput = Type.Union(
  [
    // propertyNames rejects a bad key; additionalProperties:false would make Ajv (removeAdditional)
    // drop it silently after minProperties was already checked.
    Type.Record(Type.String({ pattern: LANG_CODE_PATTERN }), formDataItems, {
      propertyNames: { pattern: LANG_CODE_PATTERN },
      minProperties: 1,
      maxProperties: 10,
    }),
    formDataItems,
  ],
  { title: 'FormDataInput', description: 'Form fields keyed by language code (`{"en_US": [...]}`) or a plain array.' },
);
export type FormDataInput = Static<typeof FormDataInput>;

/** `formData` in responses: a plain array, or keyed by language (the OneEntry SDK unwraps it). */
export const FormDataOutput = Type.Union(
  [Type.Array(FormDataItem), Type.Record(Type.String(), Type.Array(FormDataItem))],
  { title: 'FormDataOutput', description: 'Form fields as a plain array or keyed by language code.' },
);
export type FormDataOutput = Static<typeof FormDataOutput>;
