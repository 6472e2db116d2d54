-- The built-in test gateway's own state (src/gateways/test/NOTE.md). It plays an external card
-- provider that lives in the same process, so its tables are its own: Tender's tables never
-- reference them and the link is only the provider reference (payment_sessions.gateway_ref and
-- payments.gateway_ref hold a test_gateway_intents.id), as it would be with Stripe.
-- Card numbers are never stored anywhere: a token keeps brand, last four digits, expiry and the
-- test scenario its number selected. Amounts are bigint minor units beside a char(3) code.

CREATE TABLE test_gateway_tokens (
  id text PRIMARY KEY CHECK (id LIKE 'tok\_test\_%'),
  brand text NOT NULL,
  last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month integer NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year integer NOT NULL CHECK (exp_year BETWEEN 2000 AND 2199),
  scenario text NOT NULL CHECK (scenario IN ('succeeds', 'requires_action', 'card_declined', 'insufficient_funds')),
  -- Set on first use: like a Stripe token, one token pays one intent.
  intent_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per Tender session (kind 'session': hosted checkout page; 'intent': the storefront's form).
-- Statuses follow Stripe's PaymentIntent: requires_payment_method → requires_action →
-- requires_capture (manual capture) | succeeded; canceled (by the merchant, or expired).
CREATE TABLE test_gateway_intents (
  id text PRIMARY KEY CHECK (id LIKE 'tgpi\_%'),
  account_id integer NOT NULL,
  tender_session_id integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('session', 'intent')),
  amount bigint NOT NULL CHECK (amount >= 0),
  currency char(3) NOT NULL,
  capture_method text NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
  status text NOT NULL CHECK (status IN ('requires_payment_method', 'requires_action', 'requires_capture', 'succeeded', 'canceled')),
  cancellation_reason text CHECK (cancellation_reason IN ('requested_by_merchant', 'expired')),
  amount_capturable bigint NOT NULL DEFAULT 0 CHECK (amount_capturable >= 0),
  amount_captured bigint NOT NULL DEFAULT 0 CHECK (amount_captured >= 0),
  amount_refunded bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
  -- Returned to Tender once at initiate and again with a challenge; Tender keeps it too.
  client_secret text NOT NULL,
  token_id text REFERENCES test_gateway_tokens (id),
  card_brand text,
  card_last4 text CHECK (card_last4 ~ '^[0-9]{4}$'),
  last_error jsonb,
  next_action jsonb,
  return_url text,
  success_url text,
  cancel_url text,
  idempotency_key text NOT NULL,
  expires_at timestamptz NOT NULL,
  authorized_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, idempotency_key),
  CONSTRAINT test_gateway_intents_captured_le_amount CHECK (amount_captured + amount_capturable <= amount),
  CONSTRAINT test_gateway_intents_refunded_le_captured CHECK (amount_refunded <= amount_captured)
);
CREATE INDEX test_gateway_intents_session ON test_gateway_intents (account_id, tender_session_id);

-- Every confirm/capture/refund/cancel, keyed by the caller's idempotency key (Stripe semantics:
-- the same key answers the stored result and has no second effect).
CREATE TABLE test_gateway_operations (
  id text PRIMARY KEY,
  account_id integer NOT NULL,
  intent_id text NOT NULL REFERENCES test_gateway_intents (id),
  kind text NOT NULL CHECK (kind IN ('confirm', 'capture', 'refund', 'cancel')),
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  amount bigint CHECK (amount > 0),
  succeeded boolean NOT NULL,
  result jsonb NOT NULL,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX test_gateway_operations_intent ON test_gateway_operations (intent_id, created_at);

-- Outbox of the webhooks the gateway emitted: written in the transaction of the state change,
-- delivered after it commits. body is exactly the JSON that is signed and sent.
CREATE TABLE test_gateway_events (
  id text PRIMARY KEY CHECK (id LIKE 'evt\_test\_%'),
  account_id integer NOT NULL,
  intent_id text REFERENCES test_gateway_intents (id),
  type text NOT NULL,
  body text NOT NULL,
  delivery_status text NOT NULL DEFAULT 'pending' CHECK (delivery_status IN ('pending', 'delivered', 'failed', 'dropped')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX test_gateway_events_intent ON test_gateway_events (intent_id, created_at);
