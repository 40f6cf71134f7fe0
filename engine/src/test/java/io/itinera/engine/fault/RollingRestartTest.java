package io.itinera.engine.fault;

import static io.itinera.engine.fault.RollingCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.JournalCheck;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TimerLedger;
import io.itinera.engine.support.TouchpointStream;
import io.itinera.engine.support.TouchpointStream.Attempt;
import io.itinera.engine.support.TouchpointStream.Outcome;
import io.itinera.engine.support.WebhookReceiver;
import io.itinera.engine.support.WebhookReceiver.Received;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The planned changes of issue 20 under steady load with journeys, timers and webhooks: a rolling
 * restart that upgrades every node in turn, and a scale-down from three nodes to two. Nodes run in
 * this JVM on one fresh PostgreSQL database behind a load balancer that follows {@code /ready}; a
 * client writes to 40 customers without pause (one touchpoint every 200 ms each: at most 200/s),
 * each putting a product in the cart every 20 touchpoints and buying every other one within a
 * second, so a cart reminder's 2 s absence timer is due or cancelled every few seconds throughout,
 * and each reminder goes to a webhook receiver. Held: no request failed; every acknowledged
 * touchpoint is in the journal once; every timer fired once or was cancelled, each firing emitted
 * one action; the receiver got every action, under no id it was not given. Prints what it saw
 * ("FAULT" lines: rate, p99, the counts); latency is printed, not asserted.
 */
class RollingRestartTest {

  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static final String JOURNEY =
      """
      journey: rolling-reminder
      version: 1
      reEntry: always
      entry:
        event: Product Added
      stages:
        decision:
          on:
            - event: Order Completed
              goto: bought
            - absence: {event: Order Completed, within: 2s}
              do:
                - {channel: crm, type: send, template: cart-reminder}
              goto: reminded
        reminded: {}
        bought: {}
      """;

  /** {@code -Ditinera.rolling.customers=64} to load harder (one touchpoint every 200 ms each). */
  private static final int CUSTOMERS = Integer.getInteger("itinera.rolling.customers", 40);

  private static final Duration INTERVAL = Duration.ofMillis(200);

  /** A cart every 20 touchpoints; every other cart bought 4 touchpoints (about 0.8 s) later. */
  static String cartCycle(int seq) {
    if (seq % 20 == 1) {
      return "Product Added";
    }
    return seq % 40 == 5 ? "Order Completed" : "Page Viewed";
  }

  @Test
  void aRollingUpgradeOfEveryNodeFailsNoRequestAndLosesOrRepeatsNothing() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("rolling");
        WebhookReceiver receiver = new WebhookReceiver(SECRET);
        RollingCluster cluster = new RollingCluster(database, receiver, 3);
        Load load = Load.start(cluster, database, "rr")) {
      // Newest first, the oldest (the shard coordinator's and the singletons' home) last, as the
      // runbook says; each replaced on its remote port by a node of the next version.
      long from = System.nanoTime();
      for (int slot = 2; slot >= 0; slot--) {
        long stopping = System.nanoTime();
        cluster.stop(slot);
        long stopped = System.nanoTime();
        cluster.start(slot, "0.2.0");
        cluster.awaitReady(slot);
        long ready = System.nanoTime();
        report(
            "rolling: node %d stopped %s-%s (%.1f s), its 0.2.0 replacement ready %.1f s later",
            slot,
            clock(stopping),
            clock(stopped),
            seconds(stopped - stopping),
            seconds(ready - stopped));
        // Serving every customer again before the next node goes.
        load.awaitEveryCustomerWrittenAfter(ready);
      }
      long to = System.nanoTime();
      load.finish(cluster, receiver, database, "rolling restart", from, to);
    }
  }

  @Test
  void scalingDownFromThreeNodesToTwoFailsNoRequestAndLosesOrRepeatsNothing() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("scaledown");
        WebhookReceiver receiver = new WebhookReceiver(SECRET);
        RollingCluster cluster = new RollingCluster(database, receiver, 3);
        Load load = Load.start(cluster, database, "sd")) {
      // The oldest leaves: its shards, the shard coordinator and the singletons move.
      long from = System.nanoTime();
      cluster.stop(0);
      long to = System.nanoTime();
      report(
          "scale-down: node 0 (the oldest) left %s-%s (%.1f s)",
          clock(from), clock(to), seconds(to - from));
      load.finish(cluster, receiver, database, "scale-down", from, to);
    }
  }

  /**
   * The client's stream of touchpoints, from the journey's deployment to the checks; closed before
   * the cluster, so that a failed test leaves no client writing into the next one.
   */
  private record Load(TouchpointStream stream, String prefix, long startedAt, long warmedAt)
      implements AutoCloseable {

    @Override
    public void close() {
      stream.stop();
    }

    static Load start(RollingCluster cluster, TestDatabase database, String prefix)
        throws InterruptedException {
      cluster.startAll("0.1.0");
      ApiClient api = new ApiClient(cluster.live().get(0));
      ApiClient.Reply deployed = api.deployJourney("rolling-reminder", JOURNEY);
      assertEquals(201, deployed.status(), deployed.body());
      // Every node polls the registry each second.
      await(
          "the journey deployed on every node",
          Duration.ofSeconds(30),
          () ->
              List.of(0, 1, 2).stream()
                  .allMatch(
                      slot ->
                          cluster.node(slot).deployedJourneys().current().stream()
                              .anyMatch(j -> j.journey().name().equals("rolling-reminder"))));
      TouchpointStream stream =
          new TouchpointStream(
              prefix, CUSTOMERS, INTERVAL, cluster::live, RollingRestartTest::cartCycle);
      stream.start();
      long startedAt = System.nanoTime();
      // Warm: every customer has put a product in the cart and gone on.
      await(
          "every customer written through the whole cluster",
          Duration.ofSeconds(60),
          () -> stream.acknowledged().values().stream().allMatch(ids -> ids.size() >= 10));
      return new Load(stream, prefix, startedAt, System.nanoTime());
    }

    void awaitEveryCustomerWrittenAfter(long nanos) throws InterruptedException {
      await(
          "every customer written again",
          Duration.ofSeconds(60),
          () ->
              stream.customers().stream()
                  .allMatch(c -> stream.firstAcknowledgedAfter(c, nanos).isPresent()));
    }

    /**
     * Goes on writing until every customer was written after the change, stops, and checks and
     * reports everything the class comment promises.
     */
    void finish(
        RollingCluster cluster,
        WebhookReceiver receiver,
        TestDatabase database,
        String what,
        long from,
        long to)
        throws InterruptedException {
      awaitEveryCustomerWrittenAfter(System.nanoTime() + Duration.ofSeconds(3).toNanos());
      stream.stop();
      long stoppedAt = System.nanoTime();

      List<Attempt> attempts = stream.attempts();
      // A cluster formed a moment ago, cold, answers its first touchpoints slowly on a loaded
      // machine (every new customer's shard is allocated at once): reported, not held.
      List<Attempt> coldFailures =
          attempts.stream()
              .filter(a -> a.outcome() != Outcome.OK && a.endNanos() < warmedAt)
              .toList();
      report(
          "%s: %d requests failed while the new cluster warmed up (before the change, not held)%s",
          what,
          coldFailures.size(),
          coldFailures.isEmpty()
              ? ""
              : ", the last at "
                  + clock(coldFailures.stream().mapToLong(Attempt::endNanos).max().getAsLong()));
      List<Attempt> failed =
          attempts.stream()
              .filter(a -> a.outcome() != Outcome.OK && a.endNanos() >= warmedAt)
              .toList();
      failed.forEach(
          a ->
              report(
                  "%s: FAILED %s via port %d, sent %s, answered %s: %s %s %s",
                  what,
                  a.messageId(),
                  a.port(),
                  clock(a.startNanos()),
                  clock(a.endNanos()),
                  a.outcome(),
                  a.status(),
                  a.detail()));
      List<Double> during =
          attempts.stream()
              .filter(a -> a.endNanos() >= from && a.startNanos() <= to)
              .map(a -> a.took().toNanos() / 1e6)
              .sorted()
              .toList();
      report(
          "%s: %d touchpoints acknowledged at %.0f/s (%d customers, one every %d ms each);"
              + " %d requests during the %s (%.1f s): p50 %.0f ms, p99 %.0f ms, max %.0f ms",
          what,
          stream.acknowledgedCount(),
          stream.acknowledgedCount() / seconds(stoppedAt - startedAt),
          CUSTOMERS,
          INTERVAL.toMillis(),
          during.size(),
          what,
          seconds(to - from),
          percentile(during, 0.50),
          percentile(during, 0.99),
          percentile(during, 1.0));
      // The slowest requests of the change, to place them among the nodes' log lines.
      attempts.stream()
          .filter(a -> a.endNanos() >= from && a.startNanos() <= to)
          .sorted(java.util.Comparator.comparing(Attempt::took).reversed())
          .limit(5)
          .forEach(
              a ->
                  report(
                      "%s: slow %s via port %d, sent %s, answered %s (%d ms): %s",
                      what,
                      a.messageId(),
                      a.port(),
                      clock(a.startNanos()),
                      clock(a.endNanos()),
                      a.took().toMillis(),
                      a.status()));
      report(
          "%s: attempts by outcome %s; %d failed requests",
          what,
          attempts.stream()
              .collect(
                  Collectors.groupingBy(Attempt::outcome, TreeMap::new, Collectors.counting())),
          failed.size());
      assertEquals(List.of(), failed, "requests that failed");
      JournalCheck.assertExactlyOnce(stream, database, prefix);
      report("%s: 0 acknowledged touchpoints lost, 0 recorded twice", what);

      // The last carts' timers are due 2 s after their touchpoints.
      TimerLedger[] ledger = {TimerLedger.read(database, cluster.anyRunning().system(), prefix)};
      await(
          "every timer fired or cancelled",
          Duration.ofSeconds(60),
          () -> {
            ledger[0] = TimerLedger.read(database, cluster.anyRunning().system(), prefix);
            return ledger[0].pending().isEmpty();
          });
      TimerLedger timers = ledger[0];
      report(
          "%s: %d timers scheduled, %d fired, %d cancelled %s; problems: %s",
          what,
          timers.scheduled().size(),
          timers.firedCount(),
          timers.cancelled().size(),
          timers.cancelReasons(),
          timers.problems());
      assertEquals(List.of(), timers.problems(), "timers not fired exactly once or cancelled");
      assertTrue(timers.firedCount() > 0, "some reminders were sent");

      Set<String> expected = timers.actions().keySet();
      String path = "/" + RollingCluster.CHANNEL;
      await(
          "every reminder at the receiver",
          Duration.ofSeconds(60),
          () ->
              receiver.received(path).stream()
                  .map(Received::webhookId)
                  .collect(Collectors.toSet())
                  .containsAll(expected));
      List<Received> received = receiver.received(path);
      Map<String, Long> byId =
          received.stream()
              .collect(Collectors.groupingBy(Received::webhookId, Collectors.counting()));
      Set<String> unexpected = new HashSet<>(byId.keySet());
      unexpected.removeAll(expected);
      long repeats = byId.values().stream().mapToLong(n -> n - 1).sum();
      report(
          "%s: %d reminders emitted, %d webhooks received under %d ids; %d sent again under the"
              + " same id, %d under an id never emitted, %d with a bad signature",
          what,
          expected.size(),
          received.size(),
          byId.size(),
          repeats,
          unexpected.size(),
          received.stream().filter(r -> !r.signatureValid()).count());
      assertEquals(Set.of(), unexpected, "webhooks under ids never emitted");
      assertEquals(expected, byId.keySet(), "every reminder delivered");
      assertTrue(received.stream().allMatch(Received::signatureValid), "signatures verify");
      await(
          "every reminder's delivery marked delivered",
          Duration.ofSeconds(30),
          () ->
              database.queryLong(
                      "SELECT count(*) FROM deliveries WHERE channel = 'crm'"
                          + " AND status <> 'delivered'")
                  == 0);
    }
  }

  private static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** The wall-clock time of a {@link System#nanoTime()} reading, to find it in the log. */
  private static String clock(long nanos) {
    return java.time.LocalTime.now(java.time.ZoneOffset.UTC)
        .minusNanos(System.nanoTime() - nanos)
        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
        .toString();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void report(String format, Object... args) {
    System.out.println("FAULT " + String.format(format, args));
  }
}
