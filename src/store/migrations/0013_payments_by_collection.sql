-- Every engine step derives its collection's status from the collection's sessions and payments
-- (syncCollection), reading payments by collection_id: without this index each such read was a
-- sequential scan of the whole payments table (0.18 ms at 1,000 payments in the benchmark, and
-- linear in the table's size). Forward-only. A plain CREATE INDEX: the migration runs in a
-- transaction, and it holds off writes to payments while the index builds.
CREATE INDEX payments_collection ON payments (collection_id);
