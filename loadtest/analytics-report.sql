-- The analytics tables as 1,000,000 customers entering one journey over a year leave them
-- (loadtest/analytics-report.sh).
-- Ten journeys; the first is the one asked for. 2,740 customers enter each a day for 365 days
-- (1,000,100 a journey), 90% treated, 10% held out, counted again under one of three segments.
CREATE TEMP TABLE dims AS
SELECT j.journey, d.day, a.arm, s.segment,
       CASE WHEN a.arm = 'treated' THEN 2466 ELSE 274 END
         / CASE WHEN s.segment = '' THEN 1 ELSE 3 END AS entered
FROM (SELECT CASE WHEN g = 0 THEN 'running-shoes' ELSE 'journey-' || g END AS journey
        FROM generate_series(0, 9) g) j,
     (SELECT (current_date - g)::date AS day FROM generate_series(0, 364) g) d,
     (VALUES ('treated'), ('holdout')) a(arm),
     (VALUES (''), ('vip'), ('new'), ('returning')) s(segment);
CREATE TEMP TABLE stages AS
SELECT * FROM (VALUES (0, 'awareness'), (1, 'consideration'), (2, 'decision'), (3, 'onboarding'),
                      (4, 'retention'), (5, 'advocacy')) s(n, stage);

INSERT INTO analytics_journey_day (journey, version, "day", arm, segment, entered, goal_reached, exited)
SELECT journey, 1, day, arm, segment, entered, entered / 9, entered / 20 FROM dims;
INSERT INTO analytics_stage_day (journey, version, "day", arm, segment, stage, entered, moved_on, dropped, goal_reached)
SELECT journey, 1, day, arm, segment, stage, entered >> n, entered >> (n + 1), (entered >> n) / 3, entered / 60
FROM dims, stages;
INSERT INTO analytics_transition_day (journey, version, "day", arm, segment, from_stage, to_stage, moved)
SELECT d.journey, 1, d.day, d.arm, d.segment, f.stage, t.stage, d.entered >> (f.n + 1)
FROM dims d, stages f JOIN stages t ON t.n = f.n + 1;
INSERT INTO analytics_stage_time (journey, version, "day", arm, segment, stage, bucket, customers)
SELECT journey, 1, day, arm, segment, stage, b, 1 + (entered >> n) / 16
FROM dims, stages, generate_series(4, 19) b;
INSERT INTO analytics_action_day (journey, version, "day", arm, segment, stage, channel, template, outcome, actions)
SELECT journey, 1, day, arm, segment, stage, 'email', stage || '-mail', o, entered >> (n + 1)
FROM dims, stages, (VALUES ('decided'), ('delivered'), ('engaged'), ('suppressed:cap'), ('dead')) o(o)
WHERE arm = 'treated';
INSERT INTO analytics_split_day (journey, version, "day", split, arm, segment, assigned, goal_reached)
SELECT journey, 1, day, 'offer', v, segment, entered / 2, entered / 18
FROM dims, (VALUES ('control'), ('ten-off')) v(v) WHERE arm = 'treated';
-- The rows that name customers: one per customer of the journey asked for, and an action each
-- for two of three; the report reads none of them, but they share the database's cache.
INSERT INTO analytics_customer_journey (customer_id, journey, version, arm, segments, stage, stage_since, entered_day, splits)
SELECT 'c-' || g, 'running-shoes', 1, CASE WHEN g % 10 = 0 THEN 'holdout' ELSE 'treated' END, 'vip',
       'consideration', now() - (g % 365) * interval '1 day', current_date - (g % 365), ''
FROM generate_series(1, 1000000) g;
INSERT INTO analytics_action (action_id, customer_id, journey, version, "day", arm, segments, stage, channel, template, engaged, emitted_at)
SELECT 'a-' || g, 'c-' || g, 'running-shoes', 1, current_date - (g % 365), 'treated', 'vip',
       'consideration', 'email', 'consideration-mail', g % 7 = 0, now() - (g % 365) * interval '1 day'
FROM generate_series(1, 1000000) g WHERE g % 3 <> 0;
ANALYZE;
