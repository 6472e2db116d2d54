import { Kind, type TSchema } from '@sinclair/typebox';
import fastJson from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import * as accounts from '../../src/contract/accounts.js';
import * as admin from '../../src/contract/admin.js';
import * as adminPanel from '../../src/contract/admin-panel.js';
import * as auth from '../../src/contract/auth.js';
import { IsoDateTime, Nullable } from '../../src/contract/common.js';
import * as engine from '../../src/contract/engine.js';
import * as orders from '../../src/contract/orders.js';
import * as payments from '../../src/contract/payments.js';
import * as webhooks from '../../src/contract/webhooks.js';
import { nullableAsTypeList, responseSerializerCompiler } from '../../src/http/response-serializer.js';

const modules = { accounts, admin, adminPanel, auth, engine, orders, payments, webhooks };
// The exported wire schemas; request bodies and queries are validated, never serialized.
const schemas: [string, TSchema][] = Object.entries(modules).flatMap(([m, exports]) =>
  Object.entries(exports)
    .filter(([name, v]) => !/(Body|Query)$/.test(name) && v !== null && typeof v === 'object' && Kind in (v as object))
    .map(([name, v]) => [`${m}.${name}`, v as TSchema] as [string, TSchema]),
);

/** A value of `schema` with every key present (the first branch of each union; fixed scalars). */
function sample(schema: TSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.anyOf) return sample(schema.anyOf[0]);
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, TSchema>)) out[key] = sample(prop);
      return out;
    }
    case 'array':
      return [sample(schema.items as TSchema), sample(schema.items as TSchema)];
    case 'string':
      return sampleString(schema);
    case 'integer':
      return 1250;
    case 'number':
      return Math.min(12.5, schema.maximum ?? Infinity);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}

const STRINGS = ['text "quoted" \\ ü', 'USD', 'marker_1', '12.50', 'https://shop.example/ok?x=1', 'a@b.example', '0'];
function sampleString(schema: TSchema): string {
  if (schema.format === 'date-time') return '2026-11-21T10:15:29.254Z';
  if (schema.enum) return schema.enum[0];
  const fits = STRINGS.find(
    (s) => (!schema.pattern || new RegExp(schema.pattern, 'u').test(s)) && s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity),
  );
  if (fits === undefined) throw new Error(`no sample string for ${JSON.stringify(schema)}`);
  return fits;
}

/** Every key of `value` that a nullable schema allows set to null, recursively. */
function nulled(schema: TSchema, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => nulled((schema.items ?? {}) as TSchema, v));
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, TSchema>)) {
    if (prop.anyOf?.some((b: TSchema) => b.type === 'null')) out[key] = null;
    else out[key] = nulled(prop, out[key]);
  }
  return out;
}

describe('response serializer', () => {
  it('turns Nullable(T) of a plain type into a type list, keeping format and description', () => {
    expect(nullableAsTypeList(Nullable(IsoDateTime('when'), { description: 'maybe' }))).toEqual({
      type: ['string', 'null'],
      format: 'date-time',
      description: 'maybe',
    });
  });

  it('leaves unions that are not "T or null" alone', () => {
    const union = { anyOf: [{ type: 'string' }, { type: 'number' }] };
    expect(nullableAsTypeList(union)).toEqual(union);
    const nested = { anyOf: [{ anyOf: [{ type: 'string' }, { type: 'number' }] }, { type: 'null' }] };
    expect(nullableAsTypeList(nested)).toEqual(nested);
  });

  it.each(schemas)('%s: writes the same bytes as the stock serializer, with values present and null', (_name, schema) => {
    const stock = fastJson(schema as never);
    const ours = responseSerializerCompiler({ schema });
    const full = sample(schema);
    expect(ours(full)).toBe(stock(full));
    const withNulls = nulled(schema, full);
    expect(ours(withNulls)).toBe(stock(withNulls));
  });

  it('covers the schemas of the hot responses', () => {
    const names = schemas.map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(['payments.SessionsPage', 'payments.PaymentSession']));
    expect(names.length).toBeGreaterThan(10);
  });
});
