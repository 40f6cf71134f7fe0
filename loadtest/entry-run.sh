#!/usr/bin/env bash
# How fast a run enters the customers its segment matches: one node on PostgreSQL, CUSTOMERS rows
# generated in the customer index (all buyers last seen 90 days ago), then a broadcast journey
# whose segment matches them all and whose first stage sends an e-mail: the run asks each
# customer's entity to enter (a decision journalled with its action), ITINERA_ENTRY_RUNS_RATE per
# second at most. Reports entries per second from the run's own start and finish, and the engine's
# and PostgreSQL's CPU per entry over the run, to set beside cost-per-touchpoint.sh's figures.
#
#   loadtest/entry-run.sh [CUSTOMERS=20000] [RATE=100000]
#
# Needs a built tree (./itinera build) and PostgreSQL on 127.0.0.1:5432. Output: loadtest/target/entry-<time>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd); cd "$root"
customers=${1:-20000}; rate=${2:-100000}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
out="$here/target/entry-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$out"
db="itinera_entry_$(date +%s)"
psql -q -c "create database $db"
ITINERA_JOURNEYS_DIR="" ITINERA_HTTP_PORT=18080 ITINERA_MANAGEMENT_PORT=18558 ITINERA_REMOTE_PORT=25620 \
  ITINERA_HTTP_INTERFACE=127.0.0.1 ITINERA_ENTRY_RUNS_RATE="$rate" ITINERA_ENTRY_RUNS_TICK=1s \
  ITINERA_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db?reWriteBatchedInserts=true" \
  ITINERA_DB_USER="$PGUSER" ITINERA_JAVA_OPTS="-Xms512m -Xmx2g ${ENGINE_EXTRA_OPTS:-}" ./itinera run > "$out/engine.log" 2>&1 &
srv=$!
cleanup() {
  kill "$srv" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$srv" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$srv" 2>/dev/null || true
  psql -q -c "drop database if exists $db with (force)" || true
}
trap cleanup EXIT
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:18558/ready" >/dev/null && break; sleep 1; done
# Two waves of CUSTOMERS each: the first warms the JVM and the pool up (a broadcast of its own, not
# measured), the second is measured.
psql -q -d "$db" -c "INSERT INTO customer_index (customer_id, traits, counters, last_seen, journeys, updated_at)
  SELECT 'ec-' || g, jsonb_build_object('consent', jsonb_build_object('email', true), 'wave', 1 + g % 2),
         '{\"Order Completed\": 1}'::jsonb, now() - interval '90 days', '{}'::jsonb, now()
  FROM generate_series(1, 2 * $customers) g; ANALYZE customer_index;"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_ticks() { local t=0; for p in $(pgrep -x postgres); do t=$((t + $(ticks "$p"))); done; echo "$t"; }
broadcast() { # NAME WAVE: deploys a broadcast entering the wave's customers, waits for its run
  local journey="journey: $1
version: 1
entry:
  segment: \"'Order Completed' in customer.counters && customer.traits.wave == $2\"
  broadcast: true
stages:
  miss-you:
    enter:
      - {channel: email, type: send, template: we-miss-you}"
  local code
  code=$(curl -s -o "$out/deploy-$1.json" -w '%{http_code}' -u "${ITINERA_ADMIN_KEY:-dev-admin-key}:" \
    -X PUT -H 'Content-Type: application/yaml' --data-binary "$journey" "http://127.0.0.1:18080/v1/journeys/$1")
  [[ "$code" == 2* ]] || { echo "deploy failed: $code $(cat "$out/deploy-$1.json")"; exit 1; }
  for _ in $(seq 1 600); do
    curl -s -u "${ITINERA_READ_KEY:-dev-read-key}:" "http://127.0.0.1:18080/v1/journeys/$1/runs" > "$out/runs-$1.json"
    grep -q '"finished":true' "$out/runs-$1.json" && return
    sleep 1
  done
}
broadcast warm-up 1
echo "warm-up: $(python3 -c "import json;r=json.load(open('$out/runs-warm-up.json'))['runs'][0];print(r['entered'],'entered')")"
e0=$(ticks "$srv"); p0=$(postgres_ticks)
broadcast broadcast-bench 2
cp "$out/runs-broadcast-bench.json" "$out/runs.json"
e1=$(ticks "$srv"); p1=$(postgres_ticks); hz=$(getconf CLK_TCK)
python3 - "$out/runs.json" $((e1 - e0)) $((p1 - p0)) "$hz" <<'PY'
import json, sys
from datetime import datetime
run = json.load(open(sys.argv[1]))["runs"][0]
engine, postgres, hz = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
parse = lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))
seconds = (parse(run["finishedAt"]) - parse(run["startedAt"])).total_seconds() if run.get("finished") else float("nan")
entered = run["entered"]
print(f"RESULT run: evaluated {run['evaluated']}, matched {run['matched']}, entered {entered} in {seconds:.1f} s "
      f"= {entered / seconds:,.0f} entries/s; engine {1e6 * engine / hz / max(entered, 1):,.0f} us CPU per entry, "
      f"postgres {1e6 * postgres / hz / max(entered, 1):,.0f} us (deploy to finish)")
PY
