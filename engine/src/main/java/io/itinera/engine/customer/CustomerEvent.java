package io.itinera.engine.customer;

import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.PlannedAction;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.decision.JourneyEvent.TimerFired;
import io.itinera.journeys.decision.JourneyEvent.TimerScheduled;
import io.itinera.protocol.CborSerializable;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;
import java.util.List;

/** What happened to a customer: the entries of its journal. */
public sealed interface CustomerEvent extends CborSerializable {

  /** A touchpoint was accepted for this customer. */
  record TouchpointRecorded(Touchpoint touchpoint) implements CustomerEvent {}

  /**
   * What the journeys decided about one touchpoint or one due timer, persisted together with it so
   * a decision is never half in the journal.
   *
   * @param cause the message id of the touchpoint, or the id of the timer
   * @param nextTimerDue when the customer's soonest pending timer is due once these events are
   *     applied, or null when none is pending: what the due-timers projection keeps
   */
  record JourneysDecided(String cause, List<JourneyEvent> events, Instant nextTimerDue)
      implements CustomerEvent {

    public JourneysDecided {
      events = List.copyOf(events);
    }

    /** Whether the decision scheduled, cancelled or fired a timer. */
    public boolean changesTimers() {
      return events.stream()
          .anyMatch(
              e ->
                  e instanceof TimerScheduled
                      || e instanceof TimerCancelled
                      || e instanceof TimerFired);
    }

    /** The actions that went out in this decision. */
    public List<PlannedAction> actions() {
      return events.stream()
          .filter(ActionEmitted.class::isInstance)
          .map(e -> ((ActionEmitted) e).action())
          .toList();
    }
  }
}
