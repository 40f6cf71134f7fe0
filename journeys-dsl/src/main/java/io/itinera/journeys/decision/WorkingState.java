package io.itinera.journeys.decision;

import java.util.ArrayList;
import java.util.List;

/**
 * The events one decision has decided so far and the customer's state with them applied, so a later
 * check in the same decision sees the earlier events.
 */
final class WorkingState {

  private final List<JourneyEvent> events = new ArrayList<>();
  private CustomerJourneys state;

  WorkingState(CustomerJourneys state) {
    this.state = state;
  }

  CustomerJourneys state() {
    return state;
  }

  List<JourneyEvent> events() {
    return events;
  }

  void emit(JourneyEvent event) {
    events.add(event);
    state = state.apply(event);
  }
}
