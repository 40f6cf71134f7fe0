# Helpers the loadtest scripts share; sourced, not run. They use $out (the run's output folder)
# and $PGHOST/$PGPORT/$PGUSER as the scripts set them.

# Waits until URL answers CODE (curl's extra arguments after the fourth: a method, headers, a
# body), at most SECONDS; fails at once when PID has exited (its log is in $out).
wait_http() { # pid url code seconds [curl args...]
  local pid=$1 url=$2 code=$3 secs=$4; shift 4
  for _ in $(seq 1 $(( secs * 2 ))); do
    kill -0 "$pid" 2>/dev/null || { echo "pid $pid exited; see its log in $out" >&2; return 1; }
    [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$@" "$url" || true)" == "$code" ]] && return 0
    sleep 0.5
  done
  echo "no $code from $url within ${secs}s" >&2
  return 1
}

# The shared test server runs with autovacuum off: without statistics PostgreSQL plans the journal's
# eventsByTag polls for empty tables and each poll reads the tag's whole history. Starts a loop
# that runs ANALYZE on DB every 10 s in its stead when autovacuum is off (production keeps it on;
# docs/operations.md) and prints its pid; prints nothing when autovacuum is on.
start_analyze_loop() { # db
  [[ "$(psql -Atc 'show autovacuum')" == "off" ]] || return 0
  ( while sleep 10; do psql -q -d "$1" -c analyze >/dev/null 2>&1 || true; done ) >/dev/null 2>&1 &
  echo $!
}

# The webhook receiver (delivery/WebhookSink) on PORT, its log in LOG; sets $sink to its pid and
# waits for it to answer.
start_webhook_sink() { # port log classpath
  java -Xms256m -Xmx1g -cp "$3" io.itinera.loadtest.delivery.WebhookSink "$1" > "$2" 2>&1 &
  sink=$!
  pids+=("$sink")
  wait_http "$sink" "http://127.0.0.1:$1/report" 200 30
}

# Ends the script with TERM after SECONDS, saying that NAME overstayed; sets $watchdog to its pid.
start_watchdog() { # seconds name
  ( sleep "$1"; echo "$2: over $1 s, stopping" >&2; kill -TERM $$ ) &
  watchdog=$!
}

# Stops what the script started: the watchdog first (so that it does not report its sleep's end),
# then every pid in $pids (TERM, then KILL after 10 s). For the scripts' EXIT traps.
stop_started() {
  if [[ -n "${watchdog:-}" ]]; then
    local sleeper; sleeper=$(pgrep -P "$watchdog" || true)
    kill "$watchdog" 2>/dev/null || true
    [[ -n "$sleeper" ]] && kill $sleeper 2>/dev/null || true
  fi
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  done
  return 0
}
