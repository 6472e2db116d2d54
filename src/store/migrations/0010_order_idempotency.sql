-- Orders and refund requests remember the Idempotency-Key they were created under.
-- Forward-only: never edit once merged.
--
-- The idempotency record (idempotency_keys) is completed only when the answer is sent. A process
-- killed between the create's COMMIT and that moment leaves the key `in_progress`; after its
-- lease the client's retry runs the create again. Captures, refunds and payments are linked to
-- their key; these two rows now are too, so the re-run finds the row it made the first time
-- (src/services/order-service.ts, src/services/refund-request-service.ts).
--
-- idempotency_scope is the key's scope as the plugin writes it ('user:<id>', …), and
-- idempotency_request_hash the plugin's hash of method, URL and body: a key reused for another
-- request after its record was pruned (24 h) is refused, not answered with the old row.

ALTER TABLE orders
  ADD COLUMN idempotency_scope text,
  ADD COLUMN idempotency_key text,
  ADD COLUMN idempotency_request_hash text,
  ADD CONSTRAINT orders_idempotency_complete CHECK (
    (idempotency_key IS NULL AND idempotency_scope IS NULL AND idempotency_request_hash IS NULL)
    OR (idempotency_key IS NOT NULL AND idempotency_scope IS NOT NULL AND idempotency_request_hash IS NOT NULL));
CREATE UNIQUE INDEX orders_idempotency ON orders (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL;

ALTER TABLE refund_requests
  ADD COLUMN idempotency_scope text,
  ADD COLUMN idempotency_key text,
  ADD COLUMN idempotency_request_hash text,
  ADD CONSTRAINT refund_requests_idempotency_complete CHECK (
    (idempotency_key IS NULL AND idempotency_scope IS NULL AND idempotency_request_hash IS NULL)
    OR (idempotency_key IS NOT NULL AND idempotency_scope IS NOT NULL AND idempotency_request_hash IS NOT NULL));
CREATE UNIQUE INDEX refund_requests_idempotency ON refund_requests (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL;
