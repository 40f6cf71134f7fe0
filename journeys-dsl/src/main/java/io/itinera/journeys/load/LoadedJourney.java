package io.itinera.journeys.load;

import io.itinera.journeys.condition.CompiledCondition;
import io.itinera.journeys.condition.CompiledCondition.Verdict;
import io.itinera.journeys.condition.CustomerFacts;
import io.itinera.journeys.condition.EventFacts;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.Journey;
import java.util.Map;

/**
 * A journey that passed validation, with its conditions compiled beside it: the model stays plain
 * data while the engine evaluates conditions without compiling anything per touchpoint.
 */
public final class LoadedJourney {

  private final Journey journey;
  private final Map<String, CompiledCondition> conditions;

  LoadedJourney(Journey journey, Map<String, CompiledCondition> conditions) {
    this.journey = journey;
    this.conditions = Map.copyOf(conditions);
  }

  public Journey journey() {
    return journey;
  }

  /** Whether {@code condition} holds; an absent condition always does. */
  public boolean holds(Condition condition, EventFacts event, CustomerFacts customer) {
    return verdict(condition, event, customer) == Verdict.HOLDS;
  }

  /** The same, telling a condition stopped at a limit from a false one. */
  public Verdict verdict(Condition condition, EventFacts event, CustomerFacts customer) {
    return condition == null ? Verdict.HOLDS : compiled(condition).evaluate(event, customer);
  }

  /** The compiled form of one of this journey's conditions. */
  public CompiledCondition compiled(Condition condition) {
    CompiledCondition compiled = conditions.get(condition.source());
    if (compiled == null) {
      throw new IllegalArgumentException(
          "not a condition of journey " + journey.name() + ": " + condition.source());
    }
    return compiled;
  }
}
