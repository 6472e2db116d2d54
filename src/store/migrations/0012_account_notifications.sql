-- Payment accounts are announced on tender_changes too ('account:<id>', 'account:*'): each Tender
-- process caches the account rows its webhooks and session creation read, and drops an entry as
-- soon as a change (new secrets, deactivation, …) commits anywhere. Forward-only. The function
-- is the one of migration 0011.

CREATE TRIGGER payment_accounts_notify AFTER UPDATE OR DELETE ON payment_accounts
  FOR EACH ROW EXECUTE FUNCTION tender_notify_change('account');
CREATE TRIGGER payment_accounts_notify_truncate AFTER TRUNCATE ON payment_accounts
  FOR EACH STATEMENT EXECUTE FUNCTION tender_notify_change('account');
