import type { FormDataInput } from '../contract/common.js';
import { PaymentsError } from '../errors.js';
import type { CatalogForm } from '../store/catalog-store.js';
import type { StoredFormField } from '../store/order-store.js';

type Scalar = string | number | boolean | null;

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

function invalid(message: string, details?: Record<string, unknown>): PaymentsError {
  return new PaymentsError('validation_failed', message, details);
}

/**
 * Checks an order's `formData` against the storage's form and returns the plain array to store.
 *
 * The OneEntry SDK wraps the fields by language (`{"en_US": [...]}`); a plain array is accepted
 * too. One language only: an order has one set of answers, and silently picking one of several
 * would lose data. Every field must be declared by the form with the same `type`, at most once;
 * every `required` field must be present and non-empty. Values are scalars or arrays of
 * scalars: objects are refused because the SDK's response normalizer crashes on some object
 * shapes (contract §2.8) and no order form field needs one.
 */
export function normalizeFormData(input: FormDataInput, form: CatalogForm): StoredFormField[] {
  let items: readonly { marker: string; type: string; value?: unknown }[];
  if (Array.isArray(input)) {
    items = input;
  } else {
    const langs = Object.keys(input);
    if (langs.length !== 1) {
      throw invalid(`formData must hold the fields of exactly one language; got ${langs.length === 0 ? 'none' : langs.join(', ')}`);
    }
    items = input[langs[0]!] ?? [];
  }
  const declared = new Map(form.attributes.map((a) => [a.marker, a]));
  const seen = new Set<string>();
  const out: StoredFormField[] = [];
  for (const item of items) {
    const attr = declared.get(item.marker);
    if (!attr) {
      throw invalid(
        `Unknown form field '${item.marker}': form '${form.identifier}' declares ${[...declared.keys()].map((m) => `'${m}'`).join(', ') || 'no fields'}`,
        { marker: item.marker },
      );
    }
    if (item.type !== attr.type) {
      throw invalid(`Form field '${item.marker}' has type '${attr.type}'; got '${item.type}'`, { marker: item.marker });
    }
    if (seen.has(item.marker)) throw invalid(`Form field '${item.marker}' appears more than once`, { marker: item.marker });
    seen.add(item.marker);
    const value = item.value === undefined ? null : item.value;
    if (!isScalar(value) && !(Array.isArray(value) && value.every(isScalar))) {
      throw invalid(`Form field '${item.marker}' must have a string, number, boolean or null value (or an array of them)`, {
        marker: item.marker,
      });
    }
    out.push({ marker: item.marker, type: item.type, value });
  }
  const missing = form.attributes.filter((a) => a.required && isEmpty(out.find((f) => f.marker === a.marker)?.value));
  if (missing.length > 0) {
    throw invalid(`Required form field${missing.length > 1 ? 's' : ''} missing or empty: ${missing.map((a) => `'${a.marker}'`).join(', ')}`, {
      missing: missing.map((a) => a.marker),
    });
  }
  return out;
}
