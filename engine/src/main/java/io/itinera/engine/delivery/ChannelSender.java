package io.itinera.engine.delivery;

import io.itinera.engine.delivery.Delivery.Status;
import io.itinera.engine.delivery.WebhookAttempts.Outcome;
import io.itinera.engine.delivery.WebhookExchange.Answer;
import io.itinera.engine.metrics.DeliveryMetrics;
import io.itinera.engine.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.UserAgent;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's webhook queue: a stream that reads the channel's due deliveries, throttles them to
 * the endpoint's rate limit, sends at most {@code maxInFlight} at once through the channel's own
 * connection pool, and writes the outcomes in groups. Each channel has its own, so a slow or
 * failing receiver only ever holds up its own channel.
 *
 * <p>The rows it has read and not yet written back are in {@code inFlight} (shared with the next
 * sender of the channel, should this one be replaced by an endpoint change), so no delivery is sent
 * twice at once. How long due rows wait for a slot is kept in a {@link ChannelWait}.
 */
final class ChannelSender {

  private static final Logger log = LoggerFactory.getLogger(ChannelSender.class);

  /**
   * {@code application/cloudevents+json; charset=utf-8}, the charset in lower case: Pekko renders
   * {@code HttpCharsets.UTF_8} as {@code UTF-8}, which the CloudEvents JavaScript SDK refuses.
   */
  static final ContentType CLOUDEVENTS =
      MediaTypes.applicationWithOpenCharset("cloudevents+json")
          .toContentType(HttpCharsets.custom("utf-8"));

  private static final UserAgent USER_AGENT = UserAgent.create("Itinera-Webhooks/0.1");

  private final ChannelEndpoint endpoint;
  private final WebhookAttempts attempts;
  private final ChannelEndpoints endpoints;
  private final DeliveryNotices notices;
  private final DeliverySettings settings;
  private final RetryPolicy retry;
  private final Set<String> inFlight;
  private final Clock clock;
  private final Executor blocking;
  private final ActorSystem<?> system;
  private final Http http;
  private final ConnectionPoolSettings pool;
  private final LoggingAdapter httpLog;

  /** Until when the receiver asked us to hold off (429 or 503 with Retry-After). */
  private volatile Instant pausedUntil = Instant.MIN;

  /** Set when the receiver answered 410 Gone: nothing more is sent to it. */
  private final AtomicBoolean gone = new AtomicBoolean();

  /** Set when the channel's endpoint changed or went: rows read are put back, not sent. */
  private volatile boolean stopped;

  /** How long its due deliveries wait for a slot (what {@link DeliveryBacklog} reports). */
  private final ChannelWait wait;

  /** Set when a poll left due deliveries behind: poll again as soon as there is room. */
  private volatile boolean backlog;

  private BoundedSourceQueue<String> wakeUps;
  private UniqueKillSwitch killSwitch;

  ChannelSender(
      ChannelEndpoint endpoint,
      WebhookAttempts attempts,
      ChannelEndpoints endpoints,
      DeliveryNotices notices,
      DeliverySettings settings,
      ReceiverAddresses addresses,
      Set<String> inFlight,
      Clock clock,
      Executor blocking,
      ActorSystem<?> system) {
    this.endpoint = endpoint;
    this.attempts = attempts;
    this.endpoints = endpoints;
    this.notices = notices;
    this.settings = settings;
    this.retry = RetryPolicy.of(settings);
    this.inFlight = inFlight;
    this.clock = clock;
    this.blocking = blocking;
    this.system = system;
    this.http = Http.get(system);
    // The channel's own pool: as many connections as requests in flight, and a connection that is
    // silent for the endpoint's timeout is closed, failing the request it carries.
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withMaxConnections(endpoint.maxInFlight())
            .withMaxOpenRequests(powerOfTwoAtLeast(Math.max(32, endpoint.maxInFlight() * 2)))
            .withMaxRetries(0)
            .withConnectionSettings(
                ClientConnectionSettings.create(system.classicSystem())
                    .withIdleTimeout(endpoint.timeout())
                    .withConnectingTimeout(endpoint.timeout())
                    .withTransport(
                        WebhookExchange.checkedTransport(
                            addresses,
                            system.dispatchers().lookup(DispatcherSelector.blocking()))));
    this.httpLog = Logging.getLogger(system.classicSystem(), ChannelSender.class);
    this.wait =
        new ChannelWait(
            endpoint.channel(),
            endpoint.maxInFlight(),
            attempts,
            inFlight,
            blocking,
            clock.instant());
  }

  ChannelEndpoint endpoint() {
    return endpoint;
  }

  ChannelSender start() {
    Metrics.get(system).deliveries().senderStarted(endpoint.channel());
    Pair<BoundedSourceQueue<String>, Source<String, NotUsed>> nudges =
        Source.<String>queue(1).preMaterialize(system);
    wakeUps = nudges.first();
    // The kill switch stops the polling only: what was read already is attempted (or, once
    // stopped, put back untouched) and its outcome written, so no row stays marked in flight.
    Source<Delivery, UniqueKillSwitch> due =
        nudges
            .second()
            .merge(Source.tick(Duration.ZERO, settings.pollInterval(), "tick"))
            .viaMat(KillSwitches.single(), Keep.right())
            .mapAsync(1, wake -> poll())
            .mapConcat(batch -> batch);
    if (endpoint.rateLimit() > 0) {
      due =
          due.throttle(
              endpoint.rateLimit(),
              Duration.ofSeconds(1),
              endpoint.rateLimit(),
              ThrottleMode.shaping());
    }
    killSwitch =
        due.mapAsyncUnordered(endpoint.maxInFlight(), this::attempt)
            .groupedWithin(settings.batchSize(), Duration.ofMillis(20))
            .mapAsync(1, this::record)
            .to(Sink.ignore())
            .run(Materializer.matFromSystem(system));
    log.info(
        "Sending channel {} to {} (at most {} in flight{})",
        endpoint.channel(),
        endpoint.url(),
        endpoint.maxInFlight(),
        endpoint.rateLimit() > 0 ? ", " + endpoint.rateLimit() + " per second" : "");
    return this;
  }

  /** New deliveries are queued: look now rather than at the next poll. */
  void nudge() {
    BoundedSourceQueue<String> queue = wakeUps;
    if (queue != null) {
      queue.offer("nudge");
    }
  }

  void stop() {
    stopped = true;
    if (killSwitch != null) {
      killSwitch.shutdown();
    }
  }

  /** The due deliveries not in flight, up to what keeps one batch in hand. */
  private CompletionStage<List<Delivery>> poll() {
    int room = settings.batchSize() - inFlight.size();
    if (room <= 0 || stopped || gone.get() || clock.instant().isBefore(pausedUntil)) {
      backlog = room <= 0;
      return CompletableFuture.completedFuture(List.of());
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            List<Delivery> due =
                attempts.due(endpoint.channel(), clock.instant(), room, Set.copyOf(inFlight));
            due.forEach(
                d -> {
                  inFlight.add(d.actionId());
                  wait.read(d);
                });
            backlog = due.size() == room;
            return due;
          } catch (Exception e) {
            log.warn("Deliveries of channel {} not read: {}", endpoint.channel(), e.getMessage());
            return List.<Delivery>of();
          }
        },
        blocking);
  }

  /** How long the oldest due delivery waiting for a slot has been due, if one waits. */
  Optional<Duration> oldestWaiting(Instant now) {
    return wait.oldest(now);
  }

  /** See {@link ChannelWait#probe}. */
  void probe() {
    if (!stopped) {
      wait.probe(clock.instant());
    }
  }

  boolean failing() {
    return wait.failing();
  }

  private CompletionStage<Outcome> attempt(Delivery delivery) {
    wait.started(delivery.actionId());
    Instant now = clock.instant();
    if (stopped) {
      return CompletableFuture.completedFuture(
          held(delivery, now, "the channel's endpoint changed"));
    }
    if (gone.get()) {
      return CompletableFuture.completedFuture(
          held(delivery, now, "the endpoint answered 410 Gone and was disabled"));
    }
    if (now.isBefore(pausedUntil)) {
      return CompletableFuture.completedFuture(
          held(delivery, pausedUntil, "the receiver asked to wait (Retry-After)"));
    }
    byte[] body = delivery.event().getBytes(StandardCharsets.UTF_8);
    long timestamp = System.currentTimeMillis() / 1000;
    HttpRequest request =
        HttpRequest.POST(endpoint.url())
            .withEntity(CLOUDEVENTS, body)
            .addHeader(RawHeader.create("webhook-id", delivery.actionId()))
            .addHeader(RawHeader.create("webhook-timestamp", Long.toString(timestamp)))
            .addHeader(
                RawHeader.create(
                    "webhook-signature",
                    WebhookSignature.sign(endpoint.secret(), delivery.actionId(), timestamp, body)))
            .addHeader(USER_AGENT);
    long limit = endpoint.timeout().toMillis() * 2 + 1000;
    wait.sending();
    return http.singleRequest(request, http.defaultClientHttpsContext(), pool, httpLog)
        .thenCompose(response -> WebhookExchange.answer(response, system))
        .toCompletableFuture()
        .orTimeout(limit, TimeUnit.MILLISECONDS)
        .handle(
            (answer, failure) -> {
              wait.answered(failure == null && answer.status() >= 200 && answer.status() < 300);
              if (failure == null) {
                return outcome(delivery, answer, clock.instant());
              }
              Optional<ReceiverAddresses.Refused> refused = WebhookExchange.refusedIn(failure);
              return refused.isPresent()
                  ? refused(delivery, clock.instant(), refused.get())
                  : failed(
                      delivery,
                      clock.instant(),
                      WebhookExchange.describe(failure, endpoint.timeout()));
            });
  }

  /** Dead at once: every retry would reach the same refused address. */
  private Outcome refused(Delivery delivery, Instant now, ReceiverAddresses.Refused refused) {
    log.warn(
        "Delivery {} to channel {} is dead, no connection made: {}",
        delivery.actionId(),
        endpoint.channel(),
        refused.getMessage());
    return new Outcome(
        delivery.actionId(),
        Status.DEAD,
        delivery.attempts() + 1,
        null,
        now,
        null,
        refused.getMessage());
  }

  private Outcome outcome(Delivery delivery, Answer answer, Instant now) {
    int attempts = delivery.attempts() + 1;
    int status = answer.status();
    if (status >= 200 && status < 300) {
      return new Outcome(delivery.actionId(), Status.DELIVERED, attempts, null, now, status, null);
    }
    String error =
        "HTTP "
            + status
            + (answer.body() == null || answer.body().isBlank()
                ? ""
                : ": " + answer.body().strip());
    if (status == 410) {
      disable(now);
      return new Outcome(
          delivery.actionId(),
          Status.PENDING,
          delivery.attempts(),
          now,
          now,
          status,
          "410 Gone: the endpoint was disabled; this delivery is sent when the channel's endpoint is set again");
    }
    Optional<Duration> retryAfter =
        status == 429 || status == 503
            ? RetryPolicy.parseRetryAfter(answer.retryAfter(), now)
            : Optional.empty();
    retryAfter.ifPresent(wait -> pause(now.plus(wait)));
    return next(delivery, attempts, now, status, error, retryAfter);
  }

  private Outcome failed(Delivery delivery, Instant now, String error) {
    return next(delivery, delivery.attempts() + 1, now, null, error, Optional.empty());
  }

  private Outcome next(
      Delivery delivery,
      int attempts,
      Instant now,
      Integer status,
      String error,
      Optional<Duration> retryAfter) {
    Optional<Instant> next = retry.next(attempts, now, retryAfter);
    if (next.isEmpty()) {
      log.warn(
          "Delivery {} to channel {} is dead after {} attempts; the last: {}",
          delivery.actionId(),
          endpoint.channel(),
          attempts,
          error);
      return new Outcome(delivery.actionId(), Status.DEAD, attempts, null, now, status, error);
    }
    return new Outcome(
        delivery.actionId(), Status.PENDING, attempts, next.get(), now, status, error);
  }

  /** Not attempted: put back for {@code until}, its attempts and last result unchanged. */
  private static Outcome held(Delivery delivery, Instant until, String why) {
    return new Outcome(
        delivery.actionId(),
        Status.PENDING,
        delivery.attempts(),
        until,
        delivery.lastAttemptAt(),
        delivery.lastStatus(),
        delivery.lastError() == null ? why : delivery.lastError());
  }

  private void pause(Instant until) {
    if (until.isAfter(pausedUntil)) {
      pausedUntil = until;
      log.info(
          "Channel {} holds its deliveries until {}, as the receiver asked",
          endpoint.channel(),
          until);
    }
  }

  private void disable(Instant now) {
    if (gone.compareAndSet(false, true)) {
      String reason =
          "the receiver answered 410 Gone at " + now + "; PUT the endpoint again to resume";
      log.warn(
          "Channel {} endpoint {} is disabled: {}", endpoint.channel(), endpoint.url(), reason);
      CompletableFuture.runAsync(
              () -> {
                try {
                  endpoints.disable(endpoint.channel(), reason, now);
                } catch (Exception e) {
                  log.warn(
                      "Channel {} could not be marked disabled: {}",
                      endpoint.channel(),
                      e.getMessage());
                }
              },
              blocking)
          .thenRun(notices::endpointsChanged);
    }
  }

  private CompletionStage<Done> record(List<Outcome> outcomes) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            attempts.record(outcomes);
            // Counted once written: a delivery whose outcome is lost is sent again and counted
            // then.
            DeliveryMetrics meters = Metrics.get(system).deliveries();
            for (Outcome outcome : outcomes) {
              meters.delivered(endpoint.channel(), outcome.status().wireName()).increment();
            }
          } catch (Exception e) {
            // The rows stay pending as they were and are sent again: at least once, same id.
            log.warn(
                "Outcomes of {} deliveries to channel {} not written: {}",
                outcomes.size(),
                endpoint.channel(),
                e.getMessage());
          } finally {
            outcomes.forEach(o -> inFlight.remove(o.actionId()));
          }
          if (backlog) {
            nudge();
          }
          return Done.getInstance();
        },
        blocking);
  }

  private static int powerOfTwoAtLeast(int n) {
    int p = 1;
    while (p < n) {
      p <<= 1;
    }
    return p;
  }
}
