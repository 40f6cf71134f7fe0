package io.itinera.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the simulations share: settings from system properties, the open-model staircase, the HTTP
 * protocol and a request chain timed by {@link Meter}.
 *
 * <ul>
 *   <li>{@code -Dtarget=http://127.0.0.1:18080} the server
 *   <li>{@code -Dlabel=...} the row name in the results
 *   <li>{@code -Drates=START:STEP:LEVELS} requests/s of the first level, the increase per level,
 *       the number of levels (each simulation has a default)
 *   <li>{@code -DlevelSeconds=5}, {@code -DsloP99Ms=100}, {@code -DwarmupSeconds=8} (a ramp up to
 *       the first level, not measured)
 *   <li>{@code -Dcustomers=10000} distinct userIds (see {@link #customer}); {@code
 *       -DcustomerPrefix=c-}
 * </ul>
 */
final class Staircase {

  /** {@code dev-write-key:} in HTTP Basic: the development write key with an empty password. */
  static final String DEV_WRITE_KEY_AUTH = "Basic ZGV2LXdyaXRlLWtleTo=";

  final String target;
  final String label;
  final int[] rates;
  final int levelSeconds;
  final int warmupSeconds;
  final double sloP99Millis;
  final int customers;
  final String customerPrefix;
  final Meter meter;

  /** Unique per run, so that messageIds never repeat across runs on the same database. */
  final String runId = Long.toString(System.currentTimeMillis(), 36);

  private final AtomicLong messages = new AtomicLong();

  Staircase(String defaultLabel, String defaultRates, String defaultPrefix, int eventsPerRequest) {
    target = System.getProperty("target", "http://127.0.0.1:18080");
    label = System.getProperty("label", defaultLabel);
    String[] r = System.getProperty("rates", defaultRates).split(":");
    int start = Integer.parseInt(r[0]);
    int step = Integer.parseInt(r[1]);
    rates = new int[Integer.parseInt(r[2])];
    for (int i = 0; i < rates.length; i++) {
      rates[i] = start + i * step;
    }
    levelSeconds = Integer.getInteger("levelSeconds", 5);
    warmupSeconds = Integer.getInteger("warmupSeconds", 40);
    sloP99Millis = Double.parseDouble(System.getProperty("sloP99Ms", "100"));
    customers = Integer.getInteger("customers", 10_000);
    customerPrefix = System.getProperty("customerPrefix", defaultPrefix);
    meter = new Meter(label, eventsPerRequest, rates, levelSeconds, warmupSeconds, sloP99Millis);
  }

  List<OpenInjectionStep> injection() {
    List<OpenInjectionStep> steps = new ArrayList<>();
    // Warm-up (JIT, connection pool, first shards): a ramp up to the first level, not measured.
    if (warmupSeconds > 0) {
      steps.add(
          rampUsersPerSec(Math.min(50, rates[0]))
              .to(rates[0])
              .during(Duration.ofSeconds(warmupSeconds)));
    }
    for (int rate : rates) {
      steps.add(constantUsersPerSec(rate).during(Duration.ofSeconds(levelSeconds)));
    }
    return steps;
  }

  Duration maxDuration() {
    return Duration.ofSeconds((long) rates.length * levelSeconds + warmupSeconds + 15);
  }

  HttpProtocolBuilder protocol() {
    return http.baseUrl(target)
        .header("Authorization", DEV_WRITE_KEY_AUTH)
        .contentTypeHeader("application/json")
        .acceptHeader("application/json")
        // One pool for all virtual users: an open model makes a user per request, and a new TCP
        // connection per request would measure the kernel, not the server.
        .shareConnections()
        // A bounded pool, as an SDK or a CDP has: without it a stall makes Gatling open hundreds of
        // connections at once, the listen backlog overflows and SYN retries end in Gatling's 10 s
        // timeout, an artefact of the client. With the cap, requests wait in the client and that
        // wait counts in the latency (Meter's clock starts before the request is queued).
        .maxConnectionsPerHost(Integer.getInteger("maxConnections", 256))
        // Gatling's default warm-up calls an outside URL; traffic stays on 127.0.0.1.
        .disableWarmUp();
  }

  /** One virtual user = one request, timed from just before it is sent to its answer. */
  ChainBuilder request(String path, Function<Session, String> body) {
    return request(path, post(path, body), session -> {});
  }

  /**
   * The same; {@code onAnswer} sees each answered session, with the ids of the actions the answer
   * names (a list, possibly empty) under {@code "actionIds"}. Only this variant parses answers, so
   * the other simulations' client spends nothing on it.
   */
  ChainBuilder request(String path, Function<Session, String> body, Consumer<Session> onAnswer) {
    return request(
        path,
        post(path, body)
            .check(jsonPath("$.actions[*].id").findAll().optional().saveAs("actionIds")),
        onAnswer);
  }

  private HttpRequestActionBuilder post(String path, Function<Session, String> body) {
    return http(label)
        .post(path)
        .body(io.gatling.javaapi.core.CoreDsl.StringBody(body))
        .check(status().is(200));
  }

  private ChainBuilder request(
      String path, HttpRequestActionBuilder request, Consumer<Session> onAnswer) {
    return exec(session -> session.set("t0", meter.start()))
        .exec(request)
        .exec(
            session -> {
              meter.record(session.getLong("t0"), !session.isFailed());
              onAnswer.accept(session);
              return session;
            })
        .stopLoadGeneratorIf(session -> meter.stopReason(), session -> meter.shouldStop());
  }

  /**
   * The first {@code customers} events name every customer once, in order (they fall in the
   * warm-up, so the measured levels find the customers' entities active); after that, uniformly
   * random customers. Set {@code -DcustomerPrefix} to something new and {@code -Dcustomers} very
   * large to measure first touches (entity recovery) instead.
   */
  String customer(long event) {
    return customerPrefix
        + (event < customers ? event : ThreadLocalRandom.current().nextInt(customers));
  }

  /**
   * One Segment track call's fields (without the surrounding braces' type), shoe-shop flavoured.
   */
  String trackFields() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long event = messages.getAndIncrement();
    return "\"userId\":\""
        + customer(event)
        + "\",\"event\":\"Product Viewed\",\"messageId\":\""
        + runId
        + "-"
        + event
        + "\",\"properties\":{\"sku\":\"SKU-"
        + random.nextInt(10_000)
        + "\",\"category\":\"running-shoes\",\"price\":"
        + (50 + random.nextInt(150))
        + ".90},\"context\":{\"channel\":\"web\"}";
  }
}
