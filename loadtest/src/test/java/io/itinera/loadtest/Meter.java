package io.itinera.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Per-level statistics of a staircase (open model: level i offers {@code rates[i]} requests/s for
 * {@code levelSeconds}), beside Gatling's own whole-run summary, which mixes all the levels.
 *
 * <p>For each level, over its steady part (its first second skipped): the offered rate, the
 * achieved rate (OK responses completed in that part per second), the latency percentiles of the
 * requests started in it, and the failures. A level is <em>held</em> when the achieved rate is at
 * least 95% of the offered one, nothing failed and p99 is within the SLO. The figure a run reports
 * is the highest held level (its events/s and latencies) and the peak achieved rate over all
 * levels. The staircase stops itself after two levels in a row whose arrivals it did not keep up
 * with, or when more requests are in flight than about three seconds' worth, so overload never runs
 * long (a latency spike alone does not stop it: JIT and GC make those at low levels too).
 *
 * <p>Output: a table on stdout and one line {@code
 * RESULT|label|req/s|events/s|p50|p95|p99|peakEvents/s|failures|note} for run-benchmarks.sh.
 */
final class Meter {

  private final String label;
  private final int eventsPerRequest;
  private final int[] rates;
  private final int levelSeconds;
  private final double sloP99Millis;

  // Per request, in arrival order: start and end offsets from the first start (micros) and OK.
  private long[] starts = new long[1 << 20];
  private long[] ends = new long[1 << 20];
  private boolean[] oks = new boolean[1 << 20];
  private int count;
  private long origin = -1;
  private long started;
  // Requests started per 10 ms since the origin, to know which ones are still unanswered.
  private int[] startBuckets = new int[1 << 14];
  private volatile boolean stop;
  private volatile String stopReason = "";
  private int evaluatedLevels;
  private int failedLevels;
  private final ScheduledExecutorService evaluator =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "meter");
            t.setDaemon(true);
            return t;
          });

  private final long warmupMicros;

  Meter(
      String label,
      int eventsPerRequest,
      int[] rates,
      int levelSeconds,
      int warmupSeconds,
      double sloP99Millis) {
    this.warmupMicros = warmupSeconds * 1_000_000L;
    this.label = label;
    this.eventsPerRequest = eventsPerRequest;
    this.rates = rates;
    this.levelSeconds = levelSeconds;
    this.sloP99Millis = sloP99Millis;
    evaluator.scheduleAtFixedRate(this::evaluate, 250, 250, TimeUnit.MILLISECONDS);
  }

  /** Called when a request is about to be sent; returns its start time. */
  synchronized long start() {
    long now = System.nanoTime();
    if (origin < 0) {
      origin = now;
    }
    started++;
    int bucket = (int) ((now - origin) / 10_000_000L);
    if (bucket >= startBuckets.length) {
      startBuckets = Arrays.copyOf(startBuckets, Math.max(bucket + 1, startBuckets.length * 2));
    }
    startBuckets[bucket]++;
    return now;
  }

  synchronized void record(long startNanos, boolean ok) {
    long now = System.nanoTime();
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      ends = Arrays.copyOf(ends, count * 2);
      oks = Arrays.copyOf(oks, count * 2);
    }
    starts[count] = (startNanos - origin) / 1000;
    ends[count] = (now - origin) / 1000;
    oks[count] = ok;
    count++;
  }

  boolean shouldStop() {
    return stop;
  }

  String stopReason() {
    return stopReason;
  }

  record Level(
      int index,
      int offered,
      double achieved,
      int startedInWindow,
      int failed,
      int unfinished,
      double p50,
      double p95,
      double p99,
      boolean held) {}

  /** Statistics of level i from what is recorded so far (unfinished requests count as too slow). */
  synchronized Level level(int i) {
    long from = warmupMicros + (i * (long) levelSeconds + 1) * 1_000_000L;
    long to = warmupMicros + (i + 1) * (long) levelSeconds * 1_000_000L;
    double windowSeconds = (to - from) / 1e6;
    int completedOk = 0;
    int failed = 0;
    List<Long> latencies = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      if (oks[k] && ends[k] >= from && ends[k] < to) {
        completedOk++;
      }
      if (starts[k] >= from && starts[k] < to) {
        latencies.add(ends[k] - starts[k]);
        if (!oks[k]) {
          failed++;
        }
      }
    }
    // Requests started in the window but not recorded yet: still in flight (or cut by the stop).
    int offeredInWindow = 0;
    for (int b = (int) (from / 10_000); b < Math.min(startBuckets.length, to / 10_000); b++) {
      offeredInWindow += startBuckets[b];
    }
    int unfinished = Math.max(0, offeredInWindow - latencies.size());
    long[] sorted = new long[latencies.size() + unfinished];
    for (int k = 0; k < latencies.size(); k++) {
      sorted[k] = latencies.get(k);
    }
    for (int k = latencies.size(); k < sorted.length; k++) {
      sorted[k] = Long.MAX_VALUE;
    }
    Arrays.sort(sorted);
    double achieved = completedOk / windowSeconds;
    double p50 = pct(sorted, 50);
    double p95 = pct(sorted, 95);
    double p99 = pct(sorted, 99);
    boolean held =
        achieved >= 0.95 * rates[i]
            && failed == 0
            && unfinished <= 0.01 * offeredInWindow
            && p99 <= sloP99Millis;
    return new Level(
        i, rates[i], achieved, latencies.size(), failed, unfinished, p50, p95, p99, held);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    long v = sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    return v == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : v / 1000.0;
  }

  private void evaluate() {
    try {
      long elapsed;
      long inFlight;
      synchronized (this) {
        if (origin < 0 || stop) {
          return;
        }
        elapsed = (System.nanoTime() - origin) / 1000 - warmupMicros;
        inFlight = started - count;
      }
      if (elapsed < 0) {
        return;
      }
      int current = (int) Math.min(rates.length - 1, elapsed / (levelSeconds * 1_000_000L));
      if (inFlight > 3L * rates[current] + 500) {
        stop = true;
        stopReason = inFlight + " requests in flight at level " + current + ": overloaded";
        return;
      }
      // A level is judged half a second after it ends, so its last requests can answer.
      while (evaluatedLevels < rates.length
          && elapsed >= (evaluatedLevels + 1) * (long) levelSeconds * 1_000_000L + 500_000) {
        Level level = level(evaluatedLevels);
        evaluatedLevels++;
        // Stop on throughput only: a latency spike at a low level (JIT, GC) is no reason to stop.
        boolean keptUp =
            level.achieved() >= 0.95 * level.offered()
                && level.unfinished() <= 0.01 * level.startedInWindow() + 1;
        if (!keptUp) {
          failedLevels++;
          if (failedLevels >= 2) {
            stop = true;
            stopReason = "two levels not kept up with (last: level " + level.index() + ")";
            return;
          }
        } else {
          failedLevels = 0;
        }
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
    }
  }

  /** Prints the per-level table and the RESULT line. */
  void report(String note) {
    evaluator.shutdownNow();
    long elapsed;
    synchronized (this) {
      elapsed = origin < 0 ? 0 : (System.nanoTime() - origin) / 1000 - warmupMicros;
    }
    // Every level when the staircase ran to its end; else those that ended before the stop.
    int complete =
        stop
            ? (int) Math.min(rates.length, Math.max(0, elapsed) / (levelSeconds * 1_000_000L))
            : rates.length;
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "==== %s: %d s warm-up, then %d s levels (first second of each skipped), SLO p99 <= %.0f ms%s%n",
        label,
        warmupMicros / 1_000_000,
        levelSeconds,
        sloP99Millis,
        stop ? "; stopped early: " + stopReason : "");
    System.out.printf(
        Locale.ROOT,
        "%5s %10s %10s %12s %7s %7s %9s %9s %9s %5s%n",
        "level",
        "offered/s",
        "achieved/s",
        "events/s",
        "failed",
        "unfin.",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "held");
    Level best = null;
    double peak = 0;
    for (int i = 0; i < complete; i++) {
      Level l = level(i);
      peak = Math.max(peak, l.achieved());
      if (l.held() && (best == null || l.offered() > best.offered())) {
        best = l;
      }
      System.out.printf(
          Locale.ROOT,
          "%5d %10d %10.0f %12.0f %7d %7d %9.1f %9.1f %9.1f %5s%n",
          i,
          l.offered(),
          l.achieved(),
          l.achieved() * eventsPerRequest,
          l.failed(),
          l.unfinished(),
          l.p50(),
          l.p95(),
          l.p99(),
          l.held() ? "yes" : "no");
    }
    if (best == null) {
      System.out.printf("%s: no level held%n", label);
      System.out.printf(
          Locale.ROOT,
          "RESULT|%s|0|0|NaN|NaN|NaN|%.0f|0|no level held; %s%n",
          label,
          peak * eventsPerRequest,
          note);
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%s: highest level held %d requests/s = %.0f events/s (p50 %.1f ms, p95 %.1f ms, p99 %.1f ms);"
            + " peak achieved %.0f events/s%n",
        label,
        best.offered(),
        best.achieved() * eventsPerRequest,
        best.p50(),
        best.p95(),
        best.p99(),
        peak * eventsPerRequest);
    System.out.printf(
        Locale.ROOT,
        "RESULT|%s|%.0f|%.0f|%.1f|%.1f|%.1f|%.0f|%d|%s%n",
        label,
        best.achieved(),
        best.achieved() * eventsPerRequest,
        best.p50(),
        best.p95(),
        best.p99(),
        peak * eventsPerRequest,
        best.failed(),
        note);
  }
}
