#!/usr/bin/env bash
# Cost per touchpoint, the headline figure (issue 21): what one event costs on each ingest path at a
# fixed rate below saturation, every path measured in one run, in alternating rounds.
#
#   loadtest/cost-per-touchpoint.sh [--rate 400] [--seconds 30] [--warmup 60] [--rounds 2 | --three]
#                                   [--batch-size 50] [--paths entity,track,journeys,batch,delivery]
#   loadtest/cost-per-touchpoint.sh RATE [JOURNEYS_DIR] [SECONDS=30]     (the older single row:
#       track with the journeys of JOURNEYS_DIR, none if empty, one round, 60 s of warm-up)
#
# Paths (RATE is events/s on every one of them):
#   entity    the bare sharded event-sourced entity (ceiling/BareEntityServer), no engine work
#   track     the engine's POST /v1/track, no journey deployed
#   journeys  the same with the journeys run-benchmarks.sh calls "five" (journeys/* and
#             loadtest/journeys/*, copied into one directory; six files today) all listening
#   batch     the engine's POST /v1/batch, BATCH_SIZE events per request, RATE / BATCH_SIZE requests/s
#   delivery  POST /v1/track of "Bench Ping" with loadtest/delivery/bench.journey.yaml: one webhook
#             per event to a local receiver (delivery/WebhookSink, its own JVM, not counted), as in
#             run-delivery-benchmark.sh
# Per event, over a window of SECONDS at the constant rate: the server JVM's CPU (utime + stime from
# /proc/PID/stat), PostgreSQL's CPU (what every postgres process alive at the window's end used in
# it, all of it for those born in it), WAL (pg_current_wal_lsn()) and the bytes the server JVM
# allocated (Micrometer's jvm_gc_memory_allocated_bytes_total, grown at each GC by what the young
# generation held, plus the eden in use now, so allocation since the last GC counts too; from the
# engine's management /metrics, and from the bare entity server's own GET /metrics, which serves the
# engine's Metrics registry: one way of counting for every path, and no agent or jcmd attached).
# Each is divided by the events offered in the window (rate x its length). Of the server's CPU, what
# its JIT compiler threads used in the window is shown apart (from /proc/PID/task/*/stat; a
# compiler thread retired inside the window drops out, so that part is a lower bound): a server
# minutes old is still compiling, more on the paths with more code (about a third of a core at
# 60-90 s with the journeys deployed, a fifteenth at 3 minutes), and a long-running node pays that
# once, not per event. rows.tsv also has the
# events recorded in the window (the engine's itinera_touchpoints_ingested_total; the bare entity's
# journal rows) and, for delivery, the webhooks received; the table names any (path, round) under
# 95% of the offered events: a cost read there is not a cost below saturation.
#
# How: rounds of entity, track, journeys, batch, delivery, then again, so that drift of the machine
# falls on every path alike. Each (path, round) runs on a fresh server JVM and a fresh database:
# a server left running between its windows would poll PostgreSQL (the projections, every 50 ms)
# inside the other paths' windows, and a database that grows from round to round would make the
# rounds differ. So each one is warmed up before its window: Gatling (open model, the same
# simulations as run-benchmarks.sh) ramps to the rate over WARMUP seconds (JIT, first shards,
# pools), the window opens 2 s into the constant rate and closes about 10 s before the load ends.
# Gatling is kept for every path (BatchSimulation and DeliverySimulation exist already): the same
# client, open model and connection pool everywhere, so the paths differ only on the server side.
#
# Limits: the generator (Gatling), the receiver and the database share the machine with the server
# (their CPU is not counted, but competes); PostgreSQL's CPU and WAL are the whole cluster's, so
# other databases' work on a shared server counts, and backends that exit inside the window (the
# ANALYZE stand-in below) are missed. Allocation is read at G1 region granularity (about 1 MB per
# reading), objects allocated straight into the old generation (humongous ones) are missed, and the
# closing reading's scrape (about 1 MB) counts: about 1 MB / (rate x seconds) bytes per event. The
# figures are per event, the measure that noise moves least; the rounds' spread says how much it
# moved anyway. Run it on an idle machine, below saturation (check the lag and kept-up columns).
#
# Output: a markdown table (path x engine CPU, PostgreSQL CPU, WAL, allocation per event, each the
# median (min-max) over the rounds) on stdout and in loadtest/target/cost-<time>/table.md; one line
# per (path, round) in rows.tsv; logs beside them. The older single-row form prints its RESULT lines
# as before (plus allocation, which there includes the lag samples' scrapes).
#
# ENGINE_EXTRA_OPTS adds JVM options to the servers; DB_SETTING (e.g. synchronous_commit=off) is set
# on each benchmark database, for experiments only. Ports (COST_HTTP_PORT 18080, COST_MGMT_PORT
# 18558, COST_REMOTE_PORT 25620, COST_ENTITY_PORT 18082, COST_SINK_PORT 18190) and the databases'
# prefix (COST_DB_PREFIX itinera_cost) can be moved. Needs a built tree (./itinera build; the
# Gatling simulations are loadtest's test classes) and PostgreSQL on 127.0.0.1:5432.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd); cd "$root"
source "$here/lib.sh"   # wait_http, start_analyze_loop, start_webhook_sink, start_watchdog, stop_started

rate=400 seconds=30 warmup=60 rounds=2 batch_size=50 paths="entity,track,journeys,batch,delivery"
legacy=0 legacy_journeys=""
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  # The older form: one row, track with or without the journeys of JOURNEYS_DIR, one round.
  legacy=1 rate=$1 legacy_journeys=${2:-} seconds=${3:-30} rounds=1 paths=legacy
else
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --rate) rate=$2; shift ;;
      --seconds) seconds=$2; shift ;;
      --warmup) warmup=$2; shift ;;
      --rounds) rounds=$2; shift ;;
      --three) rounds=3 ;;
      --batch-size) batch_size=$2; shift ;;
      --paths) paths=$2; shift ;;
      -h|--help) sed -n '2,59p' "$0"; exit 0 ;;
      *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
  done
fi
if [[ ",$paths," == *",batch,"* ]] && (( rate % batch_size != 0 )); then
  echo "--rate ($rate) must be a multiple of --batch-size ($batch_size): batch offers RATE / BATCH_SIZE requests/s" >&2
  exit 2
fi

# The simulations name their 10,000 customers in turn first: a warm-up that offers fewer events
# leaves first touches (entity creation) in the window.
warm_events=$(( (rate < 50 ? rate : 50) * warmup / 2 + rate * warmup / 2 ))
(( warm_events < 10000 )) && echo "note: the warm-up offers about $warm_events events, under the 10,000 customers:" \
  "the window will see first touches (raise --warmup for the real measurement)"
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
HTTP_PORT=${COST_HTTP_PORT:-18080} MGMT_PORT=${COST_MGMT_PORT:-18558} REMOTE_PORT=${COST_REMOTE_PORT:-25620}
ENTITY_PORT=${COST_ENTITY_PORT:-18082} SINK_PORT=${COST_SINK_PORT:-18190}
SERVER_OPTS="-Xms512m -Xmx2g ${ENGINE_EXTRA_OPTS:-}"   # the engine's own default (./itinera run)
GATLING_OPTS="-Xms512m -Xmx1g --add-opens=java.base/java.lang=ALL-UNNAMED"
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$here/target/cost-$stamp"; mkdir -p "$out"
db_prefix="${COST_DB_PREFIX:-itinera_cost}_${stamp//-/_}"
[[ -f engine/target/engine.jar && -d "$here/target/lib" && -d "$here/target/test-classes" ]] ||
  { echo "not built: run ./itinera build first" >&2; exit 1; }
loadtest_cp="$here/target/classes:$here/target/lib/*"
gatling_cp="$here/target/test-classes:$loadtest_cp"
HZ=$(getconf CLK_TCK)

# ---- everything started here is stopped on exit, by its pid; every database made is dropped ------
pids=() dbs=() watchdog=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_started
  for db in "${dbs[@]}"; do psql -q -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true; done
  exit $status
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM
n_paths=$(tr ',' '\n' <<<"$paths" | grep -c .)
deadline=$(( rounds * n_paths * (warmup + seconds + 120) + 120 ))
start_watchdog "$deadline" cost-per-touchpoint
stop_pid() { # and forget it, so that cleanup never signals a pid the system has given to another
  local pid=$1 keep=() p
  for p in "${pids[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
  pids=("${keep[@]}")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}

# ---- readings ---------------------------------------------------------------------------------
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_ticks() { # "pid ticks" of every live postgres process
  local f line rest fields
  for f in /proc/[0-9]*/stat; do
    { read -r line < "$f"; } 2>/dev/null || continue
    [[ $line == *"(postgres)"* ]] || continue
    rest=${line##*) }; read -ra fields <<<"$rest"
    echo "${line%% *} $(( fields[11] + fields[12] ))"
  done
}
jit_ticks() { # "tid ticks" of the JVM's JIT compiler threads (C1/C2 CompilerThread, created and
  # retired as the compile queue grows and shrinks)
  local f line rest fields
  for f in /proc/"$1"/task/[0-9]*/stat; do
    { read -r line < "$f"; } 2>/dev/null || continue
    [[ $line == *"(C1 CompilerThre)"* || $line == *"(C2 CompilerThre)"* ]] || continue
    rest=${line##*) }; read -ra fields <<<"$rest"
    echo "${line%% *} $(( fields[11] + fields[12] ))"
  done
}
ticks_delta() { # start end ("id ticks" lines of processes or threads): what those alive at the end used since the start (all of it
  # for those born since); a process gone by the end drops out instead of making the sum negative
  awk 'NR == FNR { s[$1] = $2; next } { d += $2 - ($1 in s ? s[$1] : 0) } END { print d + 0 }' "$1" "$2"
}
journal_rows() { psql -Atd "$1" -c "select coalesce(max(ordering), 0) from event_journal"; }
wal() { psql -Atc "select pg_current_wal_lsn() - '0/0'::pg_lsn"; }
scrape() { # metrics-url: "allocated-bytes ingested-events" (allocated = GC-counted + eden in use)
  curl -s -m 10 "$1" | awk '
    /^jvm_gc_memory_allocated_bytes_total / { a += $NF }
    /^jvm_memory_used_bytes\{.*Eden/ { a += $NF }
    /^itinera_touchpoints_ingested_total\{/ { n += $NF }
    END { printf "%.0f %.0f\n", a, n }'
}
lag_p99() { # metrics-url projection
  curl -s -m 10 "$1" | awk -v p="$2" '$0 ~ "^itinera_projection_lag_seconds\\{projection=\"" p "\",quantile=\"0.99\"" { print $2 }'
}

five=$out/journeys-five delivery_journeys=$out/journeys-delivery
mkdir -p "$five" "$delivery_journeys"
cp journeys/*.journey.yaml "$here"/journeys/*.journey.yaml "$five"/
cp "$here/delivery/bench.journey.yaml" "$delivery_journeys"/

printf 'round\tpath\twindow_s\tevents_offered\tengine_us\tpostgres_us\twal_b\talloc_b\tingested\twebhooks\tlag_analytics_p99\tlag_outbox_p99\tjit_us\tengine_without_jit_us\n' > "$out/rows.tsv"
echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(psql -Atc 'show server_version'), tree $(git rev-parse --short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/machine.txt"

# ---- one (path, round): a fresh database and server, a warmed-up window, then everything stopped --
row() { # round path
  local round=$1 path=$2 db="${db_prefix}_$2_$1" log="$out/$2-$1"
  local srv="" sink="" analyzer="" gatling="" metrics target sim journeys="" req=$rate per=1 sim_opts=()
  psql -q -c "create database $db"; dbs+=("$db")
  [[ -n "${DB_SETTING:-}" ]] && psql -q -c "alter database $db set ${DB_SETTING}"
  local jdbc="jdbc:postgresql://$PGHOST:$PGPORT/$db?reWriteBatchedInserts=true"
  case "$path" in
    entity) sim=TrackSimulation ;;
    track) sim=TrackSimulation ;;
    legacy) sim=TrackSimulation journeys=$legacy_journeys ;;
    journeys) sim=TrackSimulation journeys=$five ;;
    batch) sim=BatchSimulation per=$batch_size req=$(( rate / batch_size )) sim_opts=(-DbatchSize="$batch_size") ;;
    delivery) sim=DeliverySimulation journeys=$delivery_journeys ;;
    *) echo "unknown path: $path" >&2; exit 2 ;;
  esac
  analyzer=$(start_analyze_loop "$db")
  [[ -n "$analyzer" ]] && pids+=("$analyzer")
  if [[ $path == entity ]]; then
    java $SERVER_OPTS -cp "$loadtest_cp" io.itinera.loadtest.ceiling.BareEntityServer "$jdbc" "$ENTITY_PORT" > "$log-server.log" 2>&1 &
    srv=$!; pids+=("$srv")
    target="http://127.0.0.1:$ENTITY_PORT" metrics="http://127.0.0.1:$ENTITY_PORT/metrics"
    wait_http "$srv" "$metrics" 200 90
  else
    local channels=()
    if [[ $path == delivery ]]; then
      start_webhook_sink "$SINK_PORT" "$log-sink.log" "$loadtest_cp"
      channels=(ITINERA_CHANNELS="bench { url = \"http://127.0.0.1:$SINK_PORT/hook\", max-in-flight = 64, timeout = 10s }"
        ITINERA_DELIVERY_ALLOWED_NETWORKS=127.0.0.0/8)
    fi
    env ITINERA_JOURNEYS_DIR="$journeys" ITINERA_HTTP_PORT="$HTTP_PORT" ITINERA_MANAGEMENT_PORT="$MGMT_PORT" ITINERA_REMOTE_PORT="$REMOTE_PORT" \
      ITINERA_HTTP_INTERFACE=127.0.0.1 ITINERA_RATE_LIMIT_INGEST=1000000 ITINERA_DB_URL="$jdbc" ITINERA_DB_USER="$PGUSER" \
      ITINERA_JAVA_OPTS="$SERVER_OPTS" "${channels[@]}" ./itinera run > "$log-server.log" 2>&1 &
    srv=$!; pids+=("$srv")
    target="http://127.0.0.1:$HTTP_PORT" metrics="http://127.0.0.1:$MGMT_PORT/metrics"
    wait_http "$srv" "http://127.0.0.1:$MGMT_PORT/ready" 200 120
  fi
  echo "== round $round, $path: $rate events/s ($req requests/s of $per), warm-up ${warmup}s, window ${seconds}s"
  # The constant rate lasts the window plus 2 s before it and about 10 s after.
  local levels=$(( (seconds + 14) / 5 ))
  java $GATLING_OPTS -cp "$gatling_cp" -Dtarget="$target" -Dlabel="$path" -Drates="$req:0:$levels" -DwarmupSeconds="$warmup" \
    "${sim_opts[@]}" io.gatling.app.Gatling --simulation "io.itinera.loadtest.$sim" \
    --results-folder "$out/gatling" --no-reports > "$log-gatling.log" 2>&1 &
  gatling=$!; pids+=("$gatling")
  # The window starts from when Gatling starts injecting, not from when its JVM was launched.
  for _ in $(seq 1 120); do grep -q '^Simulation .* started' "$log-gatling.log" 2>/dev/null && break; sleep 0.5; done
  sleep $(( warmup + 2 ))
  local e0 p0 w0 a0 n0 t0 e1 p1 w1 a1 n1 t1 lags=""
  # Each end's readings take a moment (more on a busy machine): the clock is read first at both.
  t0=$(date +%s.%N); e0=$(ticks "$srv"); jit_ticks "$srv" > "$log-jit0"; postgres_ticks > "$log-pg0"; w0=$(wal); read -r a0 n0 < <(scrape "$metrics")
  [[ $path == entity ]] && n0=$(journal_rows "$db")
  [[ -n "$sink" ]] && curl -s -X POST "http://127.0.0.1:$SINK_PORT/reset"
  if (( legacy )); then
    # As before: each projection's lag p99 every 2 s while the rate is offered.
    for _ in $(seq 1 $(( seconds / 2 ))); do
      curl -s "$metrics" | awk '/^itinera_projection_lag_seconds\{.*quantile="0.99"/ { print $1, $2 }' >> "$out/lag.txt"
      sleep 2
    done
  else
    sleep "$seconds"
  fi
  t1=$(date +%s.%N); e1=$(ticks "$srv"); jit_ticks "$srv" > "$log-jit1"; postgres_ticks > "$log-pg1"; w1=$(wal); read -r a1 n1 < <(scrape "$metrics")
  [[ $path == entity ]] && n1=$(journal_rows "$db")
  local webhooks=-
  [[ -n "$sink" ]] && webhooks=$(curl -s "http://127.0.0.1:$SINK_PORT/report" | sed -n 's/^received=\([0-9]*\).*/\1/p')
  local la=- lo=-
  [[ $path != entity ]] && { la=$(lag_p99 "$metrics" analytics); lo=$(lag_p99 "$metrics" outbox); }
  wait "$gatling" || echo "(gatling exited with $? for $path; see $log-gatling.log)"
  sed -n '/^level/,/^RESULT/p' "$log-gatling.log" | grep -v '^RESULT' > "$log-levels.txt" || true
  awk -v OFS='\t' -v r="$round" -v p="$path" -v t0="$t0" -v t1="$t1" -v rate="$req" -v per="$per" -v hz="$HZ" \
    -v e=$(( e1 - e0 )) -v jit="$(ticks_delta "$log-jit0" "$log-jit1")" -v pg="$(ticks_delta "$log-pg0" "$log-pg1")" -v w=$(( w1 - w0 )) -v a0="$a0" -v a1="$a1" -v n0="$n0" -v n1="$n1" \
    -v wh="$webhooks" -v la="${la:--}" -v lo="${lo:--}" \
    'BEGIN { s = t1 - t0; n = rate * per * s
             printf "%s\t%s\t%.1f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%.0f\t%.0f\n", r, p, s, n, 1e6 * e / hz / n, 1e6 * pg / hz / n,
               w / n, (a1 - a0) / n, n1 - n0, wh, la, lo, 1e6 * jit / hz / n, 1e6 * (e - jit) / hz / n }' >> "$out/rows.tsv"
  tail -1 "$out/rows.tsv" | awk -F'\t' '{ printf "   %s s, %s events offered: engine %s us (JIT compiler %s us), postgres %s us, WAL %s B, allocated %s B per event; ingested %s, webhooks %s, lag p99 %s / %s s\n", $3, $4, $5, $13, $6, $7, $8, $9, $10, $11, $12 }'
  echo "   engine log: $(grep -c ' ERROR ' "$log-server.log" || true) ERROR and $(grep -c ' WARN ' "$log-server.log" || true) WARN lines"
  stop_pid "$gatling"; stop_pid "$srv"; [[ -n "$sink" ]] && stop_pid "$sink"; [[ -n "$analyzer" ]] && stop_pid "$analyzer"
  psql -q -c "drop database if exists $db with (force)" || true
  local keep=() d; for d in "${dbs[@]}"; do [[ $d == "$db" ]] || keep+=("$d"); done; dbs=("${keep[@]}")
}

for round in $(seq 1 "$rounds"); do
  for path in ${paths//,/ }; do
    row "$round" "$path"
  done
done

# ---- the older single row: its RESULT lines, as before ----------------------------------------------
if (( legacy )); then
  cat "$out/legacy-1-levels.txt"
  echo "(PostgreSQL: every postgres process alive at the end of the window, the benchmark's and others')"
  tail -1 "$out/rows.tsv" | awk -F'\t' -v r="$rate" '{ n = $4; s = $3
    printf "RESULT cost at %d/s over %.0f s: engine %.1f s CPU (%.0f us/touchpoint), postgres %.1f s CPU (%.0f us), WAL %.0f MB (%.0f bytes/touchpoint), allocated %.0f MB (%.0f bytes/touchpoint, with the lag samples'"'"' scrapes)\n",
      r, s, $5 * n / 1e6, $5, $6 * n / 1e6, $6, $7 * n / 1048576, $7, $8 * n / 1048576, $8 }' | tee "$out/cost.txt"
  for projection in analytics outbox; do
    grep "projection=\"$projection\"" "$out/lag.txt" 2>/dev/null | awk '{ print $2 }' | sort -g |
      awk -v p="$projection" '{ v[NR] = $1 } END { if (NR) printf "RESULT %s projection lag p99 over the window: median %.2f s, highest %.2f s (%d samples)\n", p, v[int((NR + 1) / 2)], v[NR], NR }'
  done
  exit 0
fi

# ---- the table: per path, median (min-max) over the rounds ------------------------------------------
{
  echo "| path | engine CPU µs/event | of it, the JIT compiler | engine without the JIT | PostgreSQL CPU µs/event | WAL B/event | allocated B/event |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for path in ${paths//,/ }; do
    awk -F'\t' -v p="$path" '
      function fmt(x) { x = sprintf("%.0f", x); while (x ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]$/, ",&", x); return x }
      function cell(c,    k, i, j, t, m) { k = 0
        for (i = 1; i <= n; i++) v[++k] = col[c, i]
        for (i = 2; i <= k; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
        m = (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
        return k > 1 ? fmt(m) " (" fmt(v[1]) "-" fmt(v[k]) ")" : fmt(m) }
      NR > 1 && $2 == p { n++; for (c = 5; c <= 14; c++) col[c, n] = $c }
      END { if (n) printf "| %s | %s | %s | %s | %s | %s | %s |\n", p, cell(5), cell(13), cell(14), cell(6), cell(7), cell(8) }' "$out/rows.tsv"
  done
  echo
  echo "Median (min-max) over $rounds rounds, $rate events/s on every path (batch: $batch_size events per request)," \
    "${seconds} s windows after ${warmup} s of warm-up, each (path, round) on a fresh server and database;" \
    "$(sed 's/^== machine: //' "$out/machine.txt"), load at the end $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M') UTC."
  awk -F'\t' 'NR > 1 && ($9 < 0.95 * $4 || ($10 != "-" && $10 < 0.95 * $4)) { bad = bad sprintf("%s%s round %s (%s of %s events %s)", bad ? "; " : "", $2, $1, ($10 != "-" && $10 < 0.95 * $4) ? $10 : $9, $4, ($10 != "-" && $10 < 0.95 * $4) ? "delivered" : "recorded") }
    END { if (bad) print "\nNOT KEPT UP, so not a cost below saturation: " bad "." }' "$out/rows.tsv"
} > "$out/table.md"
echo
cat "$out/table.md"
echo
echo "Per (path, round), with the events ingested and webhooks received in the window and the lag p99 at its end ($out/rows.tsv):"
column -t -s $'\t' "$out/rows.tsv"
echo "logs: $out"
