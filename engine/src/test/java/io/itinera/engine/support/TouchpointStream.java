package io.itinera.engine.support;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A channel integration as a well-behaved client: one thread per customer sends that customer's
 * touchpoints one after another, each with its own messageId, and retries a touchpoint that was not
 * acknowledged (503, connection refused or reset, no answer in time) with the same messageId
 * through the next live node until it is. Every attempt is kept, for the test to read what the
 * engine answered and when.
 *
 * <p>Message ids are {@code <prefix>-c<customer>-<seq>}, fixed width, so they can be found in the
 * journal's payloads. By default a customer's first touchpoint is {@code Product Added} (it enters
 * a journey with an absence timer), the later ones {@code Page Viewed}; a test may choose each
 * touchpoint's event by its sequence number instead.
 */
public final class TouchpointStream {

  /** What one attempt got. */
  public enum Outcome {
    OK,
    /** 503 with Retry-After: nothing acknowledged, retry. */
    UNAVAILABLE,
    /** The node did not accept the connection, or dropped it mid-request. */
    CONNECTION,
    /** No answer within the client's timeout. */
    TIMEOUT,
    /** Anything else: a 500, a 4xx. Never expected. */
    OTHER
  }

  /** One HTTP attempt, with monotonic times in nanoseconds. */
  public record Attempt(
      String customer,
      String messageId,
      int port,
      long startNanos,
      long endNanos,
      int status,
      String retryAfter,
      Outcome outcome,
      String detail) {

    public Duration took() {
      return Duration.ofNanos(endNanos - startNanos);
    }
  }

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(120);

  private final String prefix;
  private final int customers;
  private final Duration interval;
  private final Supplier<List<Integer>> livePorts;
  private final IntFunction<String> eventAt;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  private final Map<String, List<String>> acknowledged = new LinkedHashMap<>();
  private final Map<String, List<Long>> acknowledgedAt = new LinkedHashMap<>();
  private final List<String> givenUp = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean sending;

  /**
   * @param livePorts the HTTP ports to send to now, as a load balancer's healthy endpoints
   * @param interval the pause between one customer's touchpoints
   */
  public TouchpointStream(
      String prefix, int customers, Duration interval, Supplier<List<Integer>> livePorts) {
    this(prefix, customers, interval, livePorts, seq -> seq == 1 ? "Product Added" : "Page Viewed");
  }

  /**
   * @param eventAt the event name of each customer's touchpoint by its sequence number (from 1)
   */
  public TouchpointStream(
      String prefix,
      int customers,
      Duration interval,
      Supplier<List<Integer>> livePorts,
      IntFunction<String> eventAt) {
    this.eventAt = eventAt;
    this.prefix = prefix;
    this.customers = customers;
    this.interval = interval;
    this.livePorts = livePorts;
    for (int c = 0; c < customers; c++) {
      acknowledged.put(customer(c), Collections.synchronizedList(new ArrayList<>()));
      acknowledgedAt.put(customer(c), Collections.synchronizedList(new ArrayList<>()));
    }
  }

  public String customer(int index) {
    return String.format("%s-c%03d", prefix, index);
  }

  public List<String> customers() {
    return List.copyOf(acknowledged.keySet());
  }

  public void start() {
    sending = true;
    for (int c = 0; c < customers; c++) {
      int index = c;
      Thread thread = new Thread(() -> run(index), "stream-" + customer(c));
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /**
   * Stops sending new touchpoints; each customer's last one is still retried until acknowledged.
   */
  public void stop() {
    sending = false;
    for (Thread thread : threads) {
      try {
        thread.join(GIVE_UP_AFTER.toMillis() + CLIENT_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void run(int index) {
    String customer = customer(index);
    int seq = 0;
    while (sending) {
      seq++;
      String messageId = String.format("%s-%05d", customer, seq);
      String event = eventAt.apply(seq);
      String body =
          "{\"userId\":\""
              + customer
              + "\",\"messageId\":\""
              + messageId
              + "\",\"event\":\""
              + event
              + "\",\"properties\":{\"seq\":"
              + seq
              + "}}";
      if (sendUntilAcknowledged(index, customer, messageId, body)) {
        acknowledged.get(customer).add(messageId);
        acknowledgedAt.get(customer).add(System.nanoTime());
      } else {
        givenUp.add(messageId);
        return;
      }
      NodeProcess.sleep(interval.toMillis());
    }
  }

  private boolean sendUntilAcknowledged(int index, String customer, String messageId, String body) {
    long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
    int attempt = 0;
    while (System.nanoTime() < deadline) {
      List<Integer> ports = livePorts.get();
      if (ports.isEmpty()) {
        NodeProcess.sleep(200);
        continue;
      }
      int port = ports.get(Math.floorMod(index + attempt, ports.size()));
      attempt++;
      Attempt result = send(customer, messageId, port, body);
      attempts.add(result);
      if (result.outcome() == Outcome.OK) {
        return true;
      }
      // Retry at once through another node; a short pause so a whole outage is not a busy loop.
      NodeProcess.sleep(200);
    }
    return false;
  }

  private Attempt send(String customer, String messageId, int port, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/track"))
            .timeout(CLIENT_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Authorization", ApiClient.basic(ApiClient.WRITE_KEY))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      long end = System.nanoTime();
      int status = response.statusCode();
      Outcome outcome =
          status == 200 ? Outcome.OK : status == 503 ? Outcome.UNAVAILABLE : Outcome.OTHER;
      return new Attempt(
          customer,
          messageId,
          port,
          start,
          end,
          status,
          response.headers().firstValue("Retry-After").orElse(null),
          outcome,
          status == 200 ? null : response.body());
    } catch (HttpConnectTimeoutException e) {
      return failed(customer, messageId, port, start, Outcome.CONNECTION, e);
    } catch (HttpTimeoutException e) {
      return failed(customer, messageId, port, start, Outcome.TIMEOUT, e);
    } catch (ConnectException e) {
      return failed(customer, messageId, port, start, Outcome.CONNECTION, e);
    } catch (IOException e) {
      return failed(customer, messageId, port, start, Outcome.CONNECTION, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(customer, messageId, port, start, Outcome.OTHER, e);
    }
  }

  private static Attempt failed(
      String customer, String messageId, int port, long start, Outcome outcome, Exception e) {
    return new Attempt(
        customer, messageId, port, start, System.nanoTime(), -1, null, outcome, e.toString());
  }

  public List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  /** The message ids each customer had acknowledged, in order. */
  public Map<String, List<String>> acknowledged() {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    acknowledged.forEach((customer, ids) -> copy.put(customer, List.copyOf(ids)));
    return copy;
  }

  public long acknowledgedCount() {
    return acknowledged.values().stream().mapToLong(List::size).sum();
  }

  /** Messages still not acknowledged when the client gave up on them. */
  public List<String> givenUp() {
    return List.copyOf(givenUp);
  }

  /** When {@code customer} next had a touchpoint acknowledged at or after {@code nanos}. */
  public Optional<Long> firstAcknowledgedAfter(String customer, long nanos) {
    synchronized (acknowledgedAt.get(customer)) {
      return acknowledgedAt.get(customer).stream().filter(at -> at >= nanos).findFirst();
    }
  }
}
