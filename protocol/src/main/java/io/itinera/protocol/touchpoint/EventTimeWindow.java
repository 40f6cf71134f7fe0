package io.itinera.protocol.touchpoint;

import java.time.Duration;
import java.time.Instant;

/**
 * The event times the engine accepts, around the time a message is received. A time far off (a
 * {@code sentAt} in the year 9999, a clock reset to 1970) would otherwise become a customer's
 * first-seen time or fire count triggers; such a message is rejected, not clamped, so its sender
 * learns of it.
 *
 * @param maxFutureSkew how far ahead of the receipt a time may be (clocks run fast)
 * @param earliest the earliest time accepted (historical imports reach back to it)
 */
public record EventTimeWindow(Duration maxFutureSkew, Instant earliest) {

  /** A day ahead at most, nothing before 2000. */
  public static final EventTimeWindow DEFAULT =
      new EventTimeWindow(Duration.ofDays(1), Instant.parse("2000-01-01T00:00:00Z"));

  boolean admits(Instant time, Instant receivedAt) {
    return !time.isBefore(earliest) && !time.isAfter(receivedAt.plus(maxFutureSkew));
  }

  String describe(Instant receivedAt) {
    return "from " + earliest + " to " + receivedAt.plus(maxFutureSkew);
  }
}
