#!/usr/bin/env bash
# Closed-model comparison of two ingest servers with wrk (issue 21, "reproducible comparisons"):
# N keep-alive connections, each sending its next request as soon as the last is answered, so the
# figure is the throughput the server sustains, with a generator much lighter than Gatling. Both
# servers of a comparison A:B run side by side, each a fresh process on a fresh database; each is
# warmed once, then rounds alternate A B A B ... and the verdict is the median ratio A/B of events/s
# over the round pairs, with its range. Put the server under test first: `track:entity` reads as
# "track reaches 0.97x the bare entity".
#
#   loadtest/closed-model.sh [options] A:B [C:D ...]      targets: entity track journeys batch
#
#   --rounds N       rounds per side (default 3)        --seconds S   per round (default 15)
#   --warmup S       wrk per server before the rounds (default 30)
#   --connections N  wrk's keep-alive connections (default 128; one wrk thread, --threads N)
#   --batch-size N   events per /v1/batch request (default 100)   --customers N (default 10000)
#   --fresh          disable autovacuum on every table: the rounds run on tables without statistics
#   --analyze        ANALYZE both databases once, after the warm-up
#   --keep-db        leave the databases (dropped by default)
#
# Targets: entity = the bare sharded event-sourced entity (ceiling; BareEntityServer), track = the
# engine without journeys (an empty ITINERA_JOURNEYS_DIR), journeys = the engine with the samples it
# ships and loadtest/journeys/*.yaml deployed (as run-benchmarks.sh), batch = the engine without
# journeys on /v1/batch. Every event is the same running-shoe product view (loadtest/closed-model.lua)
# over --customers userIds, with a unique messageId. No ANALYZE runs during the rounds unless asked.
#
# Both servers get -Dpekko.http.server.backlog=1024 (CLOSED_BACKLOG): wrk connects all at once.
# Per round: events/s (2xx answers x events per request), p50/p99 latency, non-2xx answers, socket
# errors, TCP listen-queue overflows/drops (nstat, machine-wide), wrk's CPU, and the server's and
# PostgreSQL's CPU per event (from /proc). A round is INVALID when the client may be the limit: any
# listen overflow or drop, any connect error, or wrk over 80% of a core.
#
# Needs wrk (apt-get install wrk), nstat (iproute2), a built tree (./itinera build, or
# mvn -B -q -pl loadtest -am package -DskipTests) and PostgreSQL on 127.0.0.1:5432 (trust auth;
# PGHOST/PGPORT/PGUSER). ITINERA_ENGINE_DIR=/other/checkout runs that tree's engine;
# ENGINE_EXTRA_OPTS adds JVM options to the engine. Ports: CLOSED_PORT_BASE (18180) + 10 x slot for
# HTTP, + 1 for management, CLOSED_REMOTE_BASE (25630) + slot for remoting, two slots per
# comparison; databases CLOSED_DB_PREFIX (itinera_closed_)<time>_*. Output: results.txt (all of the
# above), table.md (a fragment for docs/benchmarks.md) and logs in loadtest/target/closed-<time>/.
# Everything started here is stopped on exit; a watchdog bounds the run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"   # wait_http, start_watchdog, stop_started
root=$(cd "$here/.." && pwd)
cd "$root"
engine_dir=${ITINERA_ENGINE_DIR:-$root}

rounds=3 seconds=15 warmup=30 connections=128 threads=1 batch_size=100 customers=10000
fresh=0 analyze=0 keep_db=0
comparisons=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --connections) connections=$2; shift ;;
    --threads) threads=$2; shift ;;
    --batch-size) batch_size=$2; shift ;;
    --customers) customers=$2; shift ;;
    --fresh) fresh=1 ;;
    --analyze) analyze=1 ;;
    --keep-db) keep_db=1 ;;
    -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
    *:*) comparisons+=("$1") ;;
    *) echo "unknown argument: $1 (a comparison is A:B, e.g. track:entity)" >&2; exit 2 ;;
  esac
  shift
done
[[ ${#comparisons[@]} -gt 0 ]] || { echo "usage: $0 [options] A:B [C:D ...]  (--help)" >&2; exit 2; }
for cmp in "${comparisons[@]}"; do
  for t in "${cmp%%:*}" "${cmp#*:}"; do
    [[ $t =~ ^(entity|track|journeys|batch)$ ]] || { echo "unknown target '$t' in $cmp: entity, track, journeys or batch" >&2; exit 2; }
  done
done
if [[ $connections -gt ${CLOSED_BACKLOG:-1024} ]]; then
  echo "warning: $connections connections over the servers' listen backlog (${CLOSED_BACKLOG:-1024}): set CLOSED_BACKLOG" >&2
fi
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk (Debian's wrk 4.1)" >&2; exit 1; }
command -v nstat >/dev/null || { echo "nstat not found: apt-get install iproute2" >&2; exit 1; }

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
PORT_BASE=${CLOSED_PORT_BASE:-18180}
REMOTE_BASE=${CLOSED_REMOTE_BASE:-25630}
DB_PREFIX=${CLOSED_DB_PREFIX:-itinera_closed_}
# The engine's own heap (./itinera run), for every server, and a listen backlog above the
# connections: wrk opens them all at once at the start of every run, and with Pekko HTTP's default
# backlog of 100, 26 and 27 of 128 connections overflowed the queue (a smoke run) and waited for a
# SYN retry (1 s): an artefact of starting the round, not the server's limit. CLOSED_BACKLOG sets it.
BACKLOG=${CLOSED_BACKLOG:-1024}
SERVER_OPTS="-Xms512m -Xmx2g -Dpekko.http.server.backlog=$BACKLOG"
WRK_CPU_LIMIT=80              # % of one core per wrk thread (on average) above which the client may be the limit
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$here/target/closed-$stamp"
mkdir -p "$out"
results="$out/results.txt"
table="$out/table.md"
: > "$results"
: > "$table"
say() { echo "$*" | tee -a "$results"; }
# psql, retried: PostgreSQL's connection slots are shared (FATAL: too many clients already).
pg() {
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    psql "$@" && return 0
    sleep 1
  done
  return 1
}
jdbc() { echo "jdbc:postgresql://$PGHOST:$PGPORT/$1?reWriteBatchedInserts=true"; }
HZ=$(getconf CLK_TCK)

# ---- everything started here is stopped on exit, by its pid -------------------------------------
pids=()     # servers
wrks=()     # subshells running wrk (wrk itself is their child)
dbs=()
watchdog=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${wrks[@]}"; do
    pkill -P "$pid" 2>/dev/null || true
  done
  stop_started
  if [[ $keep_db -eq 0 ]]; then
    for db in "${dbs[@]}"; do
      pg -q -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
    done
  fi
  exit $status
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM
# Start-up (up to 2 minutes a pair), warm-up, rounds with their bookkeeping, and a margin.
deadline=$(( 60 + ${#comparisons[@]} * (150 + 2 * (warmup + 10) + 2 * rounds * (seconds + 15)) ))
start_watchdog "$deadline" closed-model

# ---- CPU accounting from /proc ------------------------------------------------------------------
ticks_of() { # utime+stime of the given pids, in clock ticks (0 for a pid that is gone)
  local sum=0 pid t
  for pid in "$@"; do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null) || continue
    sum=$(( sum + ${t:-0} ))
  done
  echo $sum
}
postgres_ticks() { # every live postgres process: the two servers' backends, background workers, others'
  local sum=0 f line
  for f in /proc/[0-9]*/stat; do
    { read -r line < "$f"; } 2>/dev/null || continue
    [[ $line == *"(postgres)"* ]] || continue
    sum=$(( sum + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' <<<"$line") ))
  done
  echo $sum
}
backends_of() { pg -Atc "select pid from pg_stat_activity where datname = '$1'" 2>/dev/null | tr '\n' ' '; }
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
now_ms() { date +%s%3N; }
listen_counters() { # "overflows drops", machine-wide (every process's listen queues)
  nstat -azs TcpExtListenOverflows TcpExtListenDrops 2>/dev/null |
    awk '$1 == "TcpExtListenOverflows" { o = $2 } $1 == "TcpExtListenDrops" { d = $2 } END { print o + 0, d + 0 }'
}


# ---- build and inputs ---------------------------------------------------------------------------
"$engine_dir/itinera" build-if-stale
[[ -d "$here/target/lib" && -d "$here/target/classes/io/itinera/loadtest/ceiling" ]] ||
  { echo "loadtest not built: mvn -B -q -pl loadtest -am package -DskipTests" >&2; exit 1; }
loadtest_cp="$here/target/classes:$here/target/lib/*"
none_dir="$out/journeys-none"
five_dir="$out/journeys-five"
mkdir -p "$none_dir" "$five_dir"
cp "$engine_dir"/journeys/*.journey.yaml "$here"/journeys/*.journey.yaml "$five_dir"/
autovacuum=$(pg -Atc 'show autovacuum')
tree="$(git -C "$engine_dir" rev-parse --short HEAD)$(git -C "$engine_dir" diff --quiet HEAD -- . 2>/dev/null || echo '+changes')"

say "== closed-model comparison $stamp: ${comparisons[*]}"
say "== machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2/1048576 }' /proc/meminfo)," \
  "$(java -version 2>&1 | head -1), PostgreSQL $(pg -Atc 'show server_version'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg), engine tree $tree"
say "== wrk: $connections keep-alive connections, $threads thread(s); $warmup s warm-up per server, then $rounds rounds" \
  "of $seconds s per server, alternating; $customers customers; batch: $batch_size events per request;" \
  "servers: $SERVER_OPTS"
say "== journeys target: $(ls "$five_dir" | wc -l) journey files ($(ls "$five_dir" | sed 's/\.journey\.yaml$//' | tr '\n' ' ' | sed 's/ $//'))"
case "$fresh$analyze" in
  00) stats="no ANALYZE by this script; autovacuum is $autovacuum on this server$([[ $autovacuum == off ]] && echo ', so the tables keep no statistics' || echo ', so it may analyse a table during a round')" ;;
  10) stats="--fresh: autovacuum disabled on every table (server setting: $autovacuum), no ANALYZE: no statistics" ;;
  01) stats="--analyze: ANALYZE once after the warm-up; autovacuum is $autovacuum on this server" ;;
  11) stats="--fresh --analyze: statistics of the warmed tables, from one ANALYZE after the warm-up, kept (autovacuum disabled on every table)" ;;
esac
say "== statistics: $stats"
if [[ $rounds -lt 3 || $seconds -lt 10 ]]; then
  say "== SMOKE run (fewer than 3 rounds or rounds under 10 s): not a measurement"
fi

# ---- servers ------------------------------------------------------------------------------------
path_of() { [[ $1 == batch ]] && echo /v1/batch || echo /v1/track; }
per_request() { [[ $1 == batch ]] && echo "$batch_size" || echo 1; }
declare -A SRV_PID SRV_URL SRV_DB
start_server() { # slot target: a fresh database and a fresh process, in the background
  local slot=$1 target=$2
  local http=$(( PORT_BASE + 10 * slot )) mgmt=$(( PORT_BASE + 10 * slot + 1 )) remote=$(( REMOTE_BASE + slot ))
  local db="${DB_PREFIX}${stamp//-/_}_${slot}_${target}" log="$out/server-$slot-$target.log"
  pg -q -c "create database $db"
  dbs+=("$db")
  if [[ $target == entity ]]; then
    java $SERVER_OPTS -cp "$loadtest_cp" io.itinera.loadtest.ceiling.BareEntityServer "$(jdbc "$db")" "$http" > "$log" 2>&1 &
  else
    local journeys=$none_dir
    [[ $target == journeys ]] && journeys=$five_dir
    ITINERA_JOURNEYS_DIR="$journeys" ITINERA_HTTP_PORT=$http ITINERA_MANAGEMENT_PORT=$mgmt ITINERA_REMOTE_PORT=$remote \
      ITINERA_HTTP_INTERFACE=127.0.0.1 ITINERA_RATE_LIMIT_INGEST=1000000 ITINERA_DB_URL="$(jdbc "$db")" ITINERA_DB_USER="$PGUSER" \
      ITINERA_JAVA_OPTS="$SERVER_OPTS ${ENGINE_EXTRA_OPTS:-}" "$engine_dir/itinera" run > "$log" 2>&1 &
  fi
  SRV_PID[$slot]=$!
  SRV_URL[$slot]="http://127.0.0.1:$http"
  SRV_DB[$slot]=$db
  pids+=("${SRV_PID[$slot]}")
}
await_server() { # slot target
  local slot=$1 target=$2
  if [[ $target == entity ]]; then
    wait_http "${SRV_PID[$slot]}" "${SRV_URL[$slot]}/v1/track" 200 120 -X POST -H 'Content-Type: application/json' \
      -d '{"userId":"probe","event":"Probe","messageId":"probe-1"}'
  else
    wait_http "${SRV_PID[$slot]}" "http://127.0.0.1:$(( PORT_BASE + 10 * slot + 1 ))/ready" 200 120
  fi
}
stop_server() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}

# ---- one wrk run ----------------------------------------------------------------------------------
# Sets W (associative): requests, duration_us, p50_us, p99_us, connect, read, write, status,
# timeout from the script's CLOSED line, and cpu_ticks (wrk's user+system, from its subshell's
# `times`).
declare -A W
run_wrk() { # label slot target seconds
  local label=$1 slot=$2 target=$3 secs=$4
  local log="$out/wrk-$label.log" batch=0 sub
  [[ $target == batch ]] && batch=$batch_size
  (
    rc=0
    wrk -t "$threads" -c "$connections" -d "${secs}s" --timeout 10s --latency -s "$here/closed-model.lua" \
      "${SRV_URL[$slot]}" -- "$(path_of "$target")" "$stamp-$label" "$batch" "$customers" "$RANDOM$RANDOM" > "$log" 2>&1 || rc=$?
    times > "$log.times"
    exit $rc
  ) &
  sub=$!
  wrks+=("$sub")
  wait "$sub" || echo "   (wrk exited with $? for $label; see $log)" | tee -a "$results"
  W=()
  local kv
  for kv in $(grep -m1 '^CLOSED ' "$log" | cut -d' ' -f2-); do W[${kv%%=*}]=${kv#*=}; done
  [[ -n "${W[requests]:-}" ]] || { echo "no result from wrk for $label; see $log" >&2; cat "$log" >&2; exit 1; }
  # `times` in the subshell: its own line, then its children's (wrk) user and system time.
  W[cpu_ticks]=$(awk -v hz="$HZ" 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }; printf "%d\n", t * hz }' "$log.times")
}

# ---- a round: wrk against one server, with the machine's accounting around it --------------------
# Results per round in R[key,c,slot,round]; the line printed is also in results.txt.
declare -A R
round() { # c slot target round label
  local c=$1 slot=$2 target=$3 r=$4 name=$5
  local pid=${SRV_PID[$slot]} db=${SRV_DB[$slot]} per; per=$(per_request "$target")
  # Every round starts from a checkpoint, so none falls inside one by chance.
  pg -q -c checkpoint || echo "   (no checkpoint before this round: PostgreSQL refused the connection)"
  local backends0 backends1 pid_b
  backends0=$(backends_of "$db")
  declare -A b0=()
  for pid_b in $backends0; do b0[$pid_b]=$(ticks_of "$pid_b"); done
  local t0 busy0 srv0 pg0 listen0
  t0=$(now_ms); busy0=$(busy_ticks); srv0=$(ticks_of "$pid"); pg0=$(postgres_ticks); listen0=$(listen_counters)
  run_wrk "c$c-$name-r$r" "$slot" "$target" "$seconds"
  # The end of the window: everything read at once, the backends' list (a query) after.
  local ms=$(( $(now_ms) - t0 )) busy=$(( $(busy_ticks) - busy0 )) srv=$(( $(ticks_of "$pid") - srv0 ))
  local pg_all=$(( $(postgres_ticks) - pg0 )) listen1; listen1=$(listen_counters)
  local pg_own=0 now
  for pid_b in $backends0; do
    now=$(ticks_of "$pid_b")
    if [[ $now -gt 0 ]]; then pg_own=$(( pg_own + now - ${b0[$pid_b]} )); fi
  done
  # Backends opened during the round (a pool growing): all their time, which is the round's.
  backends1=$(backends_of "$db")
  for pid_b in $backends1; do
    if [[ -z "${b0[$pid_b]:-}" ]]; then pg_own=$(( pg_own + $(ticks_of "$pid_b") )); fi
  done
  local overflows=$(( ${listen1% *} - ${listen0% *} )) drops=$(( ${listen1#* } - ${listen0#* } ))
  local wrk_ticks=${W[cpu_ticks]}
  local other=$(( busy - srv - pg_all - wrk_ticks ))
  if [[ $other -lt 0 ]]; then other=0; fi
  local line
  line=$(awk -v req="${W[requests]}" -v dur="${W[duration_us]}" -v st="${W[status]}" -v per="$per" \
      -v p50="${W[p50_us]}" -v p99="${W[p99_us]}" -v srv="$srv" -v pg="$pg_own" -v pgall="$pg_all" -v wrk="$wrk_ticks" \
      -v other="$other" -v ms="$ms" -v hz="$HZ" -v threads="$threads" -v lim="$WRK_CPU_LIMIT" \
      -v conn="${W[connect]}" -v rd="${W[read]}" -v wr="${W[write]}" -v to="${W[timeout]}" -v ov="$overflows" -v dr="$drops" '
    BEGIN {
      s = dur / 1e6; ok = req - st; ev = ok * per / s; us = 1e6 / hz
      eng = ok > 0 ? srv * us / (ok * per) : 0; pgb = ok > 0 ? pg * us / (ok * per) : 0; pga = ok > 0 ? pgall * us / (ok * per) : 0
      wrkpct = 100 * wrk / hz / (ms / 1000)
      why = ""
      if (ov + dr > 0) why = why sprintf(", %d listen overflows/%d drops", ov, dr)
      if (conn > 0) why = why sprintf(", %d connect errors", conn)
      if (wrkpct / threads > lim) why = why sprintf(", wrk %.0f%% of a core", wrkpct)
      # key=value pairs for the summary, then the human line
      printf "ev=%.1f rps=%.1f p50=%.1f p99=%.1f eng=%.0f pg=%.0f pgall=%.0f wrk=%.0f other=%.0f non2xx=%d invalid=%s|", ev, req / s, p50 / 1000, p99 / 1000, eng, pgb, pga, wrkpct, 100 * other / hz / (ms / 1000), st, (why == "" ? "-" : "yes")
      printf "%s req/s%s  p50 %.1f ms  p99 %.1f ms  non-2xx %d  socket errors connect %d read %d write %d timeout %d  listen overflows %d drops %d  wrk %.0f%% of a core  CPU per event: server %.0f us, postgres %.0f us (its backends; %s all postgres)  other processes %.0f%% of a core  %s",
        (per > 1 ? sprintf("%.0f", req / s) : sprintf("%.0f", ev)), (per > 1 ? sprintf(" = %.0f events/s", ev) : ""),
        p50 / 1000, p99 / 1000, st, conn, rd, wr, to, ov, dr, wrkpct, eng, pgb, (pga >= 0 ? sprintf("%.0f us", pga) : "n/a: processes exited"), 100 * other / hz / (ms / 1000),
        (why == "" ? "valid" : "INVALID (client-limited" why ")") (other / hz / (ms / 1000) > 0.3 ? " CONTENDED" : "") }')
  local kv
  for kv in ${line%%|*}; do R[${kv%%=*},$c,$slot,$r]=${kv#*=}; done
  R[why,$c,$slot,$r]=$(sed -n 's/.*INVALID (client-limited, \(.*\))\( CONTENDED\)\{0,1\}$/\1/p' <<<"${line#*|}")
  say "   round $r $(printf '%-8s' "$name") ${line#*|}"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else printf "%.2f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }'; }
commas() { awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s }'; }

# ---- the comparisons ------------------------------------------------------------------------------
c=0
for cmp in "${comparisons[@]}"; do
  a=${cmp%%:*} b=${cmp#*:}
  sa=$(( 2 * c )) sb=$(( 2 * c + 1 ))
  na=$a nb=$b
  if [[ $a == "$b" ]]; then na="$a-1" nb="$b-2"; fi
  say ""
  say "== $cmp: $na (slot $sa, ${PORT_BASE}+$(( 10 * sa ))) against $nb (slot $sb), each a fresh process on a fresh database"
  start_server "$sa" "$a"
  start_server "$sb" "$b"
  await_server "$sa" "$a"
  await_server "$sb" "$b"
  if [[ $fresh -eq 1 ]]; then
    for s in "$sa" "$sb"; do
      pg -d "${SRV_DB[$s]}" -Atc "select format('alter table %I.%I set (autovacuum_enabled = false);', schemaname, relname) from pg_stat_user_tables" |
        pg -q -d "${SRV_DB[$s]}"
    done
  fi
  say "   warm-up: $warmup s of wrk each ($na, then $nb)"
  for spec in "$sa $a $na" "$sb $b $nb"; do
    read -r s t n <<<"$spec"
    run_wrk "c$c-$n-warmup" "$s" "$t" "$warmup"
    say "   warm-up $(printf '%-8s' "$n") $(awk -v r="${W[requests]}" -v d="${W[duration_us]}" -v p="$(per_request "$t")" 'BEGIN { printf "%.0f events/s", r * p / (d / 1e6) }'), non-2xx ${W[status]}, socket errors $(( ${W[connect]} + ${W[read]} + ${W[write]} + ${W[timeout]} ))"
  done
  if [[ $analyze -eq 1 ]]; then
    for s in "$sa" "$sb"; do pg -q -d "${SRV_DB[$s]}" -c analyze; done
    say "   ANALYZE run on both databases"
  fi
  for r in $(seq 1 "$rounds"); do
    round "$c" "$sa" "$a" "$r" "$na"
    round "$c" "$sb" "$b" "$r" "$nb"
  done

  # ---- verdict ----
  ratios=() eng_ratios=() pg_ratios=() invalid=() non2xx=0 contended=0
  for r in $(seq 1 "$rounds"); do
    ratios+=("$(awk -v x="${R[ev,$c,$sa,$r]}" -v y="${R[ev,$c,$sb,$r]}" 'BEGIN { printf "%.3f", (y > 0 ? x / y : 0) }')")
    eng_ratios+=("$(awk -v x="${R[eng,$c,$sa,$r]}" -v y="${R[eng,$c,$sb,$r]}" 'BEGIN { printf "%.3f", (y > 0 ? x / y : 0) }')")
    pg_ratios+=("$(awk -v x="${R[pg,$c,$sa,$r]}" -v y="${R[pg,$c,$sb,$r]}" 'BEGIN { printf "%.3f", (y > 0 ? x / y : 0) }')")
    for s in "$sa" "$sb"; do
      if [[ ${R[invalid,$c,$s,$r]} == yes ]]; then
        invalid+=("round $r $([[ $s == "$sa" ]] && echo "$na" || echo "$nb"): ${R[why,$c,$s,$r]}")
      fi
      non2xx=$(( non2xx + ${R[non2xx,$c,$s,$r]} ))
      if [[ ${R[other,$c,$s,$r]} -gt 30 ]]; then contended=$(( contended + 1 )); fi
    done
  done
  med=$(printf '%s\n' "${ratios[@]}" | median); rng=$(printf '%s\n' "${ratios[@]}" | range)
  emed=$(printf '%s\n' "${eng_ratios[@]}" | median); erng=$(printf '%s\n' "${eng_ratios[@]}" | range)
  pmed=$(printf '%s\n' "${pg_ratios[@]}" | median); prng=$(printf '%s\n' "${pg_ratios[@]}" | range)
  for s in "$sa" "$sb"; do
    analysed=$(pg -d "${SRV_DB[$s]}" -Atc "select count(*) filter (where coalesce(last_analyze, last_autoanalyze) is not null) || ' of ' || count(*) || ' tables analysed' || coalesce(' (' || string_agg(relname, ', ' order by relname) filter (where last_autoanalyze is not null) || ' by autovacuum)', '') from pg_stat_user_tables" 2>/dev/null || echo '?')
    say "   statistics of $([[ $s == "$sa" ]] && echo "$na" || echo "$nb")'s database at the end: $analysed"
    say "   $([[ $s == "$sa" ]] && echo "$na" || echo "$nb") log: $(grep -c ' ERROR ' "$out/server-$s-$([[ $s == "$sa" ]] && echo "$a" || echo "$b").log" || true) ERROR and $(grep -c ' WARN ' "$out/server-$s-$([[ $s == "$sa" ]] && echo "$a" || echo "$b").log" || true) WARN lines"
  done
  verdict="VALID"
  if [[ ${#invalid[@]} -gt 0 ]]; then
    verdict="INVALID: the client, not the server, may have been the limit in ${#invalid[@]} round(s) ($(printf '%s; ' "${invalid[@]}" | sed 's/; $//')); rerun with fewer connections or on an idle machine (listen overflows are counted machine-wide: another process's full queue counts too)"
  fi
  if [[ $contended -gt 0 ]]; then
    verdict="$verdict; other processes used over 30% of a core in $contended of $(( 2 * rounds )) rounds (CONTENDED): the machine was not idle"
  fi
  if [[ $non2xx -gt 0 ]]; then verdict="$verdict; $non2xx non-2xx answers (not counted in events/s)"; fi
  if [[ $rounds -lt 3 || $seconds -lt 10 ]]; then verdict="$verdict; SMOKE run, not a measurement"; fi
  say "RESULT $na / $nb events/s: median $med (range $rng over $rounds round pairs)" \
    "| server CPU per event $na / $nb: median $emed ($erng) | postgres CPU per event (own backends): median $pmed ($prng) | $verdict"

  # ---- markdown fragment ----
  {
    echo "**$na : $nb**$([[ $rounds -lt 3 || $seconds -lt 10 ]] && echo ' (SMOKE figures, not a measurement)'), closed model (\`loadtest/closed-model.sh $cmp\`," \
      "wrk, $connections connections, $threads thread, $seconds s rounds alternating after $warmup s of warm-up each), $stamp UTC, tree $tree, $(nproc) cores; statistics: $stats."
    echo
    echo "| round | $na events/s | p50 / p99 ms | server / PG µs per event | $nb events/s | p50 / p99 ms | server / PG µs per event | $na / $nb | client |"
    echo "|---|---:|---|---|---:|---|---|---:|---|"
    for r in $(seq 1 "$rounds"); do
      client="ok"
      for s in "$sa" "$sb"; do
        if [[ ${R[invalid,$c,$s,$r]} == yes ]]; then
          [[ $client == ok ]] && client="INVALID:" || client="$client;"
          client="$client $([[ $s == "$sa" ]] && echo "$na" || echo "$nb") ${R[why,$c,$s,$r]}"
        fi
      done
      cells=()
      for s in "$sa" "$sb"; do
        cells+=("$(commas "${R[ev,$c,$s,$r]}") | ${R[p50,$c,$s,$r]} / ${R[p99,$c,$s,$r]} | $(commas "${R[eng,$c,$s,$r]}") / $(commas "${R[pg,$c,$s,$r]}")")
      done
      echo "| $r | ${cells[0]} | ${cells[1]} | $(printf "%.2f" "${ratios[$(( r - 1 ))]}") | $client (wrk ${R[wrk,$c,$sa,$r]}% / ${R[wrk,$c,$sb,$r]}%, others ${R[other,$c,$sa,$r]}% / ${R[other,$c,$sb,$r]}% of a core) |"
    done
    echo
    echo "Median $na / $nb: **$med** (range $rng over $rounds round pairs); server CPU per event $na / $nb: $emed ($erng);" \
      "PostgreSQL CPU per event (the server's own backends): $pmed ($prng). $verdict."
    echo
  } >> "$table"

  stop_server "${SRV_PID[$sa]}"
  stop_server "${SRV_PID[$sb]}"
  c=$(( c + 1 ))
done

say ""
say "== markdown fragment for docs/benchmarks.md ($table):"
say ""
tee -a "$results" < "$table"
echo "logs and results: $out"
