package io.itinera.journeys.decision;

import io.itinera.journeys.condition.CompiledCondition;
import io.itinera.journeys.condition.CompiledCondition.Valued;
import io.itinera.journeys.condition.CompiledCondition.Verdict;
import io.itinera.journeys.condition.CustomerFacts;
import io.itinera.journeys.decision.JourneyEvent.ConditionOverLimit;
import io.itinera.journeys.decision.JourneyEvent.TraitsChanged;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Condition;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * An action's {@code set}: each expression evaluated against the customer as the decision has left
 * them, and the traits that change journalled as one {@link TraitsChanged}. Applied to the working
 * state at once, so what the same decision checks afterwards (the next stage's actions, journeys of
 * lower priority) sees the new values, as every later decision does.
 *
 * <p>All expressions of one action see the traits from before it, and are evaluated in trait-name
 * order so that every node journals the same event. An expression that fails (reading a trait the
 * customer lacks, say) leaves its trait as it was; one that stops at a limit does too, and says so
 * as a condition does. A value equal to the one held is no change and is not journalled.
 */
final class TraitChanges {

  private final WorkingState working;
  private final CustomerContext customer;
  private final Instant now;
  private final Set<String> overLimit = new HashSet<>();

  TraitChanges(WorkingState working, CustomerContext customer, Instant now) {
    this.working = working;
    this.customer = customer;
    this.now = now;
  }

  void apply(LoadedJourney loaded, String stage, String trigger, Action action, String cause) {
    if (action.set().isEmpty()) {
      return;
    }
    String journey = loaded.journey().name();
    CustomerFacts facts = working.facts(customer, journey);
    Map<String, Object> changed = new LinkedHashMap<>();
    for (Map.Entry<String, Condition> set : new TreeMap<>(action.set()).entrySet()) {
      CompiledCondition expression = loaded.compiled(set.getValue());
      Valued valued = expression.value(working.event(), facts);
      if (valued.verdict() == Verdict.HOLDS) {
        Object held = facts.traits().get(set.getKey());
        if (!same(held, valued.value())) {
          changed.put(set.getKey(), valued.value());
        }
      } else if (valued.verdict() != Verdict.FAILS && overLimit.add(set.getValue().source())) {
        working.emit(
            new ConditionOverLimit(
                journey, set.getValue().source(), expression.limit(valued.verdict()), now));
      }
    }
    if (!changed.isEmpty()) {
      working.emit(
          new TraitsChanged(
              journey,
              loaded.journey().version(),
              stage,
              trigger,
              action.name(),
              changed,
              cause,
              now));
    }
  }

  /** Equal values; numbers by value, as a trait read from JSON (3, an int) equals a set 3L. */
  private static boolean same(Object held, Object value) {
    if (held instanceof Number a && value instanceof Number b) {
      try {
        return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
      } catch (NumberFormatException notFinite) {
        return a.equals(b);
      }
    }
    return Objects.equals(held, value);
  }
}
