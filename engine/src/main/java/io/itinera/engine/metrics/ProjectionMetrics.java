package io.itinera.engine.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * A read-side projection's meters, by projection name:
 *
 * <ul>
 *   <li>{@code itinera_projection_lag_seconds{projection}}: from an event's journal write to the
 *       commit of the group that counted it (the newest event of each group): how stale the read
 *       side is;
 *   <li>{@code itinera_projection_group_seconds{projection}}: one group's handling, reads, writes
 *       and commit: if it nears the group window while the lag grows, the projection is the
 *       bottleneck; if not, reading the journal is.
 *   <li>{@code itinera_projection_group_events{projection}}: the events per group.
 * </ul>
 */
public final class ProjectionMetrics {

  private final Timer lag;
  private final Timer group;
  private final io.micrometer.core.instrument.DistributionSummary events;

  ProjectionMetrics(MeterRegistry registry, String projection) {
    this.lag =
        Timer.builder("itinera.projection.lag")
            .description("From an event's journal write to the commit of the group counting it")
            .tag("projection", projection)
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.group =
        Timer.builder("itinera.projection.group")
            .description("One group's handling, with its transaction's commit")
            .tag("projection", projection)
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.events =
        io.micrometer.core.instrument.DistributionSummary.builder("itinera.projection.group.events")
            .description("Events per group")
            .tag("projection", projection)
            .register(registry);
  }

  /** Meters that go nowhere, for a handler run outside a node (tests). */
  public static ProjectionMetrics none(String projection) {
    return new ProjectionMetrics(
        new io.micrometer.core.instrument.composite.CompositeMeterRegistry(), projection);
  }

  /** A group of {@code size} events handled in {@code took}, its newest written {@code lag} ago. */
  public void group(int size, Duration took, Duration lag) {
    events.record(size);
    group.record(took);
    this.lag.record(lag.isNegative() ? Duration.ZERO : lag);
  }
}
