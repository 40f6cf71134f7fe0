-- Retention of finished deliveries (delivery.DeliveryRetention): rows of a status queued before a
-- cut-off are deleted oldest first in small batches. queued_at never changes once written, so this
-- index costs an insert and a status change only, never an attempt's update of the other columns.
CREATE INDEX IF NOT EXISTS deliveries_retention ON deliveries (status, queued_at);
