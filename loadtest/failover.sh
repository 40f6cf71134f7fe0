#!/usr/bin/env bash
# SIGKILL failover, repeated: runs the engine's ClusterFaultTest RUNS times (three node JVMs on one
# fresh PostgreSQL database, 30 customers writing every 200 ms through the live nodes; the oldest
# node, which runs the shard coordinator, is SIGKILLed) and reports, per run and over all runs, how
# long after the kill the killed node's customers had a touchpoint acknowledged again (max and
# median over those customers). Issue 20's reach: max at most 7 s in every run.
#
#   loadtest/failover.sh [RUNS=3] ["-Dpekko.cluster.split-brain-resolver.stable-after=2s ..."]
#
# The second argument passes options to the nodes, to measure other settings. Needs PostgreSQL on
# 127.0.0.1:5432 and Maven; each run takes 2-3 minutes. Output: stdout and
# loadtest/target/failover-<time>/ (each run's FAULT lines and the test's output).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd); cd "$root"
runs=${1:-3}; options=${2:-}
out="$here/target/failover-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$out"
echo "== failover: $runs runs of ClusterFaultTest${options:+ with node options: $options}; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$runs"); do
  mvn -B -q -o -Dstyle.color=never -pl engine -am verify -Dtest=ClusterFaultTest \
    -Dsurefire.failIfNoSpecifiedTests=false -Djacoco.skip=true -Dspotless.check.skip=true \
    ${options:+"-Ditinera.fault.node-options=$options"} > "$out/run-$run.log" 2>&1 || echo "run $run: the test failed (see $out/run-$run.log)"
  cp engine/target/surefire-reports/io.itinera.engine.fault.ClusterFaultTest-output.txt "$out/run-$run-output.txt" 2>/dev/null || true
  line=$(grep -h "FAULT SIGKILL" "$out/run-$run-output.txt" 2>/dev/null || echo "no SIGKILL line")
  echo "run $run (load $(cut -d' ' -f1 /proc/loadavg)): ${line#FAULT }" | tee -a "$out/results.txt"
done
grep -o 'again [0-9.]* s (max) / [0-9.]* s (median)' "$out/results.txt" | awk '
  { max = $2 + 0; med = $6 + 0; n++; if (max > worst) worst = max; s = s sep max; sep = ", " }
  END { if (n) printf "RESULT failover over %d runs: max %s s (worst %.1f s; reach: at most 7 s in every run)\n", n, s, worst }' | tee -a "$out/results.txt"
