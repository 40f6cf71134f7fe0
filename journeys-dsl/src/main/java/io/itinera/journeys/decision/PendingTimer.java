package io.itinera.journeys.decision;

import io.itinera.protocol.CborSerializable;
import java.time.Instant;

/**
 * Something due later for this customer. The engine keeps it durable and hands it back as {@link
 * Input.TimerDue} with its id; the decider acts only if it is still pending, so a timer fires at
 * most once and never after it was cancelled.
 *
 * @param stage the stage it was armed in
 * @param trigger the absence trigger it waits for, or the trigger whose action it holds
 * @param action the action it will deliver; null for an absence timer
 * @param when the source of the action's guard, checked when the timer fires; null for none (and in
 *     timers journalled before guards existed)
 */
public record PendingTimer(
    String id,
    Instant due,
    Kind kind,
    String journey,
    int version,
    String stage,
    String trigger,
    PlannedAction action,
    String when)
    implements CborSerializable {

  /** A timer whose action has no guard (or an absence timer). */
  public PendingTimer(
      String id,
      Instant due,
      Kind kind,
      String journey,
      int version,
      String stage,
      String trigger,
      PlannedAction action) {
    this(id, due, kind, journey, version, stage, trigger, action, null);
  }

  /** What happens when the timer is due. */
  public enum Kind {
    /** An absence trigger fires: its touchpoint did not come in time. */
    ABSENCE,
    /** An action with a {@code delay} goes out. */
    DELAYED_ACTION,
    /** An action held by quiet hours goes out at the end of the window. */
    QUIET_HOURS
  }
}
