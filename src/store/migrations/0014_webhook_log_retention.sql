-- The delivery log's retention job (src/jobs/scheduled-jobs.ts, 'webhook-log-prune') finds
-- settled deliveries by when they settled.
CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (completed_at) WHERE status <> 'pending';
