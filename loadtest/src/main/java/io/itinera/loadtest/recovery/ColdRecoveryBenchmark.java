package io.itinera.loadtest.recovery;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.ItineraNode;
import io.itinera.loadtest.driver.BenchSupport;
import io.itinera.loadtest.driver.OpenLoad;
import io.itinera.loadtest.driver.OpenLoad.Second;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cold recovery: how long until a node whose customers are all out of memory serves them at full
 * throughput again. One engine node on PostgreSQL, no journeys.
 *
 * <ol>
 *   <li><b>Fill.</b> {@code customers} customers get {@code events} touchpoints each through {@code
 *       /v1/batch} (10 customers x 10 events per request), so each has a snapshot (every 100
 *       events) and a history behind it.
 *   <li><b>Warm.</b> {@code /v1/track} at {@code rate} per second, the customers in a shuffled
 *       round robin, for {@code warmSeconds}: the JIT warms up and the last 10 s give the warm
 *       baseline (every entity in memory).
 *   <li><b>Cold.</b> The node is stopped and a new one started on the same database, in the same
 *       JVM (so compiled code stays warm and what is measured is the entities' recovery, as when a
 *       lost node's customers move to a running node). The same load resumes at once: in the first
 *       {@code customers / rate} seconds every request finds its customer's entity cold.
 * </ol>
 *
 * <p>Per second of the cold phase (by the time a request was due to be sent, so queueing counts):
 * answered, failed, p50 and p99. <b>Back to full throughput</b> = the first second from which every
 * second answered all its requests with p99 within the SLO (100 ms). The client runs in the same
 * JVM, on the same two cores.
 *
 * <pre>
 * java -Xmx3g -cp "loadtest/target/classes:loadtest/target/lib/*" \
 *     io.itinera.loadtest.recovery.ColdRecoveryBenchmark [customers=10000] [events=100] [rate=1000] [warmSeconds=60]
 * </pre>
 *
 * Needs PostgreSQL on 127.0.0.1:5432 (creates and drops its own database). Prints RESULT lines.
 */
public final class ColdRecoveryBenchmark {

  static {
    BenchSupport.ensureCommonPoolWorkers();
  }

  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private static final int COLD_SECONDS = 30;

  public static void main(String[] args) throws Exception {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    int warmSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    String database = "itinera_bench_recovery_" + System.currentTimeMillis();
    execute(SERVER + "postgres", "CREATE DATABASE " + database);
    String url = SERVER + database + "?reWriteBatchedInserts=true";
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
    ItineraNode node = start(url);
    try {
      String base = "http://127.0.0.1:" + node.httpPort();
      long fillStarted = System.nanoTime();
      fill(http, base, customers, events);
      double fillSeconds = (System.nanoTime() - fillStarted) / 1e9;
      analyze(url);
      System.out.printf(
          "RESULT fill: %d customers x %d events in %.0f s (%.0f events/s); %s%n",
          customers,
          events,
          fillSeconds,
          customers * (double) events / fillSeconds,
          journalSummary(url));

      List<String> order = shuffled(customers);
      String warmBase = base;
      Second[] warm = OpenLoad.drive(http, i -> warmBase, order, rate, warmSeconds);
      Second baseline =
          Second.merge(Arrays.copyOfRange(warm, Math.max(0, warmSeconds - 10), warmSeconds));
      System.out.printf("RESULT warm baseline (last 10 s, entities in memory): %s%n", baseline);

      node.stop().toCompletableFuture().join();
      node.system().getWhenTerminated().toCompletableFuture().join();
      long restart = System.nanoTime();
      node = start(url);
      System.out.printf("RESULT new node ready in %.1f s%n", (System.nanoTime() - restart) / 1e9);
      base = "http://127.0.0.1:" + node.httpPort();
      String coldBase = base;
      // A new client: the old one's pooled connections went to the stopped node (same port), and
      // each would fail once on reuse.
      HttpClient coldHttp =
          HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
      Second[] cold = OpenLoad.drive(coldHttp, i -> coldBase, order, rate, COLD_SECONDS);
      OpenLoad.print(cold);
      int back = OpenLoad.backToFull(cold);
      System.out.printf(
          "RESULT cold: back to full throughput (%d/s, every request answered, p99 <= %.0f ms) after %s;"
              + " first %d s (every entity cold): %s%n",
          rate,
          OpenLoad.SLO_P99_MILLIS,
          back < 0 ? "never (within " + COLD_SECONDS + " s)" : back + " s",
          customers / rate,
          Second.merge(Arrays.copyOfRange(cold, 0, Math.min(cold.length, customers / rate))));
    } finally {
      node.stop().toCompletableFuture().join();
      node.system().getWhenTerminated().toCompletableFuture().join();
      execute(SERVER + "postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
    System.exit(0);
  }

  private static ItineraNode start(String url) {
    return ItineraNode.start(
        ConfigFactory.parseMap(
                Map.of(
                    "itinera.db.url", url,
                    "itinera.journeys.directory", "",
                    "itinera.http.port", 18095,
                    "pekko.management.http.port", 18595,
                    "pekko.remote.artery.canonical.port", 25695))
            .withFallback(ConfigFactory.load()));
  }

  /**
   * Round robin over the customers, 10 customers x 10 events per request, four requests in flight.
   */
  private static void fill(HttpClient http, String base, int customers, int events)
      throws Exception {
    int perCustomer = 10;
    int customersPerRequest = 10;
    int rounds = (events + perCustomer - 1) / perCustomer;
    ExecutorService senders = Executors.newFixedThreadPool(4);
    AtomicInteger done = new AtomicInteger();
    int requests = rounds * ((customers + customersPerRequest - 1) / customersPerRequest);
    List<Future<?>> running = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (int first = 0; first < customers; first += customersPerRequest) {
        int r = round;
        int f = first;
        running.add(
            senders.submit(
                () -> {
                  StringBuilder body = new StringBuilder("{\"batch\":[");
                  boolean comma = false;
                  for (int c = f; c < Math.min(customers, f + customersPerRequest); c++) {
                    for (int e = r * perCustomer;
                        e < Math.min(events, (r + 1) * perCustomer);
                        e++) {
                      body.append(comma ? "," : "")
                          .append("{\"type\":\"track\",\"userId\":\"cold-")
                          .append(c)
                          .append("\",\"event\":\"Product Viewed\",\"messageId\":\"fill-")
                          .append(c)
                          .append('-')
                          .append(e)
                          .append("\",\"properties\":{\"sku\":\"sku-")
                          .append(e % 37)
                          .append("\",\"price\":")
                          .append(e)
                          .append("}}");
                      comma = true;
                    }
                  }
                  BenchSupport.postUntilOk(http, base + "/v1/batch", body.append("]}").toString());
                  int n = done.incrementAndGet();
                  if (n % 1000 == 0) {
                    System.out.printf("fill: %d of %d requests%n", n, requests);
                  }
                  return null;
                }));
      }
    }
    for (Future<?> request : running) {
      request.get();
    }
    senders.shutdown();
  }

  private static List<String> shuffled(int customers) {
    List<String> order = new ArrayList<>();
    for (int c = 0; c < customers; c++) {
      order.add("cold-" + c);
    }
    Collections.shuffle(order, new Random(42));
    return order;
  }

  private static String journalSummary(String url) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT (SELECT count(*) FROM event_journal), (SELECT count(*) FROM snapshot)")) {
      rows.next();
      return rows.getLong(1) + " journal rows, " + rows.getLong(2) + " snapshots";
    }
  }

  /** Autovacuum may be off (it is on the shared test server): give the planner its statistics. */
  private static void analyze(String url) throws Exception {
    execute(url, "ANALYZE");
  }

  private static void execute(String url, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
