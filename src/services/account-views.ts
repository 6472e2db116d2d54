import type { PaymentAccount } from '../contract/payments.js';
import type { AccountRow } from '../store/account-store.js';

/** Public view of an account. Secrets are never part of it: they live sealed in other columns. */
export function accountView(row: AccountRow): PaymentAccount {
  return {
    id: row.id,
    identifier: row.identifier,
    isVisible: row.is_visible,
    isUsed: row.is_used,
    testMode: row.test_mode,
    type: row.type,
    settings: { ...row.settings, captureMethod: row.capture_method, sessionLifetimeSec: row.session_lifetime_sec },
    testSettings: row.test_settings,
    localizeInfos: row.localize_infos,
    updatedDate: row.updated_at.toISOString(),
  };
}
