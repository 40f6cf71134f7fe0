package io.itinera.engine.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.JournalCheck;
import io.itinera.engine.support.Scrape;
import io.itinera.engine.support.TcpProxy;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.TouchpointStream;
import io.itinera.engine.support.TouchpointStream.Attempt;
import io.itinera.engine.support.TouchpointStream.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away under load and comes back, as a database restart looks to the engine: a TCP
 * proxy between the node and the database drops every connection and refuses new ones for 10 s.
 * Meanwhile every ingest request is answered 503 with Retry-After within the ask timeout (no hang,
 * no 500) and {@code /ready} says not ready; afterwards the node recovers by itself: ingest
 * succeeds again, {@code /ready} is 200, timers that came due during the outage fire, and every
 * acknowledged touchpoint is in the journal exactly once. Prints the figures ("OUTAGE" lines).
 */
class DatabaseOutageTest {

  private static final String JOURNEY =
      TestJourneys.cartReminder("outage-reminder", 1, "5s", "reminder");

  private static final String PREFIX = "fo";
  private static final int CUSTOMERS = 10;
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  /** The ask timeout (5 s) and some room for a loaded machine. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(8);

  /** One readiness probe: when it started, how long it took, what it answered (-1: nothing). */
  record Probe(long startNanos, long tookNanos, int status) {}

  @Test
  void requestsDuringAnOutageGet503QuicklyAndTheNodeRecoversByItself() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("outage");
        TcpProxy proxy = new TcpProxy(5432)) {
      ItineraNode node =
          TestNode.start(Map.of("itinera.db.url", database.urlThrough(proxy.port())));
      TouchpointStream stream =
          new TouchpointStream(
              PREFIX, CUSTOMERS, Duration.ofMillis(100), () -> List.of(node.httpPort()));
      try {
        ApiClient api = new ApiClient(node.httpPort());
        assertEquals(201, api.deployJourney("outage-reminder", JOURNEY).status());
        stream.start();
        Thread.sleep(3_000);
        long acknowledgedBefore = stream.acknowledgedCount();

        long cutAt = System.nanoTime();
        proxy.cut();
        List<Probe> probes = new ArrayList<>();
        List<Integer> alive = new ArrayList<>();
        while (System.nanoTime() - cutAt < OUTAGE.toNanos()) {
          probes.add(probe(node.managementPort(), "/ready"));
          alive.add(probe(node.managementPort(), "/alive").status());
          Thread.sleep(500);
        }
        long restoredAt = System.nanoTime();
        proxy.restore();
        report(
            "database cut for %.1f s under load (%d touchpoints acknowledged before)",
            seconds(restoredAt - cutAt), acknowledgedBefore);

        // Recovery: /ready and every customer's ingest, by themselves.
        long readyAt = -1;
        long deadline = restoredAt + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
          Probe probe = probe(node.managementPort(), "/ready");
          if (readyAt < 0 && probe.status() == 200) {
            readyAt = System.nanoTime();
          }
          boolean allAnswered =
              stream.customers().stream()
                  .allMatch(c -> stream.firstAcknowledgedAfter(c, restoredAt).isPresent());
          if (readyAt > 0 && allAnswered) {
            break;
          }
          Thread.sleep(200);
        }
        assertTrue(readyAt > 0, "/ready did not come back within 60 s");
        double firstIngest =
            stream.customers().stream()
                .map(c -> stream.firstAcknowledgedAfter(c, restoredAt))
                .filter(java.util.Optional::isPresent)
                .mapToDouble(at -> seconds(at.get() - restoredAt))
                .min()
                .orElse(Double.NaN);
        double everyCustomer =
            stream.customers().stream()
                .mapToDouble(
                    c ->
                        stream
                            .firstAcknowledgedAfter(c, restoredAt)
                            .map(at -> seconds(at - restoredAt))
                            .orElseThrow(() -> new AssertionError(c + " never answered again")))
                .max()
                .orElseThrow();
        report(
            "after the database came back: /ready 200 in %.1f s, first touchpoint acknowledged in"
                + " %.1f s, every customer's in %.1f s",
            seconds(readyAt - restoredAt), firstIngest, everyCustomer);
        Thread.sleep(2_000);
        stream.stop();

        List<Attempt> attempts = stream.attempts();
        report(
            "attempts by outcome: %s",
            attempts.stream()
                .collect(
                    Collectors.groupingBy(Attempt::outcome, TreeMap::new, Collectors.counting())));

        // During the outage: 503 with Retry-After, in bounded time, for every request. Every
        // request started in the outage was answered within the ask timeout: 503 if before the
        // database came back, either if after.
        List<Attempt> started =
            attempts.stream()
                .filter(a -> a.startNanos() > cutAt + 100_000_000L && a.startNanos() < restoredAt)
                .toList();
        assertTrue(
            started.size() >= CUSTOMERS, "requests made during the outage: " + started.size());
        List<Attempt> notUnavailable =
            started.stream()
                .filter(a -> a.endNanos() < restoredAt && a.outcome() != Outcome.UNAVAILABLE)
                .toList();
        assertEquals(List.of(), notUnavailable, "answers other than 503 during the outage");
        // (A request in flight at the cut may still have been recorded and answered 200 just
        // after it; a second later, every answer is a 503.)
        List<Attempt> answered =
            attempts.stream()
                .filter(a -> a.endNanos() > cutAt + 1_000_000_000L && a.endNanos() < restoredAt)
                .toList();
        assertTrue(
            answered.size() >= CUSTOMERS
                && answered.stream().allMatch(a -> a.outcome() == Outcome.UNAVAILABLE),
            "every customer's request was answered 503 during the outage: " + answered);
        assertTrue(
            answered.stream().allMatch(a -> "1".equals(a.retryAfter())),
            "Retry-After on every 503");
        double slowest =
            started.stream()
                .mapToDouble(a -> seconds(a.endNanos() - a.startNanos()))
                .max()
                .orElseThrow();
        report(
            "during the outage: %d requests answered, all 503 with Retry-After; of those started in"
                + " it, the slowest answered in %.1f s",
            answered.size(), slowest);
        assertTrue(slowest <= ANSWER_WITHIN.toSeconds(), "a request took " + slowest + " s");
        // Before, after and across the outage: nothing but 200 and 503.
        assertEquals(
            List.of(),
            attempts.stream()
                .filter(a -> a.outcome() != Outcome.OK && a.outcome() != Outcome.UNAVAILABLE)
                .toList());

        // Readiness said so, quickly (503: not ready).
        List<Probe> late =
            probes.stream().filter(p -> p.startNanos() > cutAt + 4_000_000_000L).toList();
        assertTrue(
            late.stream().allMatch(p -> p.status() == 503), "/ready during the outage: " + late);
        double slowestProbe =
            probes.stream().mapToDouble(p -> seconds(p.tookNanos())).max().orElseThrow();
        report(
            "/ready during the outage: %s, the slowest in %.1f s",
            probes.stream().map(p -> Integer.toString(p.status())).collect(Collectors.joining(",")),
            slowestProbe);
        assertTrue(slowestProbe <= 5, "/ready took " + slowestProbe + " s");
        // Alive all along: restarting the node would not bring the database back.
        assertTrue(
            alive.stream().allMatch(status -> status == 200), "/alive during the outage: " + alive);

        // The meters counted what the client saw.
        long unavailable =
            attempts.stream().filter(a -> a.outcome() == Outcome.UNAVAILABLE).count();
        Scrape scrape = Scrape.of(node.managementPort());
        assertEquals(
            unavailable,
            (long)
                scrape.value(
                    "itinera_touchpoints_rejected_total",
                    "route",
                    "track",
                    "reason",
                    "unavailable"));
        assertEquals(
            stream.acknowledgedCount(),
            (long)
                (scrape.value("itinera_touchpoints_ingested_total", "route", "track")
                    + scrape.value("itinera_touchpoints_duplicates_total", "route", "track")));

        JournalCheck.assertExactlyOnce(stream, database, PREFIX);

        // Timers that came due during the outage fired after it, once each.
        long timersDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Long> fired = JournalCheck.timersFired(database);
        while (fired.size() < CUSTOMERS && System.nanoTime() < timersDeadline) {
          Thread.sleep(250);
          fired = JournalCheck.timersFired(database);
        }
        for (String customer : stream.customers()) {
          assertEquals(1L, fired.getOrDefault(customer, 0L), customer + ": timers fired");
        }
        report("timers: %d fired once each", fired.size());
      } finally {
        stream.stop();
        TestNode.stop(node);
      }
    }
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static Probe probe(int managementPort, String path) {
    long start = System.nanoTime();
    int status;
    try {
      status =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
    } catch (Exception e) {
      status = -1;
    }
    return new Probe(start, System.nanoTime() - start, status);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void report(String format, Object... args) {
    System.out.println("OUTAGE " + String.format(format, args));
  }
}
