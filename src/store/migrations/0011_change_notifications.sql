-- Changes that end access are announced with NOTIFY on channel tender_changes, so that each
-- Tender process can cache "this login session is live" and "this app token is valid" and drop
-- the entry the moment any process (or a hand-written UPDATE) revokes it. Forward-only.
--
-- Payload: '<kind>:<id>' for a row ('session:12', 'user:3', 'app_token:5'), '<kind>:*' when a
-- whole table was truncated. NOTIFY is transactional: listeners hear it when the change commits,
-- never for a change rolled back. See src/store/change-feed.ts and src/services/access-tokens.ts.

CREATE FUNCTION tender_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('tender_changes', TG_ARGV[0] || ':*');
  ELSE
    PERFORM pg_notify('tender_changes', TG_ARGV[0] || ':' || OLD.id);
  END IF;
  RETURN NULL;
END
$$;

-- A login session revoked or deleted (deleting a user cascades here too).
CREATE TRIGGER user_sessions_notify AFTER UPDATE OF revoked_at, user_id OR DELETE ON user_sessions
  FOR EACH ROW EXECUTE FUNCTION tender_notify_change('session');
CREATE TRIGGER user_sessions_notify_truncate AFTER TRUNCATE ON user_sessions
  FOR EACH STATEMENT EXECUTE FUNCTION tender_notify_change('session');

-- A user deactivated or deleted: every session of theirs.
CREATE TRIGGER users_notify AFTER UPDATE OF is_active, id OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION tender_notify_change('user');
CREATE TRIGGER users_notify_truncate AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION tender_notify_change('user');

-- An app token revoked or deleted.
CREATE TRIGGER app_tokens_notify AFTER UPDATE OF revoked_at, token_hash OR DELETE ON app_tokens
  FOR EACH ROW EXECUTE FUNCTION tender_notify_change('app_token');
CREATE TRIGGER app_tokens_notify_truncate AFTER TRUNCATE ON app_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION tender_notify_change('app_token');
