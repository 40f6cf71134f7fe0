package io.itinera.loadtest.overload;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The overload benchmark's load and checks (run by loadtest/overload.sh, which starts the engine
 * and the webhook receiver): an open model, "Bench Ping" tracks sent at a fixed rate whatever the
 * node answers (each due at its own instant, latency timed from that instant, so a slow server
 * cannot slow the load down), first a warm-up, then the measured phase. Every request is classed by
 * what came back; then the run drains (every acknowledged webhook reaches the receiver, bounded)
 * and the overload targets are checked, one {@code VERDICT} line each:
 *
 * <ul>
 *   <li>accepted (2xx) requests' latency p99 within 250 ms;
 *   <li>accepted events' acknowledgement-to-webhook p99 within 500 ms (the client's clock when the
 *       2xx arrived, the receiver's when the action's first webhook did; one machine, one clock);
 *   <li>every request not accepted is a 503 with Retry-After: none without it, no other status, no
 *       client timeout, no connection refused, reset or closed;
 *   <li>nothing accepted is lost or duplicated: each acknowledged messageId is in the journal once,
 *       its acknowledgement names one action, and that action's webhook reached the receiver once.
 * </ul>
 *
 * <p>{@code --target URL --sink URL --db JDBC_URL --rate R --seconds S --warmup-rate W
 * --warmup-seconds WS --customers N --drain-seconds D --connections N}. Exit status 0 when every
 * target passes.
 */
public final class OverloadBenchmark {

  static final double LATENCY_P99_MS = 250;
  static final double ACK_TO_WEBHOOK_P99_MS = 500;

  /** A request not sent within this of when it was due is given up (as the client's timeout). */
  private static final long GIVE_UP_NANOS = 10_000_000_000L;

  /** What became of a request. */
  enum Kind {
    ACCEPTED("2xx"),
    SHED("503 with Retry-After"),
    SHED_BARE("503 without Retry-After"),
    OTHER_STATUS("other 4xx/5xx"),
    TIMEOUT("client timeout"),
    CONNECTION("connection refused/reset/closed");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * Request {@code index} (due {@code dueMillis} after its phase began), answered with {@code
   * status} (-1: none) after {@code latencyMillis} from when it was due; {@code ackMicros} the
   * epoch microseconds its 2xx arrived, {@code actionIds} what the 2xx named.
   */
  record Outcome(
      int index,
      String messageId,
      long dueMillis,
      Kind kind,
      int status,
      String detail,
      double latencyMillis,
      long ackMicros,
      List<String> actionIds) {}

  /** One phase's outcomes and how late the generator started requests. */
  record Phase(String name, int rate, int seconds, List<Outcome> outcomes, long[] startLagMicros) {}

  private static final Pattern REASON = Pattern.compile("\"reason\":\"([^\"]+)\"");
  private static final Pattern ACTION_ID = Pattern.compile("\\{\"id\":\"([^\"]+)\"");

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, String> options;
  private final String run = Long.toString(System.currentTimeMillis() / 1000);
  private final String auth =
      "Basic "
          + Base64.getEncoder().encodeToString("dev-write-key:".getBytes(StandardCharsets.UTF_8));

  private OverloadBenchmark(Map<String, String> options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    boolean passed = new OverloadBenchmark(options).run();
    System.exit(passed ? 0 : 1);
  }

  private String option(String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }

  private int number(String name) {
    return Integer.parseInt(option(name));
  }

  private boolean run() throws Exception {
    int customers = number("customers");
    Phase warm = null;
    int next = 0;
    if (number("warmup-seconds") > 0) {
      System.out.printf(
          "== warm-up: %d Bench Ping/s for %d s (not measured; its acknowledgements are checked"
              + " for loss too)%n",
          number("warmup-rate"), number("warmup-seconds"));
      warm = drive("warm-up", next, number("warmup-rate"), number("warmup-seconds"), customers);
      next += warm.outcomes.size();
      summary(warm);
    }
    System.out.printf(
        "== overload: %d Bench Ping/s for %d s, open model (fixed schedule), %d customers%n",
        number("rate"), number("seconds"), customers);
    Phase measured = drive("overload", next, number("rate"), number("seconds"), customers);
    windows(measured);
    summary(measured);

    List<Outcome> all = new ArrayList<>(measured.outcomes);
    if (warm != null) {
      all.addAll(warm.outcomes);
    }
    Map<String, Long> arrivals = drain(all);
    Map<String, Integer> repeats = lines(get(option("sink") + "/repeats"));
    Map<String, Integer> journal = journal();
    return verdicts(warm, measured, all, arrivals, repeats, journal);
  }

  // ---- the load ------------------------------------------------------------------------------

  /**
   * {@code rate} requests per second for {@code seconds}, request i due at i/rate s after the
   * start. A ticker every 2 ms queues those that came due and sends queued ones while fewer than
   * {@code --connections} are in flight (the client's sockets are bounded, as behind a load
   * balancer; the server's own accept limit is pekko's max-connections, 1024), never waiting for an
   * answer to queue the next: the arrivals keep their schedule whatever the node does, and a
   * request's latency runs from when it was due, so time queued in the client counts against the
   * node; one still queued 10 s after it was due is given up, as a client timeout. Returns once
   * every request has an outcome (the client times out 10 s after sending).
   */
  private Phase drive(String name, int first, int rate, int seconds, int customers)
      throws InterruptedException {
    int total = rate * seconds;
    // Each request's outcome, set once: by its answer, or at the end as having none.
    AtomicReferenceArray<Outcome> results = new AtomicReferenceArray<>(total);
    Consumer<Outcome> outcomes = o -> results.compareAndSet(o.index - first, null, o);
    long[] lag = new long[total];
    AtomicInteger queued = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    Semaphore slots = new Semaphore(number("connections"));
    CountDownLatch finished = new CountDownLatch(total);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    long origin = System.nanoTime();
    ticker.scheduleAtFixedRate(
        () -> {
          long now = System.nanoTime();
          queued.set((int) Math.min(total, (now - origin) * rate / 1_000_000_000L + 1));
          for (int i = sent.get(); i < queued.get(); i = sent.incrementAndGet()) {
            long dueNanos = origin + (long) i * 1_000_000_000L / rate;
            long waited = System.nanoTime() - dueNanos;
            lag[i] = Math.max(0, waited / 1000);
            if (waited > GIVE_UP_NANOS) {
              // Every connection was busy for as long as the client waits for an answer: a timeout.
              outcomes.accept(
                  new Outcome(
                      first + i,
                      "ov" + run + "-" + (first + i),
                      (dueNanos - origin) / 1_000_000,
                      Kind.TIMEOUT,
                      -1,
                      "not sent within 10 s (every connection busy)",
                      waited / 1e6,
                      0,
                      List.of()));
              finished.countDown();
              continue;
            }
            if (!slots.tryAcquire()) {
              break;
            }
            send(
                first + i,
                dueNanos,
                origin,
                customers,
                outcomes,
                () -> {
                  slots.release();
                  finished.countDown();
                });
          }
        },
        0,
        2,
        TimeUnit.MILLISECONDS);
    if (!finished.await(seconds + 40L, TimeUnit.SECONDS)) {
      System.out.printf(
          "(%d requests without an outcome %d s after the phase: counted as client timeouts)%n",
          finished.getCount(), 40);
    }
    ticker.shutdownNow();
    List<Outcome> all = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      long dueNanos = origin + (long) i * 1_000_000_000L / rate;
      results.compareAndSet(
          i,
          null,
          new Outcome(
              first + i,
              "ov" + run + "-" + (first + i),
              (dueNanos - origin) / 1_000_000,
              Kind.TIMEOUT,
              -1,
              i < sent.get() ? "no answer by the end of the phase" : "never sent",
              (System.nanoTime() - dueNanos) / 1e6,
              0,
              List.of()));
      all.add(results.get(i));
    }
    return new Phase(name, rate, seconds, all, lag);
  }

  private void send(
      int index,
      long dueNanos,
      long origin,
      int customers,
      Consumer<Outcome> outcomes,
      Runnable done) {
    String messageId = "ov" + run + "-" + index;
    String body =
        "{\"userId\":\"ov-c"
            + (index % customers)
            + "\",\"event\":\"Bench Ping\",\"messageId\":\""
            + messageId
            + "\",\"context\":{\"channel\":\"app\"}}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(option("target") + "/v1/track"))
            .header("Authorization", auth)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long dueMillis = (dueNanos - origin) / 1_000_000;
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (reply, error) -> {
              long ackMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
              double millis = (System.nanoTime() - dueNanos) / 1e6;
              try {
                outcomes.accept(
                    outcome(index, messageId, dueMillis, reply, error, millis, ackMicros));
              } catch (RuntimeException e) {
                outcomes.accept(
                    new Outcome(
                        index,
                        messageId,
                        dueMillis,
                        Kind.CONNECTION,
                        -1,
                        e.toString(),
                        millis,
                        0,
                        List.of()));
              } finally {
                done.run();
              }
            });
  }

  private static Outcome outcome(
      int index,
      String messageId,
      long dueMillis,
      HttpResponse<String> reply,
      Throwable error,
      double millis,
      long ackMicros) {
    if (error != null) {
      Throwable cause = error;
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      // A connect timeout is a timeout too (HttpConnectTimeoutException is an
      // HttpTimeoutException).
      Kind kind = cause instanceof HttpTimeoutException ? Kind.TIMEOUT : Kind.CONNECTION;
      String detail =
          cause instanceof HttpConnectTimeoutException
              ? "connect timeout"
              : cause instanceof ConnectException
                  ? "connection refused"
                  : cause.getClass().getSimpleName()
                      + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      return new Outcome(index, messageId, dueMillis, kind, -1, detail, millis, 0, List.of());
    }
    int status = reply.statusCode();
    if (status >= 200 && status < 300) {
      List<String> ids = new ArrayList<>();
      String body = reply.body();
      int actions = body.indexOf("\"actions\":[");
      if (actions >= 0) {
        Matcher m = ACTION_ID.matcher(body);
        m.region(actions, body.length());
        while (m.find()) {
          ids.add(m.group(1));
        }
      }
      return new Outcome(
          index, messageId, dueMillis, Kind.ACCEPTED, status, null, millis, ackMicros, ids);
    }
    Kind kind =
        status == 503
            ? reply.headers().firstValue("Retry-After").isPresent() ? Kind.SHED : Kind.SHED_BARE
            : Kind.OTHER_STATUS;
    // A shed names its reason (limit, delivery-behind); a write tried but not recorded in time is
    // a 503 with Retry-After too, without one ("unavailable").
    Matcher reason = REASON.matcher(reply.body());
    String detail =
        status == 503
            ? "503 " + (reason.find() ? reason.group(1) : "unavailable")
            : "status " + status;
    return new Outcome(index, messageId, dueMillis, kind, status, detail, millis, 0, List.of());
  }

  // ---- what the load saw ---------------------------------------------------------------------

  /** Per 5 s of due times: sent, accepted, shed, failed, accepted latency p50/p99. */
  private static void windows(Phase phase) {
    System.out.println(
        "  due at s   sent     2xx  503+RA  failed  2xx-p50-ms  2xx-p99-ms  (by when each request was due)");
    int windows = (phase.seconds + 4) / 5;
    for (int w = 0; w < windows; w++) {
      int sent = 0;
      int failed = 0;
      Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
      List<Double> accepted = new ArrayList<>();
      for (Outcome o : phase.outcomes) {
        if (o.dueMillis / 5000 != w) {
          continue;
        }
        sent++;
        kinds.merge(o.kind, 1, Integer::sum);
        if (o.kind == Kind.ACCEPTED) {
          accepted.add(o.latencyMillis);
        } else if (o.kind != Kind.SHED) {
          failed++;
        }
      }
      double[] sorted = accepted.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf(
          "  %3d-%3d %6d %7d %7d %7d %11.1f %11.1f%n",
          w * 5,
          w * 5 + 5,
          sent,
          kinds.getOrDefault(Kind.ACCEPTED, 0),
          kinds.getOrDefault(Kind.SHED, 0),
          failed,
          percentile(sorted, 0.50),
          percentile(sorted, 0.99));
    }
  }

  private static void summary(Phase phase) {
    Map<Kind, Integer> kinds = count(phase.outcomes);
    Map<String, Integer> details = new TreeMap<>();
    Map<String, Integer> refusals = new TreeMap<>();
    for (Outcome o : phase.outcomes) {
      if (o.detail != null) {
        (o.kind == Kind.SHED ? refusals : details).merge(o.detail, 1, Integer::sum);
      }
    }
    double[] lag = sortedMillis(phase.startLagMicros);
    double[] accepted = acceptedLatencies(phase);
    int accepts = kinds.get(Kind.ACCEPTED);
    System.out.printf(
        "RESULT %s: offered %d (%d/s for %d s); requests sent after they were due (generator lag and waits"
            + " for one of the client's connections) by p99 %.1f ms, max %.1f ms%n",
        phase.name,
        phase.outcomes.size(),
        phase.rate,
        phase.seconds,
        percentile(lag, 0.99),
        lag.length == 0 ? 0 : lag[lag.length - 1]);
    StringBuilder classes = new StringBuilder();
    kinds.forEach((k, n) -> classes.append(String.format("; %s %d", k.label, n)));
    System.out.printf(
        "RESULT %s by class: %s%n", phase.name, classes.substring(2).replace("; ", ", "));
    System.out.printf(
        "RESULT %s accepted %.0f/s; 2xx latency from due time ms p50=%.1f p99=%.1f max=%.1f%n",
        phase.name,
        accepts / (double) phase.seconds,
        percentile(accepted, 0.50),
        percentile(accepted, 0.99),
        accepted.length == 0 ? 0 : accepted[accepted.length - 1]);
    if (!refusals.isEmpty()) {
      System.out.printf("RESULT %s 503 with Retry-After by reason: %s%n", phase.name, refusals);
    }
    if (!details.isEmpty()) {
      System.out.printf("RESULT %s failures: %s%n", phase.name, details);
    }
  }

  private static double[] acceptedLatencies(Phase phase) {
    return phase.outcomes.stream()
        .filter(o -> o.kind == Kind.ACCEPTED)
        .mapToDouble(Outcome::latencyMillis)
        .sorted()
        .toArray();
  }

  // ---- the drain, the receiver and the journal -----------------------------------------------

  /**
   * Waits until every action an acknowledgement named has reached the receiver and no delivery is
   * left undelivered, at most {@code --drain-seconds}; then 2 s more for any late repeat. Returns
   * the receiver's first arrivals (epoch microseconds) by action id.
   */
  private Map<String, Long> drain(List<Outcome> all) throws Exception {
    List<String> expected = new ArrayList<>();
    for (Outcome o : all) {
      expected.addAll(o.actionIds);
    }
    long start = System.nanoTime();
    long deadline = start + number("drain-seconds") * 1_000_000_000L;
    Map<String, Long> arrivals;
    long missing;
    long undelivered;
    while (true) {
      arrivals = arrivals();
      Map<String, Long> seen = arrivals;
      missing = expected.stream().filter(id -> !seen.containsKey(id)).count();
      undelivered = undelivered();
      if ((missing == 0 && undelivered == 0) || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(1000);
    }
    System.out.printf(
        "RESULT drain: %s after %.1f s from the end of the load (%d acknowledged actions not at the"
            + " receiver, %d deliveries not written delivered)%n",
        missing == 0 && undelivered == 0 ? "done" : "NOT done",
        (System.nanoTime() - start) / 1e9,
        missing,
        undelivered);
    Thread.sleep(2000);
    return arrivals();
  }

  private Map<String, Long> arrivals() throws Exception {
    Map<String, Long> arrivals = new HashMap<>();
    for (String line : get(option("sink") + "/arrivals").split("\n")) {
      int comma = line.indexOf(',');
      if (comma > 0) {
        arrivals.put(line.substring(0, comma), Long.parseLong(line.substring(comma + 1).trim()));
      }
    }
    return arrivals;
  }

  private static Map<String, Integer> lines(String text) {
    Map<String, Integer> counts = new HashMap<>();
    for (String line : text.split("\n")) {
      int comma = line.indexOf(',');
      if (comma > 0) {
        counts.put(line.substring(0, comma), Integer.parseInt(line.substring(comma + 1).trim()));
      }
    }
    return counts;
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private long undelivered() throws Exception {
    try (Connection c = DriverManager.getConnection(option("db"), "postgres", "");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT count(*) FROM deliveries WHERE status <> 'delivered'")) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * How many TouchpointRecorded events of this run's customers name each messageId (a text string
   * in the CBOR payload, as engine/src/test/.../JournalCheck reads it).
   */
  private Map<String, Integer> journal() throws Exception {
    Map<String, Integer> recorded = new HashMap<>();
    int unreadable = 0;
    try (Connection c = DriverManager.getConnection(option("db"), "postgres", "");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT substring(encode(event_payload, 'escape') from 'ov"
                    + run
                    + "-[0-9]+') FROM event_journal WHERE persistence_id LIKE 'Customer|ov-c%'"
                    + " AND event_ser_manifest LIKE '%TouchpointRecorded'")) {
      while (r.next()) {
        String id = r.getString(1);
        if (id == null) {
          unreadable++;
        } else {
          recorded.merge(id, 1, Integer::sum);
        }
      }
    }
    if (unreadable > 0) {
      System.out.printf(
          "RESULT journal: %d touchpoint events without a readable messageId%n", unreadable);
    }
    return recorded;
  }

  // ---- the targets ---------------------------------------------------------------------------

  private static boolean verdicts(
      Phase warm,
      Phase measured,
      List<Outcome> all,
      Map<String, Long> arrivals,
      Map<String, Integer> repeats,
      Map<String, Integer> journal) {
    boolean passed = true;

    double[] accepted = acceptedLatencies(measured);
    double p99 = percentile(accepted, 0.99);
    boolean latencyOk = accepted.length > 0 && p99 <= LATENCY_P99_MS;
    passed &=
        verdict(
            latencyOk,
            "accepted latency",
            String.format(
                "p99 %.1f ms over %d 2xx of the overload phase (target <= %.0f ms)",
                p99, accepted.length, LATENCY_P99_MS));

    // Acknowledgement to webhook; an accepted event whose webhook never came counts as infinitely
    // late (and fails the loss check below too).
    List<Double> toWebhook = new ArrayList<>();
    int never = 0;
    for (Outcome o : measured.outcomes) {
      if (o.kind != Kind.ACCEPTED || o.actionIds.isEmpty()) {
        continue;
      }
      Long arrived = arrivals.get(o.actionIds.get(0));
      if (arrived == null) {
        never++;
        toWebhook.add(Double.POSITIVE_INFINITY);
      } else {
        toWebhook.add((arrived - o.ackMicros) / 1000.0);
      }
    }
    double[] hooks = toWebhook.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double hookP99 = percentile(hooks, 0.99);
    passed &=
        verdict(
            hooks.length > 0 && hookP99 <= ACK_TO_WEBHOOK_P99_MS,
            "ack to webhook",
            String.format(
                "p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d accepted events (%d never arrived)"
                    + " (target p99 <= %.0f ms)",
                percentile(hooks, 0.50),
                hookP99,
                hooks.length == 0 ? 0 : hooks[hooks.length - 1],
                hooks.length,
                never,
                ACK_TO_WEBHOOK_P99_MS));

    // The overload phase's requests; the warm-up's failures are named beside (they say the warm-up
    // rate, meant to be the node's capacity, was more than it held).
    Map<Kind, Integer> kinds = count(measured.outcomes);
    int bad = failures(kinds);
    int warmBad = warm == null ? 0 : failures(count(warm.outcomes));
    passed &=
        verdict(
            bad == 0,
            "refusals are 503 + Retry-After",
            String.format(
                "%d of %d overload requests neither 2xx nor 503 with Retry-After: 503 without %d,"
                    + " other status %d, timeouts %d, connection %d; 2xx %d, 503+RA %d"
                    + " (warm-up: %d failed)",
                bad,
                measured.outcomes.size(),
                kinds.get(Kind.SHED_BARE),
                kinds.get(Kind.OTHER_STATUS),
                kinds.get(Kind.TIMEOUT),
                kinds.get(Kind.CONNECTION),
                kinds.get(Kind.ACCEPTED),
                kinds.get(Kind.SHED),
                warmBad));
    if (kinds.get(Kind.SHED) == 0) {
      System.out.println(
          "WARNING nothing was shed: the rate did not overload the node, raise --rate/--capacity");
    }

    int acknowledged = 0;
    int notInJournal = 0;
    int inJournalTwice = 0;
    int notOneAction = 0;
    int webhookMissing = 0;
    int webhookRepeated = 0;
    List<String> examples = new ArrayList<>();
    Set<String> acknowledgedActions = new HashSet<>();
    Set<String> acknowledgedMessages = new HashSet<>();
    for (Outcome o : all) {
      if (o.kind != Kind.ACCEPTED) {
        continue;
      }
      acknowledged++;
      acknowledgedMessages.add(o.messageId);
      int times = journal.getOrDefault(o.messageId, 0);
      String problem = null;
      if (times == 0) {
        notInJournal++;
        problem = "not in journal";
      } else if (times > 1) {
        inJournalTwice++;
        problem = "in journal x" + times;
      }
      if (o.actionIds.size() != 1) {
        notOneAction++;
        problem = "ack named " + o.actionIds.size() + " actions";
      } else {
        String id = o.actionIds.get(0);
        acknowledgedActions.add(id);
        if (!arrivals.containsKey(id)) {
          webhookMissing++;
          problem = "webhook " + id + " never arrived";
        } else if (repeats.containsKey(id)) {
          webhookRepeated++;
          problem = "webhook " + id + " arrived " + (1 + repeats.get(id)) + " times";
        }
      }
      if (problem != null && examples.size() < 5) {
        examples.add(o.messageId + ": " + problem);
      }
    }
    int wrong = notInJournal + inJournalTwice + notOneAction + webhookMissing + webhookRepeated;
    passed &=
        verdict(
            wrong == 0 && acknowledged > 0,
            "nothing lost or duplicated",
            String.format(
                "%d acknowledged messageIds: not in journal %d, in journal more than once %d, ack not"
                    + " naming one action %d, webhook never arrived %d, webhook arrived more than once"
                    + " %d%s",
                acknowledged,
                notInJournal,
                inJournalTwice,
                notOneAction,
                webhookMissing,
                webhookRepeated,
                examples.isEmpty() ? "" : "; e.g. " + examples));
    long otherRecorded =
        journal.keySet().stream().filter(id -> !acknowledgedMessages.contains(id)).count();
    long otherWebhooks =
        arrivals.keySet().stream().filter(id -> !acknowledgedActions.contains(id)).count();
    System.out.printf(
        "RESULT also: %d touchpoints recorded though not acknowledged (a client would retry them,"
            + " deduplicated by messageId), %d webhooks of actions no acknowledgement named, %d"
            + " action ids delivered more than once in all%n",
        otherRecorded, otherWebhooks, repeats.size());
    return passed;
  }

  private static Map<Kind, Integer> count(List<Outcome> outcomes) {
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      kinds.put(k, 0);
    }
    outcomes.forEach(o -> kinds.merge(o.kind, 1, Integer::sum));
    return kinds;
  }

  /** Neither accepted nor refused as the issue asks. */
  private static int failures(Map<Kind, Integer> kinds) {
    return kinds.get(Kind.SHED_BARE)
        + kinds.get(Kind.OTHER_STATUS)
        + kinds.get(Kind.TIMEOUT)
        + kinds.get(Kind.CONNECTION);
  }

  private static boolean verdict(boolean ok, String target, String figure) {
    System.out.printf("VERDICT %-32s %s  %s%n", target + ":", ok ? "PASS" : "FAIL", figure);
    return ok;
  }

  private static double[] sortedMillis(long[] micros) {
    return Arrays.stream(micros).mapToDouble(m -> m / 1000.0).sorted().toArray();
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  }
}
