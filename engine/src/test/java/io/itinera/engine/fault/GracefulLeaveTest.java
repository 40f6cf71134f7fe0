package io.itinera.engine.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.JournalCheck;
import io.itinera.engine.support.NodeProcess;
import io.itinera.engine.support.ReadinessBalancer;
import io.itinera.engine.support.ReadinessBalancer.Backend;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.TouchpointStream;
import io.itinera.engine.support.TouchpointStream.Attempt;
import io.itinera.engine.support.TouchpointStream.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A planned leave (coordinated shutdown, as SIGTERM runs it) that no client notices: three nodes in
 * this JVM on one fresh PostgreSQL database, behind a load balancer that follows {@code /ready},
 * while a client writes to 30 customers without pause; the youngest node leaves, then the oldest
 * (the shard coordinator's and the singletons' home). No request may fail, and every acknowledged
 * write is in the journal exactly once. Prints what it saw ("FAULT" lines).
 */
class GracefulLeaveTest {

  private static final String PREFIX = "gl";
  private static final int CUSTOMERS = 30;

  /** Long enough for the balancer to notice on a loaded machine: it polls every 200 ms. */
  private static final String DRAIN_DELAY = "4s";

  @Test
  void nodesLeavingUnderLoadFailNoRequestAndLoseNoWrite() throws Exception {
    int seedPort = NodeProcess.freePort();
    List<String> seeds = List.of("pekko://itinera@127.0.0.1:" + seedPort);
    try (TestDatabase database = TestDatabase.createFresh("leave")) {
      List<ItineraNode> nodes = new ArrayList<>();
      ReadinessBalancer balancer = null;
      TouchpointStream stream = null;
      try {
        for (int i = 0; i < 3; i++) {
          Map<String, Object> settings = new HashMap<>();
          settings.put("itinera.db.url", database.url());
          settings.put("pekko.cluster.seed-nodes", seeds);
          settings.put("itinera.shutdown.drain-delay", DRAIN_DELAY);
          if (i == 0) {
            settings.put("pekko.remote.artery.canonical.port", seedPort);
          }
          nodes.add(TestNode.start(settings));
        }
        balancer =
            new ReadinessBalancer(
                nodes.stream().map(n -> new Backend(n.httpPort(), n.managementPort())).toList(),
                Duration.ofMillis(200));
        ReadinessBalancer lb = balancer;
        await("all three nodes ready", Duration.ofSeconds(60), () -> lb.live().size() == 3);

        stream = new TouchpointStream(PREFIX, CUSTOMERS, Duration.ofMillis(200), lb::live);
        TouchpointStream writes = stream;
        stream.start();
        await(
            "every customer written through the whole cluster",
            Duration.ofSeconds(60),
            () -> writes.acknowledged().values().stream().allMatch(ids -> ids.size() >= 3));

        // The youngest first (its shards move, the coordinator stays), then the oldest (its
        // shards, the shard coordinator and the singletons move).
        leave(nodes.get(2), "the youngest node", writes);
        leave(nodes.get(0), "the oldest node", writes);
        stream.stop();

        List<Attempt> attempts = stream.attempts();
        report("%d touchpoints acknowledged", stream.acknowledgedCount());
        report(
            "attempts by outcome: %s",
            attempts.stream()
                .collect(
                    Collectors.groupingBy(Attempt::outcome, TreeMap::new, Collectors.counting())));
        List<Attempt> failed = attempts.stream().filter(a -> a.outcome() != Outcome.OK).toList();
        report(
            "graceful leaves: %d customers saw a failure",
            failed.stream().map(Attempt::customer).distinct().count());
        assertEquals(List.of(), failed, "requests that failed");
        JournalCheck.assertExactlyOnce(stream, database, PREFIX);
      } finally {
        if (stream != null) {
          stream.stop();
        }
        if (balancer != null) {
          balancer.close();
        }
        List<CompletableFuture<?>> stopping = new ArrayList<>();
        nodes.forEach(node -> stopping.add(node.stop().toCompletableFuture()));
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
            .orTimeout(90, TimeUnit.SECONDS)
            .join();
      }
    }
  }

  /**
   * Stops {@code node} as SIGTERM does, waits until every customer has been written after it left
   * (those whose shards moved are written on their new nodes), and reports the slowest write in
   * between.
   */
  private static void leave(ItineraNode node, String which, TouchpointStream writes)
      throws Exception {
    long leftAt = System.nanoTime();
    node.stop().toCompletableFuture().orTimeout(90, TimeUnit.SECONDS).join();
    node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    long afterLeave = System.nanoTime();
    report("%s left in %.1f s", which, seconds(afterLeave - leftAt));
    await(
        "every customer written after " + which + " left",
        Duration.ofSeconds(60),
        () ->
            writes.customers().stream()
                .allMatch(c -> writes.firstAcknowledgedAfter(c, afterLeave).isPresent()));
    report(
        "slowest write while %s left: %.2f s",
        which,
        writes.attempts().stream()
            .filter(a -> a.endNanos() >= leftAt && a.startNanos() <= afterLeave)
            .mapToDouble(a -> seconds(a.endNanos() - a.startNanos()))
            .max()
            .orElse(0));
  }

  @Test
  void aLeavingNodeIsNotReadyButStillServesUntilTheDrainDelayEnds() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("drain")) {
      ItineraNode node =
          TestNode.start(
              Map.of(
                  "itinera.db.url",
                  database.url(),
                  // Long, so that the checks below run within it on a loaded machine.
                  "itinera.shutdown.drain-delay",
                  "15s",
                  "pekko.coordinated-shutdown.phases.before-service-unbind.timeout",
                  "20s"));
      int management = node.managementPort();
      try {
        await(
            "ready",
            Duration.ofSeconds(60),
            () -> ReadinessBalancer.status(management, "/ready") == 200);
        CompletableFuture<?> stopped = node.stop().toCompletableFuture();

        await(
            "not ready once the leave began",
            Duration.ofSeconds(10),
            () -> ReadinessBalancer.status(management, "/ready") == 503);
        ApiClient api = new ApiClient(node.httpPort());
        ApiClient.Reply written =
            api.post(
                "/v1/track",
                "{\"userId\":\"drained\",\"messageId\":\"drain-1\",\"event\":\"Page Viewed\"}");
        assertEquals(200, written.status(), written.body());
        assertEquals(200, ReadinessBalancer.status(management, "/alive"), "still alive");
        assertTrue(!stopped.isDone(), "still draining");
        assertEquals(503, ReadinessBalancer.status(management, "/ready"));

        stopped.orTimeout(60, TimeUnit.SECONDS).join();
        assertEquals(
            1,
            database.queryLong(
                "SELECT count(*) FROM event_journal WHERE persistence_id = 'Customer|drained'"
                    + " AND event_ser_manifest LIKE '%TouchpointRecorded'"));
      } finally {
        node.stop().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
        node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not " + what + " within " + timeout);
      }
      Thread.sleep(50);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void report(String format, Object... args) {
    System.out.println("FAULT " + String.format(format, args));
  }
}
