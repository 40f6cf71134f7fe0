-- The soonest pending timer of every customer who has one, kept by the due-timers projection from
-- the journal; the timer daemon of each slice polls it for what is due. One row per customer, so
-- its size is bounded by customers with pending timers, not by timers ever scheduled.
CREATE TABLE IF NOT EXISTS due_timers (
  customer_id VARCHAR(255) NOT NULL PRIMARY KEY,
  slice       INTEGER      NOT NULL,
  due_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS due_timers_slice_due ON due_timers (slice, due_at);
