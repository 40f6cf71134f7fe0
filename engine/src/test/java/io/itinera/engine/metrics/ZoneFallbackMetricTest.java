package io.itinera.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.PendingTimer;
import io.itinera.journeys.decision.WaitResolution;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Wait;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A wait for 10:00 whose customer's timezone trait is no zone is counted, one with a zone not. */
class ZoneFallbackMetricTest {

  private static final Action TEN =
      new Action(
          null,
          "email",
          "send",
          "tips",
          null,
          Map.of(),
          Duration.ZERO,
          null,
          new Wait.UntilTimeOfDay(LocalTime.of(10, 0), "customer"),
          null,
          Map.of());

  @Test
  void waitsThatFellBackToTheJourneysZoneAreCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CustomerMetrics metrics = new CustomerMetrics(registry);
    metrics.decided("touchpoint", List.of(scheduled("Mars/Olympus"), scheduled("Europe/Berlin")));
    assertEquals(1.0, registry.counter("itinera.waits.zone.fallback").count());
    assertEquals(2.0, registry.counter("itinera.timers.scheduled").count());
  }

  private static JourneyEvent scheduled(String timezone) {
    Instant now = Instant.parse("2026-03-28T12:00:00Z");
    WaitResolution.Due due =
        (WaitResolution.Due) WaitResolution.resolve(TEN, Map.of("timezone", timezone), "UTC", now);
    PendingTimer timer =
        new PendingTimer(
            "t-" + timezone,
            due.at(),
            PendingTimer.Kind.DELAYED_ACTION,
            "j",
            1,
            "s",
            "enter",
            null);
    return new JourneyEvent.TimerScheduled(timer, due.explanation());
  }
}
