-- 0014_webhook_delivery_retention: the purge job deletes settled webhook deliveries (delivered, or dead
-- letters nobody replayed) older than RETENTION_WEBHOOK_DELIVERIES_DAYS; their attempts go with them
-- (on delete cascade). Pending and failed rows (a retry is queued) are never purged. This index finds
-- the old settled rows without reading the whole table.
create index if not exists idx_webhook_deliveries_settled on taguato.webhook_deliveries (updated_at) where state in ('delivered', 'dead');
