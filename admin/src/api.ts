import { defineTenderAdmin } from '../../src/sdk/admin-console.js';

/**
 * The panel's only way to the API (STYLE.md §6): the SDK, on this page's own origin, with the
 * HttpOnly session cookie and the session's CSRF token on writes.
 */
export const tender = defineTenderAdmin('', { retries: 1 });
export { TenderApiError } from '../../src/sdk/admin-console.js';
export type * from '../../src/sdk/admin-console.js';
export type { HistoryEntry, Payment, StatusMappings } from '../../src/sdk/lifecycle-types.js';

/** A readable message for any failure of an SDK call. */
export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') {
    const code = 'code' in err && typeof err.code === 'string' ? ` (${err.code})` : '';
    return `${err.message}${code}`;
  }
  return String(err);
}
