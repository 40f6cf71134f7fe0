package io.itinera.loadtest.delivery;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractStrictEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameter;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import io.itinera.loadtest.driver.BenchSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The webhook receiver of the delivery benchmark: answers 204 at once, and for every first delivery
 * of an action id records when it arrived and how long after the action's decision ({@code
 * data.decidedAt}, stamped by the customer's entity before its journal write, so before the ingest
 * acknowledgement: the latency is an upper bound of acknowledgement to webhook).
 *
 * <p>{@code POST /reset} clears the figures, {@code GET /report} prints them, {@code POST
 * /gone?times=1} answers the next request 410 (to park a channel's queue for a drain measurement).
 * {@code java -cp ... io.itinera.loadtest.delivery.WebhookSink [port]} (default 18090).
 */
public final class WebhookSink {

  private static final int CAPACITY = 2_000_000;

  private final long[] latencyMicros = new long[CAPACITY];

  /** When each first delivery arrived, in ms after the first: the report's 5 s windows. */
  private final int[] arrivalMillis = new int[CAPACITY];

  private final AtomicInteger count = new AtomicInteger();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong firstArrivalNanos = new AtomicLong();
  private final AtomicLong lastArrivalNanos = new AtomicLong();
  private final AtomicInteger gone = new AtomicInteger();

  /** When each action's first delivery arrived (epoch microseconds), by action id. */
  private Map<String, Long> arrivals = new ConcurrentHashMap<>();

  /** How many more times than once each action id arrived (only those that did). */
  private Map<String, Integer> repeats = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18090;
    ActorSystem<Void> system =
        BenchSupport.localSystem("webhook-sink", "pekko.http.server.backlog = 1024");
    BenchSupport.serve(system, new WebhookSink().route(), port);
  }

  Route route() {
    return concat(
        path(
            "reset",
            () ->
                post(
                    () -> {
                      reset();
                      return complete(StatusCodes.NO_CONTENT);
                    })),
        path("report", () -> get(() -> complete(report()))),
        path("arrivals", () -> get(() -> complete(arrivalLines()))),
        path("repeats", () -> get(() -> complete(repeatLines()))),
        path(
            "gone",
            () ->
                post(
                    () ->
                        parameter(
                            "times",
                            times -> {
                              gone.set(Integer.parseInt(times));
                              return complete(StatusCodes.NO_CONTENT);
                            }))),
        post(
            () ->
                extractStrictEntity(
                    Duration.ofSeconds(10),
                    256 * 1024,
                    entity -> {
                      if (gone.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        return complete(StatusCodes.GONE);
                      }
                      receive(entity.getData().utf8String());
                      return complete(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
                    })));
  }

  private void receive(String body) {
    long nanos = System.nanoTime();
    Instant now = Instant.now();
    String id = field(body, "\"id\":\"");
    if (id == null
        || arrivals.putIfAbsent(id, ChronoUnit.MICROS.between(Instant.EPOCH, now)) != null) {
      duplicates.incrementAndGet();
      if (id != null) {
        repeats.merge(id, 1, Integer::sum);
      }
      return;
    }
    String decided = field(body, "\"decidedAt\":\"");
    firstArrivalNanos.compareAndSet(0, nanos);
    int i = count.getAndIncrement();
    if (i < CAPACITY && decided != null) {
      latencyMicros[i] = Duration.between(Instant.parse(decided), now).toNanos() / 1000;
      arrivalMillis[i] = (int) ((nanos - firstArrivalNanos.get()) / 1_000_000);
    }
    lastArrivalNanos.set(nanos);
  }

  /** "action id,arrived at (epoch microseconds)" per first delivery since the last reset. */
  private String arrivalLines() {
    StringBuilder lines = new StringBuilder();
    arrivals.forEach((id, micros) -> lines.append(id).append(',').append(micros).append('\n'));
    return lines.toString();
  }

  /** "action id,deliveries after the first" per action id delivered more than once. */
  private String repeatLines() {
    StringBuilder lines = new StringBuilder();
    repeats.forEach((id, n) -> lines.append(id).append(',').append(n).append('\n'));
    return lines.toString();
  }

  private static String field(String json, String prefix) {
    int start = json.indexOf(prefix);
    if (start < 0) {
      return null;
    }
    start += prefix.length();
    return json.substring(start, json.indexOf('"', start));
  }

  private synchronized void reset() {
    count.set(0);
    duplicates.set(0);
    firstArrivalNanos.set(0);
    lastArrivalNanos.set(0);
    arrivals = new ConcurrentHashMap<>();
    repeats = new ConcurrentHashMap<>();
  }

  /** The same figures per 5 s of arrivals: whether the latency is steady or from one stretch. */
  private String windows(int n) {
    StringBuilder out = new StringBuilder();
    int from = 0;
    while (from < n) {
      int window = arrivalMillis[from] / 5000;
      int to = from;
      // Concurrent arrivals may be a millisecond out of order: a window takes its stragglers.
      while (to < n && arrivalMillis[to] / 5000 <= window) {
        to++;
      }
      long[] part = Arrays.copyOfRange(latencyMicros, from, to);
      Arrays.sort(part);
      out.append(
          String.format(
              "  arrivals %3d-%3d s: %6d, latency_ms p50=%.1f p99=%.1f max=%.1f%n",
              window * 5,
              window * 5 + 5,
              part.length,
              percentile(part, 0.50),
              percentile(part, 0.99),
              part[part.length - 1] / 1000.0));
      from = to;
    }
    return out.toString();
  }

  private synchronized HttpResponse report() {
    int n = Math.min(count.get(), CAPACITY);
    long[] sorted = Arrays.copyOf(latencyMicros, n);
    Arrays.sort(sorted);
    double seconds = (lastArrivalNanos.get() - firstArrivalNanos.get()) / 1e9;
    String text =
        String.format(
                "received=%d duplicates=%d span_s=%.2f rate_per_s=%.0f latency_ms p50=%.1f p95=%.1f p99=%.1f max=%.1f%n",
                n,
                duplicates.get(),
                seconds,
                seconds > 0 ? (n - 1) / seconds : 0,
                percentile(sorted, 0.50),
                percentile(sorted, 0.95),
                percentile(sorted, 0.99),
                n == 0 ? 0 : sorted[n - 1] / 1000.0)
            + windows(n);
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(
                ContentTypes.TEXT_PLAIN_UTF8, text.getBytes(StandardCharsets.UTF_8)));
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1000.0;
  }
}
