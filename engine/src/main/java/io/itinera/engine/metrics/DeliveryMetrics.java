package io.itinera.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Supplier;

/**
 * The delivery module's meters:
 *
 * <ul>
 *   <li>{@code itinera_deliveries_total{channel,outcome}}: webhook attempts by outcome, counted
 *       when the outcome is written; a channel's series exist at 0 from its sender's start;
 *   <li>{@code itinera_delivery_oldest_waiting_seconds{channel}}: how long the channel's oldest due
 *       delivery has waited for a sender slot (0 when none waits), on the node running the
 *       channel's sender; ingest sheds when it passes {@code itinera.admission.max-delivery-age} on
 *       a channel that is not failing;
 *   <li>{@code itinera_delivery_channel_failing{channel}}: 1 while the channel's last attempt
 *       failed (its backlog then does not shed ingest), else 0;
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

  /**
   * Registers how long the channel's deliveries wait, once on this node; {@code waiting} must look
   * the channel's current sender up by name.
   */
  public void waitingGauge(String channel, Supplier<Number> waiting) {
    Gauge.builder("itinera.delivery.oldest.waiting", waiting)
        .description("How long the oldest due delivery of the channel has waited for a sender slot")
        .baseUnit("seconds")
        .tag("channel", channel)
        .strongReference(true)
        .register(registry);
  }

  /** Registers whether the channel's receiver is failing, as {@link #waitingGauge}. */
  public void failingGauge(String channel, Supplier<Number> failing) {
    Gauge.builder("itinera.delivery.channel.failing", failing)
        .description("1 while the channel's last webhook attempt failed")
        .tag("channel", channel)
        .strongReference(true)
        .register(registry);
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
