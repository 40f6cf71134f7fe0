package io.itinera.journeys.decision;

import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import java.util.List;

/**
 * The events one input gives, in order. The engine persists them all and applies them in this
 * order; the result is {@link #applyTo}.
 */
public record Decision(List<JourneyEvent> events) {

  public Decision {
    events = List.copyOf(events);
  }

  /** The actions that go out now: what an ingest reply lists and the outbox delivers. */
  public List<PlannedAction> actions() {
    return events.stream()
        .filter(ActionEmitted.class::isInstance)
        .map(e -> ((ActionEmitted) e).action())
        .toList();
  }

  public CustomerJourneys applyTo(CustomerJourneys state) {
    return state.applyAll(events);
  }
}
