package io.itinera.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The delivery module's meters:
 *
 * <ul>
 *   <li>{@code itinera_deliveries_total{channel,outcome}}: webhook attempts by outcome, counted
 *       when the outcome is written; a channel's series exist at 0 from its sender's start;
 *   <li>{@code itinera_outbox_eager_actions_total{outcome}}: actions the eager outbox was offered,
 *       {@code queued} by it, {@code left} to the outbox projection, or {@code dropped} because its
 *       buffer was full.
 * </ul>
 */
public final class DeliveryMetrics {

  /** What a webhook attempt can leave its delivery as. */
  private static final List<String> WEBHOOK_OUTCOMES = List.of("delivered", "pending", "dead");

  private final MeterRegistry registry;
  private final CounterFamily deliveries;
  private final Counter eagerQueued;
  private final Counter eagerLeft;
  private final Counter eagerDropped;

  DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.deliveries =
        new CounterFamily(
            registry,
            "itinera.deliveries",
            "Webhook attempts by outcome, counted when the outcome is written",
            "channel",
            "outcome");
    this.eagerQueued = eager("queued");
    this.eagerLeft = eager("left");
    this.eagerDropped = eager("dropped");
  }

  private Counter eager(String outcome) {
    return Counter.builder("itinera.outbox.eager.actions")
        .description(
            "Actions offered to the eager outbox: queued by it, left to the projection, dropped")
        .tag("outcome", outcome)
        .register(registry);
  }

  public Counter eagerQueued() {
    return eagerQueued;
  }

  public Counter eagerLeft() {
    return eagerLeft;
  }

  public Counter eagerDropped() {
    return eagerDropped;
  }

  /** Makes the channel's webhook outcomes exist at 0, for the alerts on them. */
  public void senderStarted(String channel) {
    WEBHOOK_OUTCOMES.forEach(outcome -> delivered(channel, outcome));
  }

  /** The counter of the channel's webhook attempts with that outcome (a delivery status). */
  public Counter delivered(String channel, String outcome) {
    return deliveries.of(channel, outcome);
  }
}
