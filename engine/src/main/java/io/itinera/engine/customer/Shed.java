package io.itinera.engine.customer;

import java.time.Duration;

/**
 * Why a write was refused before it was tried: ingest answers 503 with Retry-After and names the
 * reason, so a client (or an operator reading the metrics) can tell a busy journal from a delivery
 * side that cannot keep up.
 */
public sealed interface Shed {

  /** The word for this reason in a problem's {@code reason} member. */
  String reason();

  /** The touchpoints in flight on the node, with this write, would pass its current limit. */
  record AtLimit(int inFlight, int limit) implements Shed {
    @Override
    public String reason() {
      return "limit";
    }
  }

  /** The oldest webhook due on {@code channel} has waited {@code age} for a sender slot. */
  record DeliveryBehind(String channel, Duration age) implements Shed {
    @Override
    public String reason() {
      return "delivery-behind";
    }
  }

  /**
   * The node's dispatcher is behind: the work handed to it waited {@code delay} to start ({@link
   * SchedulingDelay}), so every request would wait as long at each of its steps.
   */
  record Busy(Duration delay) implements Shed {
    @Override
    public String reason() {
      return "busy";
    }
  }
}
