package io.itinera.loadtest.driver;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * An open-model load of {@code /v1/track} requests at a fixed rate, with what happened to the
 * requests due in each second (by the time a request was due to be sent, so queueing counts). For
 * the benchmarks that watch throughput over time (recovery, scaling) rather than a staircase.
 */
public final class OpenLoad {

  /** The staircase harness's SLO: p99 within 100 ms. */
  public static final double SLO_P99_MILLIS = 100;

  private OpenLoad() {}

  /**
   * {@code rate} tracks per second for {@code seconds}, in ticks of 10 ms, to the customers of
   * {@code order} in turn; request {@code i} goes to the node {@code base.apply(i)} (an http URL).
   * Returns when every request was answered or failed (10 s timeout).
   */
  public static Second[] drive(
      HttpClient http, IntFunction<String> base, List<String> order, int rate, int seconds)
      throws InterruptedException {
    return drive(http, base, order, rate, seconds, outcome -> {});
  }

  /**
   * As {@link #drive(HttpClient, IntFunction, List, int, int)}, and tells {@code outcomes} what
   * became of every request as it completes (on the HTTP client's threads: keep it quick), for
   * callers that need more than per-second counts: which requests were acknowledged, where the
   * failures went and why.
   */
  public static Second[] drive(
      HttpClient http,
      IntFunction<String> base,
      List<String> order,
      int rate,
      int seconds,
      Consumer<Outcome> outcomes)
      throws InterruptedException {
    Second[] result = new Second[seconds];
    Arrays.setAll(result, s -> new Second());
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    long origin = System.nanoTime();
    int total = rate * seconds;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger pending = new AtomicInteger(total);
    CountDownLatch finished = new CountDownLatch(1);
    String auth = basic("dev-write-key");
    ticker.scheduleAtFixedRate(
        () -> {
          long elapsed = System.nanoTime() - origin;
          int shouldHaveSent = (int) Math.min(total, elapsed * rate / 1_000_000_000L);
          for (int i = next.get(); i < shouldHaveSent; i = next.incrementAndGet()) {
            long due = origin + (long) i * 1_000_000_000L / rate;
            int secondIndex = (int) ((due - origin) / 1_000_000_000L);
            Second second = result[secondIndex];
            String customer = order.get(i % order.size());
            String messageId = "m-" + origin + "-" + i;
            String node = base.apply(i);
            int index = i;
            second.sent();
            http.sendAsync(
                    track(node, customer, messageId, auth), HttpResponse.BodyHandlers.discarding())
                .whenComplete(
                    (reply, error) -> {
                      double millis = (System.nanoTime() - due) / 1e6;
                      Outcome outcome =
                          new Outcome(
                              index,
                              secondIndex,
                              node,
                              customer,
                              messageId,
                              error == null ? reply.statusCode() : -1,
                              unwrap(error),
                              millis);
                      second.record(outcome.acknowledged(), millis, outcome.kind());
                      tell(outcomes, outcome);
                      if (pending.decrementAndGet() == 0) {
                        finished.countDown();
                      }
                    });
          }
        },
        0,
        10,
        TimeUnit.MILLISECONDS);
    finished.await(seconds + 30L, TimeUnit.SECONDS);
    ticker.shutdownNow();
    return result;
  }

  /** A failing listener must not stop the load: its failure is printed, not thrown. */
  private static void tell(Consumer<Outcome> outcomes, Outcome outcome) {
    try {
      outcomes.accept(outcome);
    } catch (RuntimeException e) {
      e.printStackTrace();
    }
  }

  /** A Product Viewed track for {@code customer}, to the node at {@code node}. */
  private static HttpRequest track(String node, String customer, String messageId, String auth) {
    String body =
        "{\"userId\":\""
            + customer
            + "\",\"event\":\"Product Viewed\",\"messageId\":\""
            + messageId
            + "\",\"properties\":{\"sku\":\"sku-1\",\"price\":120}}";
    return HttpRequest.newBuilder(URI.create(node + "/v1/track"))
        .header("Authorization", auth)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /**
   * The first second from which every second answered all it sent, none failed, p99 within the SLO;
   * -1 if the last second did not.
   */
  public static int backToFull(Second[] seconds) {
    int back = -1;
    for (int s = seconds.length - 1; s >= 0; s--) {
      Second second = seconds[s];
      if (second.failedCount() > 0
          || second.answered() < second.sentCount()
          || second.percentile(99) > SLO_P99_MILLIS) {
        break;
      }
      back = s;
    }
    return back;
  }

  /** Prints one line per second; a second with failures also says what they were. */
  public static void print(Second[] seconds) {
    System.out.println("second  sent  answered  failed  p50-ms  p99-ms");
    for (int s = 0; s < seconds.length; s++) {
      Second second = seconds[s];
      Map<String, Integer> failures = second.failuresByKind();
      System.out.printf(
          "%6d %5d %9d %7d %7.1f %7.1f%s%n",
          s,
          second.sentCount(),
          second.answered(),
          second.failedCount(),
          second.percentile(50),
          second.percentile(99),
          failures.isEmpty() ? "" : "  " + failures);
    }
  }

  private static Throwable unwrap(Throwable error) {
    while (error instanceof CompletionException && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

  /**
   * What became of request {@code index}: sent to {@code base} in second {@code second} (by when it
   * was due), answered with {@code status} (-1: no answer, see {@code error}) after {@code
   * latencyMillis} from when it was due.
   */
  public record Outcome(
      int index,
      int second,
      String base,
      String customer,
      String messageId,
      int status,
      Throwable error,
      double latencyMillis) {

    /** Answered 200: the touchpoint was recorded. */
    public boolean acknowledged() {
      return error == null && status == 200;
    }

    /**
     * "ok", "status 503" (any status but 200), "timeout" (no answer within 10 s), "connect
     * timeout", "connection refused", or the exception's class and message.
     */
    public String kind() {
      if (acknowledged()) {
        return "ok";
      }
      if (error == null) {
        return "status " + status;
      }
      if (error instanceof HttpConnectTimeoutException) {
        return "connect timeout";
      }
      if (error instanceof HttpTimeoutException) {
        return "timeout";
      }
      if (error instanceof ConnectException) {
        return "connection refused";
      }
      return error.getClass().getSimpleName()
          + (error.getMessage() == null ? "" : ": " + error.getMessage());
    }
  }

  public static String basic(String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
  }

  /** What happened to the requests due in one second. */
  public static final class Second {
    private int sent;
    private int failed;
    private final List<Double> millis = new ArrayList<>();
    private final Map<String, Integer> failures = new TreeMap<>();

    synchronized void sent() {
      sent++;
    }

    synchronized void record(boolean ok, double latencyMillis, String kind) {
      if (ok) {
        millis.add(latencyMillis);
      } else {
        failed++;
        failures.merge(kind, 1, Integer::sum);
      }
    }

    public synchronized int sentCount() {
      return sent;
    }

    public synchronized int failedCount() {
      return failed;
    }

    public synchronized int answered() {
      return millis.size();
    }

    /** The failed requests by {@link Outcome#kind()}, e.g. {@code {status 503=3, timeout=1}}. */
    public synchronized Map<String, Integer> failuresByKind() {
      return new TreeMap<>(failures);
    }

    /** The latency percentile of the answered requests, in ms; NaN when none was answered. */
    public synchronized double percentile(int p) {
      if (millis.isEmpty()) {
        return Double.NaN;
      }
      List<Double> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      return sorted.get(
          Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    public static Second merge(Second[] seconds) {
      Second all = new Second();
      for (Second second : seconds) {
        synchronized (second) {
          all.sent += second.sent;
          all.failed += second.failed;
          all.millis.addAll(second.millis);
          second.failures.forEach((kind, n) -> all.failures.merge(kind, n, Integer::sum));
        }
      }
      return all;
    }

    @Override
    public synchronized String toString() {
      return String.format(
          "%d sent, %d answered, %d failed%s, p50 %.1f ms, p99 %.1f ms",
          sent,
          answered(),
          failed,
          failures.isEmpty() ? "" : " " + failures,
          percentile(50),
          percentile(99));
    }
  }
}
