package io.itinera.loadtest.cluster;

import io.itinera.loadtest.driver.OpenLoad.Outcome;
import io.itinera.loadtest.driver.OpenLoad.Second;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The measured phase in RESULT lines: what failed, where and when; when node 3 was started, ready,
 * Up and held its share of the shards; and latency before, while and after it joined.
 */
final class ScaleOutReport {

  private ScaleOutReport() {}

  static void report(
      Second[] measured, List<Outcome> outcomes, NodeJoin join, int joinAt, int seconds, int rate) {
    Second all = Second.merge(measured);
    int unanswered = all.sentCount() - all.answered() - all.failedCount();
    System.out.printf(
        "RESULT measured phase (%d s at %d/s): %d sent, %d answered 200, %d FAILED %s, %d unanswered%n",
        seconds,
        rate,
        all.sentCount(),
        all.answered(),
        all.failedCount(),
        all.failuresByKind().isEmpty() ? "" : all.failuresByKind(),
        unanswered);

    failures(outcomes);
    nodeThree(measured, join, joinAt, seconds);
  }

  /** When node 3 was ready, Up and held its share, and latency before, while and after. */
  private static void nodeThree(Second[] measured, NodeJoin join, int joinAt, int seconds) {
    String ready =
        Double.isNaN(join.readyAt)
            ? "never (within the phase)"
            : String.format("%.1f s", join.readyAt);
    String up =
        Double.isNaN(join.upAt) ? "never (within the phase)" : String.format("%.1f s", join.upAt);
    String rebalanced =
        Double.isNaN(join.rebalancedAt)
            ? "not within the phase (" + Math.max(0, join.lastShardsOnNew) + " at the end)"
            : String.format("at %.1f s", join.rebalancedAt);
    System.out.printf(
        "RESULT node 3: started at %.1f s, ready (in the load balancer) at %s, Up on node 1 at %s;"
            + " its share of the shards (%d of %d): %s%n",
        join.startedAt,
        ready,
        up,
        ScaleOutBenchmark.SHARDS / 3,
        ScaleOutBenchmark.SHARDS,
        rebalanced);

    int readySecond =
        Double.isNaN(join.readyAt) ? seconds : Math.min(seconds, (int) Math.ceil(join.readyAt));
    // Shards may move to node 3 before it is ready: "after" starts when both are done.
    int rebalancedSecond =
        Math.max(
            readySecond,
            Double.isNaN(join.rebalancedAt)
                ? seconds
                : Math.min(seconds, (int) Math.ceil(join.rebalancedAt)));
    window("before (2 nodes)", measured, 0, joinAt);
    window("during: node 3 starting, until ready", measured, joinAt, readySecond);
    window(
        "during: node 3 ready, shards still moving to it", measured, readySecond, rebalancedSecond);
    window("after (node 3 holds its share)", measured, rebalancedSecond, seconds);
  }

  /**
   * Failures by node and kind, with the seconds they were due in (the per-second table has the
   * kinds by second).
   */
  private static void failures(List<Outcome> outcomes) {
    Map<String, TreeMap<Integer, Integer>> failures = new TreeMap<>();
    for (Outcome outcome : outcomes) {
      if (!outcome.acknowledged()) {
        failures
            .computeIfAbsent(
                EngineNode.nameOf(outcome.base()) + ", " + outcome.kind(), k -> new TreeMap<>())
            .merge(outcome.second(), 1, Integer::sum);
      }
    }
    failures.forEach(
        (where, bySecond) ->
            System.out.printf(
                "RESULT failed on %s: %d, in seconds %s%n",
                where,
                bySecond.values().stream().mapToInt(Integer::intValue).sum(),
                ranges(bySecond.keySet())));
  }

  /** 3,4,5,9 as "3-5, 9". */
  private static String ranges(Set<Integer> seconds) {
    StringBuilder out = new StringBuilder();
    Integer first = null;
    Integer last = null;
    for (int s : seconds) {
      if (last != null && s == last + 1) {
        last = s;
        continue;
      }
      if (first != null) {
        out.append(out.length() == 0 ? "" : ", ")
            .append(first.equals(last) ? first : first + "-" + last);
      }
      first = s;
      last = s;
    }
    if (first != null) {
      out.append(out.length() == 0 ? "" : ", ")
          .append(first.equals(last) ? first : first + "-" + last);
    }
    return out.toString();
  }

  private static void window(String name, Second[] measured, int from, int to) {
    if (from >= to) {
      System.out.printf("RESULT %s: no whole second%n", name);
      return;
    }
    System.out.printf(
        "RESULT %s, seconds %d-%d: %s%n",
        name, from, to - 1, Second.merge(Arrays.copyOfRange(measured, from, to)));
  }
}
