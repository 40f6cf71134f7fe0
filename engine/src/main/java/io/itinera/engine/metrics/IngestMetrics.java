package io.itinera.engine.metrics;

import io.itinera.protocol.touchpoint.TouchpointType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The ingest path's meters: touchpoints recorded, repeated and refused by route and reason, how
 * long the customers' entities take to persist them, and write admission.
 *
 * <ul>
 *   <li>{@code itinera_touchpoints_ingested_total{route}}: new touchpoints in the journal (200s);
 *   <li>{@code itinera_touchpoints_duplicates_total{route}}: repeats of a known messageId,
 *       acknowledged and not applied (client retries);
 *   <li>{@code itinera_touchpoints_rejected_total{route,reason}}: not recorded. Per touchpoint for
 *       {@code invalid} batch items, {@code overloaded} (over the admission limit), {@code busy}
 *       (the node's dispatcher is behind), {@code delivery_behind} (a channel's webhooks are
 *       behind) and {@code unavailable} (the journal did not confirm in time: 503); one per request
 *       refused as a whole ({@code unauthorized}, {@code invalid}, {@code too_large}, {@code
 *       unsupported_media_type}, {@code rate_limited}: the key is over its rate limit, 429);
 *   <li>{@code itinera_persist_seconds{outcome}}: ask-to-reply time of one customer's
 *       RecordTouchpoints, {@code outcome} {@code ok} or {@code failed} (a timeout: 5 s);
 *   <li>{@code itinera_ingest_request_seconds{status}}: an ingest request's time in its route, from
 *       when the route starts (headers parsed, a small body in hand) to its response, by {@code
 *       status} {@code 2xx}, {@code 4xx}, {@code 503} or {@code 5xx}: with the client's own
 *       latency, it tells time in the engine from time before it (sockets, the HTTP layer);
 *   <li>{@code itinera_admission_sheds_total{reason}}: write calls refused at once, {@code limit}
 *       (the touchpoints in flight would pass the node's current limit), {@code busy} (work handed
 *       to the node's dispatcher waits longer than {@code itinera.admission.max-scheduling-delay})
 *       or {@code delivery_behind} (a channel's due webhooks wait longer than {@code
 *       itinera.admission.max-delivery-age});
 *   <li>{@code itinera_admission_limit}: the node's current limit of touchpoints in flight, moved
 *       by the journal's write latency; {@code itinera_touchpoints_in_flight} those in flight now;
 *       {@code itinera_admission_latency_baseline_seconds} the long-run persist time the limit
 *       compares the recent one with; {@code itinera_admission_scheduling_delay_seconds} how long
 *       the promptest of the latest probes waited for one of the dispatcher's threads.
 * </ul>
 */
public final class IngestMetrics {

  /**
   * The ingest routes: one per touchpoint type, and the two batch routes. Their counters exist at 0
   * from start-up, so that an alert's {@code rate()} sees the first refusal.
   */
  public static final List<String> ROUTES =
      Stream.concat(
              Arrays.stream(TouchpointType.values()).map(TouchpointType::wireName),
              Stream.of("batch", "import"))
          .toList();

  /** Why touchpoints are not recorded (see the class comment). */
  public static final List<String> REJECTION_REASONS =
      List.of(
          "invalid",
          "unauthorized",
          "too_large",
          "unsupported_media_type",
          "rate_limited",
          "overloaded",
          "busy",
          "delivery_behind",
          "unavailable");

  /** Why admission sheds a write, as {@code itinera_admission_sheds_total} tags it. */
  public static final List<String> SHED_REASONS = List.of("limit", "busy", "delivery_behind");

  private final MeterRegistry registry;
  private final CounterFamily ingested;
  private final CounterFamily duplicates;
  private final CounterFamily rejected;
  private final Timer persistOk;
  private final Timer persistFailed;
  private final Map<String, Timer> answered;
  private final CounterFamily sheds;

  IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.persistOk = persistTimer(registry, "ok");
    this.persistFailed = persistTimer(registry, "failed");
    this.answered = new HashMap<>();
    for (String status : List.of("2xx", "4xx", "503", "5xx")) {
      answered.put(
          status,
          Timer.builder("itinera.ingest.request")
              .description("An ingest request's time from its route's start to its response")
              .tag("status", status)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(1))
              .maximumExpectedValue(Duration.ofSeconds(10))
              .register(registry));
    }
    this.sheds =
        new CounterFamily(
            registry,
            "itinera.admission.sheds",
            "Write calls refused at once (503), by reason: limit, busy or delivery_behind",
            "reason");
    SHED_REASONS.forEach(sheds::of);
    this.ingested =
        new CounterFamily(
            registry,
            "itinera.touchpoints.ingested",
            "New touchpoints recorded in the journal",
            "route");
    this.duplicates =
        new CounterFamily(
            registry,
            "itinera.touchpoints.duplicates",
            "Repeated messageIds, acknowledged and not applied again",
            "route");
    this.rejected =
        new CounterFamily(
            registry,
            "itinera.touchpoints.rejected",
            "Touchpoints not recorded, by reason",
            "route",
            "reason");
    for (String route : ROUTES) {
      ingested.of(route);
      duplicates.of(route);
      REJECTION_REASONS.forEach(reason -> rejected.of(route, reason));
    }
  }

  /** Meters that go nowhere, for code run without a node (unit tests). */
  public static IngestMetrics none() {
    return new IngestMetrics(new CompositeMeterRegistry());
  }

  private static Timer persistTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("itinera.persist")
        .description("Ask-to-reply time of one customer's RecordTouchpoints (persist before reply)")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  public void ingested(String route, int recorded, int duplicates) {
    if (recorded > 0) {
      ingested.of(route).increment(recorded);
    }
    if (duplicates > 0) {
      this.duplicates.of(route).increment(duplicates);
    }
  }

  public void rejected(String route, String reason, int count) {
    if (count > 0) {
      rejected.of(route, reason).increment(count);
    }
  }

  /** Times one persist: from the ask to the entity's reply, or to the ask's failure. */
  public void persisted(Duration took, boolean ok) {
    (ok ? persistOk : persistFailed).record(took);
  }

  /** One ingest request answered with {@code status}, {@code took} after its route started. */
  public void answered(int status, Duration took) {
    String key = status < 300 ? "2xx" : status < 500 ? "4xx" : status == 503 ? "503" : "5xx";
    answered.get(key).record(took);
  }

  /** A write refused by admission; {@code reason} as a problem names it ({@code limit}...). */
  public void shed(String reason) {
    sheds.of(reason.replace('-', '_')).increment();
  }

  /** Reports admission's state, read when scraped. */
  public void admission(
      Supplier<Number> inFlight,
      Supplier<Number> limit,
      Supplier<Number> baselineSeconds,
      Supplier<Number> schedulingDelaySeconds) {
    Gauge.builder("itinera.touchpoints.in.flight", inFlight)
        .description("Touchpoints being recorded through this node now (bounded by admission)")
        .strongReference(true)
        .register(registry);
    Gauge.builder("itinera.admission.limit", limit)
        .description("The node's current limit of touchpoints in flight, moved by persist latency")
        .strongReference(true)
        .register(registry);
    Gauge.builder("itinera.admission.latency.baseline", baselineSeconds)
        .description("The long-run persist time the admission limit compares the recent one with")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder("itinera.admission.scheduling.delay", schedulingDelaySeconds)
        .description("How long the promptest recent probe waited for a thread of the dispatcher")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
  }
}
