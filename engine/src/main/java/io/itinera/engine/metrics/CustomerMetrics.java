package io.itinera.engine.metrics;

import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.ActionDeferred;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.ConditionOverLimit;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.decision.JourneyEvent.TimerFired;
import io.itinera.journeys.decision.JourneyEvent.TimerScheduled;
import io.itinera.journeys.decision.WaitResolution;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What the customer entities of a node decide and how they live, counted from the decisions they
 * have just persisted (never from a replay) and from their lifecycle signals. The entity finds the
 * decisions among its events; this class knows only the decider's events.
 *
 * <ul>
 *   <li>{@code itinera_decisions_total{cause}}: journey decisions persisted ({@code touchpoint},
 *       {@code timer}, {@code merge});
 *   <li>{@code itinera_actions_emitted_total{channel}}, {@code
 *       itinera_actions_suppressed_total{channel,reason}} (reason: {@code channel_cap}, {@code
 *       global_cap}, {@code offer_cooldown}, {@code no_consent}, {@code holdout}, {@code
 *       lower_priority}), {@code itinera_actions_deferred_total{channel}} (quiet hours);
 *   <li>{@code itinera_timers_scheduled_total}, {@code itinera_timers_cancelled_total}, {@code
 *       itinera_timers_fired_total}, and {@code itinera_timer_lateness_seconds}: how long after its
 *       due time a timer fired;
 *   <li>{@code itinera_waits_zone_fallback_total}: waits for a time of day whose customer's {@code
 *       timezone} trait was not a zone, so the journey's zone was used;
 *   <li>{@code itinera_conditions_over_limit_total}: conditions that stopped at their iteration or
 *       time limit and counted as false (a decision counts each condition once);
 *   <li>{@code itinera_entity_recoveries_total}, {@code itinera_entity_recovery_seconds} (from the
 *       entity's start to its state recovered from snapshot and journal), {@code
 *       itinera_entity_recovery_failures_total}, {@code itinera_entity_stops_total} (passivated
 *       when idle, or stopped when their shard moved or the node left).
 * </ul>
 */
public final class CustomerMetrics {

  private final CounterFamily decisions;
  private final CounterFamily emitted;
  private final CounterFamily deferred;
  private final CounterFamily suppressed;
  private final Counter timersScheduled;
  private final Counter timersCancelled;
  private final Counter timersFired;
  private final Timer lateness;
  private final Counter recoveries;
  private final Timer recoveryTime;
  private final Counter recoveryFailures;
  private final Counter stops;
  private final Counter conditionsOverLimit;
  private final Counter zoneFallbacks;

  CustomerMetrics(MeterRegistry registry) {
    this.timersScheduled =
        Counter.builder("itinera.timers.scheduled")
            .description("Durable timers set (absence triggers, delays, quiet hours)")
            .register(registry);
    this.timersCancelled =
        Counter.builder("itinera.timers.cancelled")
            .description("Durable timers cancelled before they were due")
            .register(registry);
    this.timersFired =
        Counter.builder("itinera.timers.fired")
            .description("Durable timers fired")
            .register(registry);
    this.lateness =
        Timer.builder("itinera.timer.lateness")
            .description("How long after its due time a timer fired")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);
    this.recoveries =
        Counter.builder("itinera.entity.recoveries")
            .description("Customer entities started and recovered from snapshot and journal")
            .register(registry);
    this.recoveryTime =
        Timer.builder("itinera.entity.recovery")
            .description("From a customer entity's start to its state recovered")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.recoveryFailures =
        Counter.builder("itinera.entity.recovery.failures")
            .description("Customer entities whose recovery failed (the journal did not answer)")
            .register(registry);
    this.stops =
        Counter.builder("itinera.entity.stops")
            .description(
                "Customer entities stopped: passivated when idle, or moved with their shard")
            .register(registry);
    this.conditionsOverLimit =
        Counter.builder("itinera.conditions.over.limit")
            .description(
                "Journey conditions that stopped at their iteration or time limit and counted as false")
            .register(registry);
    this.zoneFallbacks =
        Counter.builder("itinera.waits.zone.fallback")
            .description(
                "Waits for a time of day that used the journey's zone, the customer's timezone trait being no zone")
            .register(registry);
    this.decisions =
        new CounterFamily(registry, "itinera.decisions", "Journey decisions persisted", "cause");
    this.emitted =
        new CounterFamily(registry, "itinera.actions.emitted", "Actions that went out", "channel");
    this.deferred =
        new CounterFamily(
            registry, "itinera.actions.deferred", "Actions held by quiet hours", "channel");
    this.suppressed =
        new CounterFamily(
            registry,
            "itinera.actions.suppressed",
            "Actions decided that did not go out, by reason",
            "channel",
            "reason");
    List.of("touchpoint", "timer", "merge").forEach(decisions::of);
  }

  /** Meters that go nowhere, for entities run without a node (unit tests). */
  public static CustomerMetrics none() {
    return new CustomerMetrics(new CompositeMeterRegistry());
  }

  /**
   * Counts a decision just persisted and what it did.
   *
   * @param cause what led to it: {@code touchpoint}, {@code timer} or {@code merge}
   */
  public void decided(String cause, List<JourneyEvent> events) {
    decisions.of(cause).increment();
    events.forEach(this::count);
  }

  private void count(JourneyEvent event) {
    if (event instanceof ActionEmitted e) {
      emitted.of(channel(e.action().channel())).increment();
    } else if (event instanceof ActionSuppressed e) {
      suppressed
          .of(channel(e.action().channel()), e.reason().name().toLowerCase(Locale.ROOT))
          .increment();
    } else if (event instanceof ActionDeferred e) {
      deferred.of(channel(e.action().channel())).increment();
    } else if (event instanceof TimerScheduled e) {
      timersScheduled.increment();
      if (WaitResolution.fellBackFromCustomerZone(e.explanation())) {
        zoneFallbacks.increment();
      }
    } else if (event instanceof TimerCancelled) {
      timersCancelled.increment();
    } else if (event instanceof ConditionOverLimit) {
      conditionsOverLimit.increment();
    } else if (event instanceof TimerFired fired) {
      timersFired.increment();
      Duration late = Duration.between(fired.timer().due(), fired.at());
      lateness.record(late.isNegative() ? Duration.ZERO : late);
    }
  }

  private static String channel(String channel) {
    return channel == null ? "" : channel;
  }

  /** A customer entity recovered its state, {@code took} after it started. */
  public void recovered(Duration took) {
    recoveries.increment();
    if (took != null) {
      recoveryTime.record(took);
    }
  }

  public void recoveryFailed() {
    recoveryFailures.increment();
  }

  public void stopped() {
    stops.increment();
  }
}
