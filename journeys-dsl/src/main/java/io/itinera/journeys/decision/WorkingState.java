package io.itinera.journeys.decision;

import io.itinera.journeys.condition.CustomerFacts;
import io.itinera.journeys.condition.EventFacts;
import io.itinera.protocol.touchpoint.Traits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The events one decision has decided so far and the customer's state with them applied, so a later
 * check in the same decision sees the earlier events: traits a journey set included.
 */
final class WorkingState {

  private final List<JourneyEvent> events = new ArrayList<>();
  private CustomerJourneys state;
  private Map<String, Object> traits;
  private EventFacts event;

  WorkingState(CustomerJourneys state, Map<String, Object> traits) {
    this.state = state;
    this.traits = traits;
  }

  /** The customer's traits with the changes decided so far. */
  Map<String, Object> traits() {
    return traits;
  }

  /** The touchpoint decided on, or null for a timer. */
  EventFacts event() {
    return event;
  }

  void decidingOn(EventFacts event) {
    this.event = event;
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
    if (event instanceof JourneyEvent.TraitsChanged changed) {
      traits = Traits.merged(traits, changed.traits());
    }
  }

  /**
   * What conditions of {@code journey} see of the customer now: their traits as changed so far,
   * their stage in it, counters, groups and the data they entered it with.
   */
  CustomerFacts facts(CustomerContext customer, String journey) {
    JourneyProgress progress = state.journeys().get(journey);
    Map.Entry<String, Map<String, Object>> group = customer.group();
    return new CustomerFacts(
        traits,
        progress == null ? "" : progress.stage(),
        customer.counters(),
        group == null ? "" : group.getKey(),
        group == null ? Map.of() : group.getValue(),
        customer.groups(),
        null,
        null,
        progress == null ? Map.of() : progress.entryData());
  }
}
