-- Journey analytics (io.itinera.engine.analytics), written by the analytics projection from the
-- journal, one transaction per group of events together with its offset, so a restart in the
-- middle of a group counts nothing twice. Rebuilt from the journal by truncating these tables and
-- the projection's offsets (docs/operations.md).
--
-- Every aggregate table is keyed by journey, version, day (UTC), arm and segment: arm is 'treated'
-- or 'holdout'; segment is '' for all customers, and each customer is counted once more under each
-- named segment they matched on entry. day is the day the customer entered the journey (a cohort:
-- of those who entered that day, how many moved on, dropped, reached the goal), except in
-- analytics_split_day, where it is the day the arm was assigned. DAY is a keyword in H2: the column
-- is "day", quoted, in every statement.

CREATE TABLE IF NOT EXISTS analytics_journey_day (
  journey      VARCHAR(200) NOT NULL,
  version      INT          NOT NULL,
  "day"          DATE         NOT NULL,
  arm          VARCHAR(120) NOT NULL,
  segment      VARCHAR(120) NOT NULL,
  entered      BIGINT       NOT NULL DEFAULT 0,
  goal_reached BIGINT       NOT NULL DEFAULT 0,
  exited       BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (journey, "day", version, arm, segment)
);

CREATE TABLE IF NOT EXISTS analytics_stage_day (
  journey      VARCHAR(200) NOT NULL,
  version      INT          NOT NULL,
  "day"          DATE         NOT NULL,
  arm          VARCHAR(120) NOT NULL,
  segment      VARCHAR(120) NOT NULL,
  stage        VARCHAR(200) NOT NULL,
  entered      BIGINT       NOT NULL DEFAULT 0,
  moved_on     BIGINT       NOT NULL DEFAULT 0,
  dropped      BIGINT       NOT NULL DEFAULT 0,
  goal_reached BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (journey, "day", version, arm, segment, stage)
);

CREATE TABLE IF NOT EXISTS analytics_transition_day (
  journey    VARCHAR(200) NOT NULL,
  version    INT          NOT NULL,
  "day"        DATE         NOT NULL,
  arm        VARCHAR(120) NOT NULL,
  segment    VARCHAR(120) NOT NULL,
  from_stage VARCHAR(200) NOT NULL,
  to_stage   VARCHAR(200) NOT NULL,
  moved      BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (journey, "day", version, arm, segment, from_stage, to_stage)
);

-- Time spent in a stage, counted when the customer left it: bucket 0 is under 1 s, bucket b >= 1
-- covers [2^(b-1), 2^b) seconds. Medians and p90s come from these counts, never from events.
CREATE TABLE IF NOT EXISTS analytics_stage_time (
  journey   VARCHAR(200) NOT NULL,
  version   INT          NOT NULL,
  "day"       DATE         NOT NULL,
  arm       VARCHAR(120) NOT NULL,
  segment   VARCHAR(120) NOT NULL,
  stage     VARCHAR(200) NOT NULL,
  bucket    INT          NOT NULL,
  customers BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (journey, "day", version, arm, segment, stage, bucket)
);

-- outcome: decided (went out to its channel), suppressed:<reason>, deferred (held by quiet hours;
-- counted as decided again when it goes out), delivered, dead, engaged. template is '' when none.
CREATE TABLE IF NOT EXISTS analytics_action_day (
  journey  VARCHAR(200) NOT NULL,
  version  INT          NOT NULL,
  "day"      DATE         NOT NULL,
  arm      VARCHAR(120) NOT NULL,
  segment  VARCHAR(120) NOT NULL,
  stage    VARCHAR(200) NOT NULL,
  channel  VARCHAR(100) NOT NULL,
  template VARCHAR(200) NOT NULL,
  outcome  VARCHAR(80)  NOT NULL,
  actions  BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (journey, "day", version, arm, segment, stage, channel, template, outcome)
);

-- Experiments: day is the day of the assignment; goal_reached counts those assigned that day who
-- reached the journey's goal afterwards. The splits' bandit reads sums per arm from here.
CREATE TABLE IF NOT EXISTS analytics_split_day (
  journey      VARCHAR(200) NOT NULL,
  version      INT          NOT NULL,
  "day"          DATE         NOT NULL,
  split        VARCHAR(120) NOT NULL,
  arm          VARCHAR(120) NOT NULL,
  segment      VARCHAR(120) NOT NULL,
  assigned     BIGINT       NOT NULL DEFAULT 0,
  goal_reached BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (journey, split, "day", version, arm, segment)
);

-- What the projection must remember about a customer in a journey to count their later events:
-- their arm, segments, stage and since when, the day they entered, and their split arms
-- ("split:arm:yyyy-mm-dd", comma-separated). Kept after they leave (stage NULL) so a late click on
-- an action still finds them; replaced when they enter again. Names a customer: deleted by an
-- erasure.
CREATE TABLE IF NOT EXISTS analytics_customer_journey (
  customer_id VARCHAR(255)  NOT NULL,
  journey     VARCHAR(200)  NOT NULL,
  version     INT           NOT NULL,
  arm         VARCHAR(120)  NOT NULL,
  segments    VARCHAR(2000) NOT NULL,
  stage       VARCHAR(200),
  stage_since TIMESTAMP WITH TIME ZONE NOT NULL,
  entered_day DATE          NOT NULL,
  splits      VARCHAR(2000) NOT NULL,
  PRIMARY KEY (customer_id, journey)
);

-- Each emitted action, for engagement attribution: a touchpoint naming its id (properties.actionId)
-- counts once as engaged under the action's journey, stage, channel, template, arm and entry day.
-- Names a customer: deleted by an erasure.
CREATE TABLE IF NOT EXISTS analytics_action (
  action_id   VARCHAR(64)   NOT NULL PRIMARY KEY,
  customer_id VARCHAR(255)  NOT NULL,
  journey     VARCHAR(200)  NOT NULL,
  version     INT           NOT NULL,
  "day"         DATE          NOT NULL,
  arm         VARCHAR(120)  NOT NULL,
  segments    VARCHAR(2000) NOT NULL,
  stage       VARCHAR(200)  NOT NULL,
  channel     VARCHAR(100)  NOT NULL,
  template    VARCHAR(200)  NOT NULL,
  engaged     BOOLEAN       NOT NULL,
  emitted_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS analytics_action_customer ON analytics_action (customer_id);

-- A delivery's final outcome (delivered, dead) written by the webhook senders before the analytics
-- projection knew its action: the projection counts it, and deletes it, in the transaction that
-- records the action (see analytics.DeliveryOutcomes for why nothing is counted twice or lost).
CREATE TABLE IF NOT EXISTS analytics_delivery_outcome (
  action_id VARCHAR(64) NOT NULL,
  outcome   VARCHAR(16) NOT NULL,
  PRIMARY KEY (action_id, outcome)
);
