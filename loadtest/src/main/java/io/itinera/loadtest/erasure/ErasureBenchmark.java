package io.itinera.loadtest.erasure;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.ItineraNode;
import io.itinera.loadtest.driver.BenchSupport;
import io.itinera.loadtest.driver.OpenLoad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Erasure of a customer with a long history (issue 16's reach target: 10,000 events in under 1 s).
 * One engine node on PostgreSQL with a cart-reminder journey. For each run, a fresh customer gets
 * {@code events} touchpoints through {@code /v1/batch} (500 per request, alternately "Product
 * Added" and "Order Completed"), every event is given a tag row (the worst case for the deletion;
 * the journey tags only the events that change a timer), then {@code DELETE /v1/customers/{id}} is
 * timed from request to reply, the reply coming once every row is deleted. The customer's export
 * ({@code GET /v1/customers/{id}/export}, streamed) is timed just before. Around it, a probe times
 * how long a new customer's timer takes to reach {@code due_timers} through eventsByTag, before and
 * after the erasure: whether the deleted rows stall the projections. A first, small erasure warms
 * the code path up and is not counted.
 *
 * <pre>
 * java -cp "loadtest/target/classes:loadtest/target/lib/*" \
 *     io.itinera.loadtest.erasure.ErasureBenchmark [events=10000] [runs=5]
 * </pre>
 *
 * Needs PostgreSQL on 127.0.0.1:5432 (creates and drops its own database). Prints RESULT lines.
 */
public final class ErasureBenchmark {

  static {
    BenchSupport.ensureCommonPoolWorkers();
  }

  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private static final int PER_REQUEST = 500;
  private static final String JOURNEY =
      """
      journey: cart
      version: 1
      entry:
        event: Product Added
      stages:
        decision:
          on:
            - event: Order Completed
              goto: bought
            - absence: {event: Order Completed, within: 1h}
              do:
                - {channel: email, type: send, template: cart-reminder}
        bought:
          on:
            - event: Product Added
              goto: decision
      """;

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String database = "itinera_bench_erasure_" + System.currentTimeMillis();
    execute(SERVER + "postgres", "CREATE DATABASE " + database);
    String url = SERVER + database + "?reWriteBatchedInserts=true";
    HttpClient http = HttpClient.newHttpClient();
    ItineraNode node = start(url);
    try {
      String base = "http://127.0.0.1:" + node.httpPort();
      send(http, "PUT", base + "/v1/journeys/cart", JOURNEY, "application/yaml", 201);
      fill(http, base, "warm-up", 1_000);
      erase(http, base, "warm-up");
      List<Double> millis = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        String customer = "erase-" + run;
        long fillStarted = System.nanoTime();
        fill(http, base, customer, events);
        double fillSeconds = (System.nanoTime() - fillStarted) / 1e9;
        tagEveryEvent(url, customer);
        long rows = count(url, customer);
        long tagRows = tags(url, customer);
        long exportStarted = System.nanoTime();
        int exportBytes =
            send(http, "GET", base + "/v1/customers/" + customer + "/export", null, null, 200)
                .length();
        double exportMillis = (System.nanoTime() - exportStarted) / 1e6;
        double before = probe(http, base, url, "probe-before-" + run);
        long started = System.nanoTime();
        String reply = erase(http, base, customer);
        double took = (System.nanoTime() - started) / 1e6;
        double after = probe(http, base, url, "probe-after-" + run);
        millis.add(took);
        System.out.printf(
            "RESULT run %d: %d events (%d journal rows, %d tag rows) written in %.1f s; exported"
                + " in %.0f ms (%d characters); erased in %.0f ms; left %d rows; a timer reached"
                + " due_timers in %.0f ms before, %.0f ms after; reply %s%n",
            run,
            events,
            rows,
            tagRows,
            fillSeconds,
            exportMillis,
            exportBytes,
            took,
            count(url, customer),
            before,
            after,
            reply);
      }
      System.out.printf(
          "RESULT erasure of %d events: min %.0f ms, median %.0f ms, max %.0f ms over %d runs%n",
          events,
          millis.stream().mapToDouble(d -> d).min().orElse(0),
          millis.stream().sorted().toList().get(millis.size() / 2),
          millis.stream().mapToDouble(d -> d).max().orElse(0),
          runs);
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
                    "itinera.http.port", 18096,
                    "pekko.management.http.port", 18596,
                    "pekko.remote.artery.canonical.port", 25696))
            .withFallback(ConfigFactory.load()));
  }

  /** {@code events} touchpoints of one customer, {@link #PER_REQUEST} per batch, in order. */
  private static void fill(HttpClient http, String base, String customer, int events)
      throws Exception {
    for (int first = 0; first < events; first += PER_REQUEST) {
      StringBuilder body = new StringBuilder("{\"batch\":[");
      for (int e = first; e < Math.min(events, first + PER_REQUEST); e++) {
        body.append(e == first ? "" : ",")
            .append("{\"type\":\"track\",\"userId\":\"")
            .append(customer)
            .append("\",\"event\":\"")
            .append(e % 2 == 0 ? "Product Added" : "Order Completed")
            .append("\",\"messageId\":\"")
            .append(customer)
            .append('-')
            .append(e)
            .append("\",\"properties\":{\"sku\":\"sku-")
            .append(e % 37)
            .append("\"}}");
      }
      BenchSupport.postUntilOk(http, base + "/v1/batch", body.append("]}").toString());
    }
  }

  /**
   * The worst case for the deletion: a tag row for every event (the journey tags only the events
   * that change a timer), on a tag no projection reads.
   */
  private static void tagEveryEvent(String url, String customer) throws Exception {
    execute(
        url,
        "INSERT INTO event_tag (event_id, tag) SELECT ordering, 'bench-every-event' FROM"
            + " event_journal WHERE persistence_id = 'Customer|"
            + customer
            + "'");
  }

  /**
   * How long until a new customer's timer reaches {@code due_timers} through the due-timers
   * projection (eventsByTag): whether the rows an erasure deleted stall the projections.
   */
  private static double probe(HttpClient http, String base, String url, String customer)
      throws Exception {
    long started = System.nanoTime();
    BenchSupport.postUntilOk(
        http, base + "/v1/track", "{\"userId\":\"" + customer + "\",\"event\":\"Product Added\"}");
    while (queryLong(url, "SELECT count(*) FROM due_timers WHERE customer_id = '" + customer + "'")
        == 0) {
      Thread.sleep(5);
    }
    return (System.nanoTime() - started) / 1e6;
  }

  private static String erase(HttpClient http, String base, String customer) throws Exception {
    return send(http, "DELETE", base + "/v1/customers/" + customer, null, null, 200);
  }

  private static String send(
      HttpClient http, String method, String url, String body, String contentType, int expected)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", OpenLoad.basic("dev-admin-key"))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> reply = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (reply.statusCode() != expected) {
      throw new IllegalStateException(
          method + " " + url + ": " + reply.statusCode() + reply.body());
    }
    return reply.body();
  }

  private static long count(String url, String customer) throws Exception {
    return queryLong(
        url,
        "SELECT count(*) FROM event_journal WHERE persistence_id = 'Customer|" + customer + "'");
  }

  private static long tags(String url, String customer) throws Exception {
    return queryLong(
        url,
        "SELECT count(*) FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id"
            + " WHERE j.persistence_id = 'Customer|"
            + customer
            + "'");
  }

  private static long queryLong(String url, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static void execute(String url, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private ErasureBenchmark() {}
}
