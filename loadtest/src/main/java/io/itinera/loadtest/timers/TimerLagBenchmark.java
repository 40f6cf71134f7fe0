package io.itinera.loadtest.timers;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.Tags;
import io.itinera.journeys.decision.JourneyEvent.TimerFired;
import io.itinera.loadtest.driver.BenchSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;

/**
 * Timer lag (fired minus due) with many timers pending: one engine node on PostgreSQL, a journey
 * whose absence timer is set by a cart touchpoint, {@code customers} customers carting at {@code
 * rate} per second so that all their timers are pending at once before the first comes due, then
 * the lag of every firing read back from the journal (the {@code TimerFired} events of the timer
 * tags). The whole production path: journal, due-timers projection, wakers, entities (by then
 * passivated or not), persist.
 *
 * <pre>
 * java -Xmx3g -cp loadtest/target/classes:loadtest/target/lib/* \
 *     io.itinera.loadtest.timers.TimerLagBenchmark [customers=100000] [rate=1000] [delaySeconds=150]
 * </pre>
 *
 * Needs PostgreSQL on 127.0.0.1:5432 (creates and drops its own database). Prints RESULT lines.
 */
public final class TimerLagBenchmark {

  static {
    BenchSupport.ensureCommonPoolWorkers();
  }

  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

  public static void main(String[] args) throws Exception {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int delaySeconds = args.length > 2 ? Integer.parseInt(args[2]) : 150;
    String database = "itinera_bench_timers_" + System.currentTimeMillis();
    execute("CREATE DATABASE " + database);
    BenchSupport.standInForAutovacuum(SERVER + database);
    ItineraNode node = null;
    try {
      node =
          ItineraNode.start(
              ConfigFactory.parseMap(
                      Map.of(
                          "itinera.db.url", SERVER + database + "?reWriteBatchedInserts=true",
                          "itinera.http.port", 18090,
                          "pekko.management.http.port", 18590,
                          "pekko.remote.artery.canonical.port", 25690))
                  .withFallback(ConfigFactory.load()));
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + node.httpPort();
      deploy(http, base, delaySeconds);

      Instant started = cart(http, base, customers, rate);
      Duration ingest = Duration.between(started, Instant.now());
      System.out.printf(
          "RESULT carted=%d in %d s (%.0f/s); timers due from %s%n",
          customers,
          ingest.toSeconds(),
          customers * 1000.0 / ingest.toMillis(),
          started.plusSeconds(delaySeconds));

      long untilFirstDue =
          started.plusSeconds(delaySeconds).toEpochMilli() - System.currentTimeMillis();
      if (untilFirstDue > 0) {
        Thread.sleep(untilFirstDue);
      }
      System.out.printf(
          "RESULT pending when the first came due: %d customers%n",
          count(SERVER + database, "SELECT count(*) FROM due_timers"));
      List<Long> lagMillis =
          waitForFirings(node, SERVER + database, customers, delaySeconds, ingest);
      Collections.sort(lagMillis);
      System.out.printf(
          "RESULT timers fired=%d of %d; lag ms p50=%d p90=%d p99=%d max=%d%n",
          lagMillis.size(),
          customers,
          percentile(lagMillis, 50),
          percentile(lagMillis, 90),
          percentile(lagMillis, 99),
          lagMillis.isEmpty() ? -1 : lagMillis.get(lagMillis.size() - 1));
    } finally {
      if (node != null) {
        node.stop().toCompletableFuture().join();
        node.system().getWhenTerminated().toCompletableFuture().join();
      }
      execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
    System.exit(0);
  }

  /**
   * Adds {@code customers} carts at {@code rate} per second; returns when the first was sent. Four
   * senders, each posting every fourth batch of 100 at its share of the rate: one batch in flight
   * at a time paces the ingest by its latency rather than by the rate asked for.
   */
  private static Instant cart(HttpClient http, String base, int customers, int rate)
      throws Exception {
    Instant started = Instant.now();
    int perRequest = 100;
    int senders = 4;
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    List<Future<?>> running = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      int sender = s;
      running.add(
          pool.submit(
              () -> {
                for (int sent = sender * perRequest;
                    sent < customers;
                    sent += senders * perRequest) {
                  BenchSupport.postUntilOk(
                      http,
                      base + "/v1/batch",
                      batch(sent, Math.min(perRequest, customers - sent)));
                  long due = started.toEpochMilli() + (long) (sent + perRequest) * 1000 / rate;
                  long wait = due - System.currentTimeMillis();
                  if (wait > 0) {
                    Thread.sleep(wait);
                  }
                  if ((sent / perRequest) % 100 == 0) {
                    System.out.printf("carted %d of %d%n", sent + perRequest, customers);
                  }
                }
                return null;
              }));
    }
    for (Future<?> sender : running) {
      sender.get();
    }
    pool.shutdown();
    return started;
  }

  private static void deploy(HttpClient http, String base, int delaySeconds) throws Exception {
    String journey =
        """
        journey: cart-timer
        version: 1
        entry: {event: Product Added}
        stages:
          carted:
            on:
              - event: Order Completed
                goto: bought
              - absence: {event: Order Completed, within: %ds}
                do: [{channel: web, type: show, template: reminder}]
          bought: {}
        """
            .formatted(delaySeconds);
    HttpResponse<String> reply =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/journeys/cart-timer"))
                .header("Authorization", basic("dev-admin-key"))
                .header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(journey))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (reply.statusCode() != 201) {
      throw new IllegalStateException("journey not deployed: " + reply.body());
    }
  }

  private static String batch(int first, int count) {
    StringBuilder body = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < count; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"type\":\"track\",\"userId\":\"timer-")
          .append(first + i)
          .append("\",\"event\":\"Product Added\",\"messageId\":\"cart-")
          .append(first + i)
          .append("\"}");
    }
    return body.append("]}").toString();
  }

  /** Reads every TimerFired from the timer tags until all customers' timers fired or time is up. */
  /**
   * Waits until {@code due_timers} is empty (every timer fired or was cancelled), counting it every
   * 2 s, which costs the engine nothing; then reads every TimerFired from the timer tags once.
   * (Reading the journal while timers fire would load the machine it measures.)
   */
  private static List<Long> waitForFirings(
      ItineraNode node, String url, int customers, int delaySeconds, Duration ingest)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(delaySeconds + ingest.toSeconds() + 300);
    long pending = -1;
    while (Instant.now().isBefore(deadline)) {
      Thread.sleep(2_000);
      pending = count(url, "SELECT count(*) FROM due_timers");
      System.out.printf("%s: %d customers with a pending timer%n", Instant.now(), pending);
      if (pending == 0) {
        break;
      }
    }
    JdbcReadJournal journal =
        PersistenceQuery.get(node.system())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    List<Long> lags = new ArrayList<>();
    for (int slice = 0; slice < 4; slice++) {
      List<Long> sliceLags = Collections.synchronizedList(new ArrayList<>());
      journal
          .currentEventsByTag(
              Tags.timers(slice), org.apache.pekko.persistence.query.Offset.noOffset())
          .runForeach(
              envelope -> {
                if (envelope.event() instanceof CustomerEvent event) {
                  CustomerEvent.decisionIn(event).stream()
                      .flatMap(decided -> decided.events().stream())
                      .filter(TimerFired.class::isInstance)
                      .map(TimerFired.class::cast)
                      .forEach(
                          f -> sliceLags.add(Duration.between(f.timer().due(), f.at()).toMillis()));
                }
              },
              node.system())
          .toCompletableFuture()
          .join();
      lags.addAll(sliceLags);
    }
    return lags;
  }

  private static long count(String url, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static String basic(String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
  }

  private static void execute(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
