-- Orders module: indexes for its lookups. Forward-only: never edit once merged.

-- getRefunds / cancelRefundRequest / createRefundRequest look requests up by order
-- (refund_requests_one_open_per_order only covers pending rows).
CREATE INDEX refund_requests_order ON refund_requests (order_id, id);

-- getAllStatusesByStorageMarker: `isUsed` asks whether any order of the storage is in a status.
CREATE INDEX orders_storage_status ON orders (storage_id, status_identifier);
