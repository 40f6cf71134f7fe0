#!/usr/bin/env bash
# Where PostgreSQL's share of a touchpoint goes, path by path: runs cost-per-touchpoint.sh at RATE
# with the journeys in JOURNEYS_DIR (empty: none) and reads pg_stat_statements for the whole run,
# each statement's execution time, calls, rows and WAL divided by the touchpoints the journal took
# (the rows of its INSERT). Warm-up included: it runs at the same rate, so per touchpoint it is the
# same work; PostgreSQL's CPU outside statements (commits, WAL writing, autovacuum) is not in it.
#
#   loadtest/statement-costs.sh RATE [JOURNEYS_DIR] [SECONDS=30]
#
# Needs pg_stat_statements loaded, which takes a restart of the local PostgreSQL:
#   psql -c "alter system set shared_preload_libraries = 'pg_stat_statements'"
#   pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart
# (undo with "alter system reset shared_preload_libraries" and another restart). Measure on an
# otherwise idle server: every database's statements are counted. Output: stdout and
# loadtest/target/statements-<time>.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rate=${1:?RATE}; journeys=${2:-}; seconds=${3:-30}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
if ! psql -Atc "show shared_preload_libraries" | grep -q pg_stat_statements; then
  sed -n '9,13p' "$0"; exit 2
fi
psql -q -c "create extension if not exists pg_stat_statements" >/dev/null
psql -q -Atc "select pg_stat_statements_reset()" >/dev/null
"$here/cost-per-touchpoint.sh" "$rate" "$journeys" "$seconds"
out="$here/target/statements-$(date -u +%Y%m%d-%H%M%S).txt"
psql -q -P pager=off -P footer=off <<'SQL' | tee "$out"
with s as (
  -- Parameters, and the rows of a rewritten batch insert, collapsed: one line per statement shape.
  select regexp_replace(
           regexp_replace(regexp_replace(query, '\s+', ' ', 'g'), '\$[0-9]+(\s*,\s*\$[0-9]+)*', '$..', 'g'),
           '(\(\$\.\.\)\s*,\s*)+\(\$\.\.\)', '($..),...', 'g') as statement,
         calls, rows, total_exec_time, wal_bytes
  from pg_stat_statements
  where query not ilike '%pg_stat_statements%' and query not ilike 'analyze%'
),
touchpoints as (
  select greatest(sum(rows), 1) as n from s
  where statement ilike 'insert into%event_journal%'
)
select round((sum(total_exec_time) * 1000 / t.n)::numeric, 1) as "exec us/tp",
       round(100 * sum(total_exec_time) / (select sum(total_exec_time) from s))::int as "% time",
       round((sum(calls)::numeric / t.n), 3) as "calls/tp",
       round((sum(rows)::numeric / t.n), 3) as "rows/tp",
       round((sum(wal_bytes) / t.n)::numeric) as "WAL B/tp",
       left(statement, 110) as statement
from s, touchpoints t
group by statement, t.n
order by sum(total_exec_time) desc
limit 15;
SQL
echo "(per touchpoint: divided by the $(psql -Atc "select sum(rows) from pg_stat_statements where query ilike 'insert into%event_journal%'") rows the journal's INSERT took)"
