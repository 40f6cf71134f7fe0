package io.itinera.engine.fault;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.JournalCheck;
import io.itinera.engine.support.NodeProcess;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TouchpointStream;
import io.itinera.engine.support.TouchpointStream.Attempt;
import io.itinera.engine.support.TouchpointStream.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Three nodes on loopback, each its own JVM, on one fresh PostgreSQL database, while a client
 * streams touchpoints for 30 customers and retries what is not acknowledged: one node is killed
 * with SIGKILL and restarted, another leaves with SIGTERM. At the end every acknowledged touchpoint
 * is in the journal exactly once, each customer's count agrees, and every customer's absence timer
 * fired once, the killed node's ones late. Prints how long the killed node's customers were
 * unavailable ("FAULT" lines in the test's output).
 *
 * <p>{@code -Ditinera.fault.node-options="-Dpekko.cluster.split-brain-resolver.stable-after=20s"}
 * passes options to the nodes, to measure other settings.
 */
class ClusterFaultTest {

  private static final String JOURNEY =
      TestJourneys.cartReminder("fault-reminder", 1, "8s", "reminder");

  private static final String PREFIX = "fk";
  private static final int CUSTOMERS = 30;

  @Test
  void nothingAcknowledgedIsLostWhenANodeIsKilledAndAnotherLeaves() throws Exception {
    long testStart = System.nanoTime();
    List<String> options =
        Arrays.stream(System.getProperty("itinera.fault.node-options", "").split(" "))
            .filter(option -> !option.isBlank())
            .toList();
    try (TestDatabase database = TestDatabase.createFresh("fault")) {
      List<NodeProcess.Ports> ports =
          List.of(NodeProcess.Ports.free(), NodeProcess.Ports.free(), NodeProcess.Ports.free());
      List<Integer> seeds = List.of(ports.get(0).remote(), ports.get(1).remote());
      List<NodeProcess> nodes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        nodes.add(
            NodeProcess.start(
                "fault-node" + (i + 1), ports.get(i), database.url(), seeds, options));
      }
      NodeProcess first = nodes.get(0);
      NodeProcess second = nodes.get(1);
      NodeProcess third = nodes.get(2);
      // The load balancer's healthy endpoints.
      List<Integer> live = new CopyOnWriteArrayList<>();
      TouchpointStream stream =
          new TouchpointStream(PREFIX, CUSTOMERS, Duration.ofMillis(200), () -> List.copyOf(live));
      try {
        for (NodeProcess node : nodes) {
          node.awaitReady(Duration.ofSeconds(120));
          live.add(node.httpPort());
        }
        report("3 nodes ready after %.1f s", seconds(System.nanoTime() - testStart));

        ApiClient viaThird = new ApiClient(third.httpPort());
        ApiClient.Reply deployed =
            viaThird.send(
                "PUT",
                "/v1/journeys/fault-reminder",
                JOURNEY,
                "application/yaml",
                basic(ADMIN_KEY),
                Check.RESPONSE);
        assertEquals(201, deployed.status(), deployed.body());
        Thread.sleep(2_500); // every node polls the registry each second

        stream.start();
        Thread.sleep(6_000);

        // SIGKILL the first node: the oldest, so the shard coordinator and some timer daemons go
        // too.
        live.remove((Integer) first.httpPort());
        long killedAt = System.nanoTime();
        first.kill();
        awaitEveryCustomerAcknowledgedAfter(
            stream, killedAt + Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(90));
        Recovery afterKill = recovery(stream, killedAt);
        report(
            "SIGKILL: %d of %d customers unavailable; answered again %.1f s (max) / %.1f s (median) after"
                + " the kill",
            afterKill.affected(), CUSTOMERS, afterKill.maxSeconds(), afterKill.medianSeconds());

        long restartedAt = System.nanoTime();
        first.restart();
        first.awaitReady(Duration.ofSeconds(120));
        live.add(first.httpPort());
        report(
            "killed node restarted and ready in %.1f s", seconds(System.nanoTime() - restartedAt));
        Thread.sleep(3_000);

        // SIGTERM the second node. It turns not ready at once and keeps serving for its drain
        // delay; the load balancer takes it out when its /ready fails, as a probe would.
        long leftAt = System.nanoTime();
        second.terminate();
        long notReadyBy = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (second.ready()) {
          assertTrue(System.nanoTime() < notReadyBy, "still ready 4 s after SIGTERM");
          Thread.sleep(100);
        }
        live.remove((Integer) second.httpPort());
        report("SIGTERM: not ready after %.1f s", seconds(System.nanoTime() - leftAt));
        int exit = second.waitForExit(Duration.ofSeconds(60));
        report(
            "SIGTERM: node left and exited (code %d) in %.1f s",
            exit, seconds(System.nanoTime() - leftAt));
        // Wait for answers rather than a fixed time: a shard coordinator write still addressed to
        // the node that left waits out updating-state-timeout before it is retried.
        awaitEveryCustomerAcknowledgedAfter(stream, System.nanoTime(), Duration.ofSeconds(60));
        Recovery afterLeave = recovery(stream, leftAt);
        report(
            "graceful leave: %d customers saw a failure; answered again %.1f s (max) after SIGTERM",
            afterLeave.affected(), afterLeave.maxSeconds());

        stream.stop();
        report("stream stopped: %d touchpoints acknowledged", stream.acknowledgedCount());
        reportOutcomes(stream.attempts());

        // Nothing the engine answered was an error other than 503 with Retry-After.
        List<Attempt> unexpected =
            stream.attempts().stream().filter(a -> a.outcome() == Outcome.OTHER).toList();
        assertEquals(List.of(), unexpected, "answers other than 200 and 503");
        assertTrue(
            stream.attempts().stream()
                .filter(a -> a.outcome() == Outcome.UNAVAILABLE)
                .allMatch(a -> a.retryAfter() != null),
            "every 503 has Retry-After");

        JournalCheck.assertExactlyOnce(stream, database, PREFIX);
        // Read through a node that runs (on a loaded machine the resolver may have downed one).
        ApiClient api =
            new ApiClient((third.isAlive() ? third : first.isAlive() ? first : second).httpPort());

        // Every customer's absence timer fired exactly once, the lost node's ones late.
        long timersDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Long> fired = JournalCheck.timersFired(database);
        while (fired.size() < CUSTOMERS && System.nanoTime() < timersDeadline) {
          Thread.sleep(500);
          fired = JournalCheck.timersFired(database);
        }
        for (String customer : stream.customers()) {
          assertEquals(1L, fired.getOrDefault(customer, 0L), customer + ": timers fired");
        }
        assertEquals(0, database.queryLong("SELECT count(*) FROM due_timers"));
        List<Double> lateness = timerLateness(api, stream.customers());
        assertEquals(CUSTOMERS, lateness.size(), "timers fired, as the decisions API shows them");
        report(
            "timers: %d fired once each; late by %.2f s (median) / %.2f s (max)",
            fired.size(), median(lateness), lateness.stream().mapToDouble(d -> d).max().orElse(0));

        // Each customer's state agrees with what the client had acknowledged.
        Map<String, List<String>> acknowledged = stream.acknowledged();
        for (String customer : stream.customers()) {
          JsonNode view = api.get("/v1/customers/" + customer, basic(READ_KEY)).json();
          assertEquals(
              acknowledged.get(customer).size(),
              view.get("touchpointCount").asInt(),
              customer + ": touchpointCount");
          assertEquals(0, view.get("journeys").get("pendingTimers").size(), customer + ": timers");
        }
        assertTrue(afterKill.maxSeconds() < 60, "the lost node's customers answered again");
        report("whole test %.1f s", seconds(System.nanoTime() - testStart));
      } finally {
        stream.stop();
        for (NodeProcess node : nodes) {
          if (node.isAlive()) {
            node.terminate();
          }
        }
        for (NodeProcess node : nodes) {
          try {
            node.waitForExit(Duration.ofSeconds(30));
          } catch (AssertionError e) {
            node.destroy();
          }
        }
      }
    }
  }

  /** How long the customers that failed after {@code from} took to be acknowledged again. */
  record Recovery(int affected, double maxSeconds, double medianSeconds) {}

  private static Recovery recovery(TouchpointStream stream, long from) {
    Map<String, Long> firstFailure = new TreeMap<>();
    for (Attempt attempt : stream.attempts()) {
      if (attempt.outcome() != Outcome.OK && attempt.endNanos() >= from) {
        firstFailure.merge(attempt.customer(), attempt.startNanos(), Math::min);
      }
    }
    List<Double> gaps = new ArrayList<>();
    firstFailure.forEach(
        (customer, failedAt) -> {
          Optional<Long> next = stream.firstAcknowledgedAfter(customer, failedAt);
          assertTrue(next.isPresent(), customer + " never answered again");
          gaps.add(seconds(next.get() - from));
        });
    return new Recovery(
        gaps.size(), gaps.stream().mapToDouble(d -> d).max().orElse(0), median(gaps));
  }

  private static void awaitEveryCustomerAcknowledgedAfter(
      TouchpointStream stream, long nanos, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> waiting =
          stream.customers().stream()
              .filter(c -> stream.firstAcknowledgedAfter(c, nanos).isEmpty())
              .toList();
      if (waiting.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            waiting.size() + " customers not answered within " + timeout + ": " + waiting);
      }
      Thread.sleep(100);
    }
  }

  /** Seconds between each customer's timer's due time and its firing, from the decisions API. */
  private static List<Double> timerLateness(ApiClient api, List<String> customers) {
    List<Double> lateness = new ArrayList<>();
    for (String customer : customers) {
      JsonNode decisions =
          api.get("/v1/customers/" + customer + "/decisions", basic(READ_KEY)).json();
      for (JsonNode decision : decisions.get("decisions")) {
        for (JsonNode event : decision.get("events")) {
          if ("TimerFired".equals(event.path("kind").asText())) {
            java.time.Instant due = java.time.Instant.parse(event.get("timer").get("due").asText());
            java.time.Instant at = java.time.Instant.parse(event.get("at").asText());
            lateness.add(Duration.between(due, at).toMillis() / 1000.0);
          }
        }
      }
    }
    return lateness;
  }

  private static void reportOutcomes(List<Attempt> attempts) {
    Map<Outcome, Long> byOutcome =
        attempts.stream()
            .collect(Collectors.groupingBy(Attempt::outcome, TreeMap::new, Collectors.counting()));
    report("attempts by outcome: %s", byOutcome);
    attempts.stream()
        .filter(a -> a.outcome() == Outcome.UNAVAILABLE)
        .mapToDouble(a -> seconds(a.endNanos() - a.startNanos()))
        .max()
        .ifPresent(max -> report("slowest 503: %.1f s", max));
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void report(String format, Object... args) {
    System.out.println("FAULT " + String.format(format, args));
  }
}
