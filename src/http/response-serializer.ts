import fastJson from 'fast-json-stringify';

const SINGLE_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array']);

/**
 * The response schema as the serializer should see it: every `anyOf: [T, null]` with a single
 * plain type T (what `Nullable()` in src/contract builds) becomes `type: [T, 'null']`.
 *
 * Why: fast-json-stringify serializes an `anyOf` by running an ajv validator over each branch
 * for every value, to pick the branch (a date-time regex for each nullable timestamp, ~30 per
 * session row); a type list is picked with `typeof`. The route schemas themselves keep the
 * unions: TypeBox's static types, `Value.Check` and the OpenAPI document are built from them.
 * Only the copy handed to the serializer changes; the bytes written are the same.
 */
export function nullableAsTypeList(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableAsTypeList);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = nullableAsTypeList(value);
  const branches = out.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2 || 'type' in out) return out;
  const nullIndex = branches.findIndex((b) => isPlainNull(b));
  if (nullIndex === -1) return out;
  const other = branches[1 - nullIndex] as Record<string, unknown>;
  if (typeof other.type !== 'string' || !SINGLE_TYPES.has(other.type) || 'anyOf' in other || 'oneOf' in other || 'allOf' in other || '$ref' in other) return out;
  const { anyOf: _dropped, ...siblings } = out;
  return { ...other, ...siblings, type: [other.type, 'null'] };
}

function isPlainNull(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  const keys = Object.keys(schema).filter((k) => k !== 'description');
  return keys.length === 1 && (schema as { type?: unknown }).type === 'null';
}

/** Fastify's serializer compiler (the default one is fast-json-stringify too), over the rewritten schema. */
export function responseSerializerCompiler({ schema }: { schema: unknown }): (data: unknown) => string {
  return fastJson(nullableAsTypeList(schema) as Parameters<typeof fastJson>[0]);
}
