-- Entry without a touchpoint (docs/operations.md, "Entry runs").
--
-- customer_index: what a segment can read of every customer, kept by the customer-index projection
-- from the journal (io.itinera.engine.entry.CustomerIndexProjection): traits and touchpoint counts
-- as JSON objects, the latest touchpoint, and the journeys the customer is in with their stage and
-- what entered them ({"win-back": {"stage": "miss-you", "cause": "run:win-back:1:..."}}). An
-- erasure deletes the row. Runs page through it by customer_id.
-- Text holding JSON objects here; JSONB on PostgreSQL (db/postgres/V12__customer_index.sql).
CREATE TABLE IF NOT EXISTS customer_index (
  customer_id VARCHAR(255) NOT NULL PRIMARY KEY,
  traits      VARCHAR      NOT NULL DEFAULT '{}',
  counters    VARCHAR      NOT NULL DEFAULT '{}',
  last_seen   TIMESTAMP WITH TIME ZONE,
  journeys    VARCHAR      NOT NULL DEFAULT '{}',
  updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- entry_runs: one row per run of a journey's segment entry (a scheduled instant, or a broadcast),
-- written by the run itself after every page: after_customer is the cursor (the last customer id
-- done), so a run cut short by a crash or a restart goes on from there; finished_at is set once the
-- index is paged through. The counts are what the run reports at GET /v1/journeys/{name}/runs.
CREATE TABLE IF NOT EXISTS entry_runs (
  run_id         VARCHAR(400) NOT NULL PRIMARY KEY,
  journey        VARCHAR(200) NOT NULL,
  version        INT          NOT NULL,
  scheduled_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  after_customer VARCHAR(255),
  evaluated      BIGINT       NOT NULL DEFAULT 0,
  matched        BIGINT       NOT NULL DEFAULT 0,
  entered        BIGINT       NOT NULL DEFAULT 0,
  finished_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS entry_runs_journey ON entry_runs (journey, scheduled_at);
