package io.itinera.engine.analytics;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerEvent.ActionShown;
import io.itinera.engine.customer.CustomerEvent.CustomerErased;
import io.itinera.engine.customer.CustomerEvent.ProfileAbsorbed;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.ActionDeferred;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.ArmAssigned;
import io.itinera.journeys.decision.JourneyEvent.GoalReached;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import io.itinera.journeys.decision.JourneyEvent.JourneyExited;
import io.itinera.journeys.decision.JourneyEvent.StageEntered;
import io.itinera.journeys.decision.PlannedAction;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a group of journal events adds to the analytics tables, as a pure computation over the
 * per-customer rows the group needs (read before, written after, in the group's transaction). The
 * projection feeds it events in journal order; it keeps the rows it changed, the actions it saw,
 * and the counts to add, so the database is touched once per group rather than once per event.
 */
final class AnalyticsCounts {

  /** The arm of a customer the journey's holdout left out, and of everybody else. */
  static final String HOLDOUT = "holdout";

  static final String TREATED = "treated";

  /** The segment every customer is counted under. */
  static final String ALL = "";

  /** The exit reason the decider gives a journey run to its final stage: not a drop-off. */
  private static final String COMPLETED = "completed";

  /** The property of a touchpoint that names the action it engages with. */
  static final String ACTION_ID = "actionId";

  private final Map<CustomerJourney.Key, CustomerJourney> journeys;
  private final Map<String, EmittedAction> actions;
  private final Set<CustomerJourney.Key> changed = new LinkedHashSet<>();
  private final Set<String> newActions = new LinkedHashSet<>();
  private final Set<String> engaged = new LinkedHashSet<>();
  private final Set<String> erased = new LinkedHashSet<>();
  private final Map<Counter, Long> counts = new TreeMap<>();

  /**
   * @param journeys the stored rows of the customers the group concerns
   * @param actions the stored actions its touchpoints name
   */
  AnalyticsCounts(
      Map<CustomerJourney.Key, CustomerJourney> journeys, Map<String, EmittedAction> actions) {
    this.journeys = new HashMap<>(journeys);
    this.actions = new HashMap<>(actions);
  }

  /** Counts one of {@code customerId}'s events. */
  void add(String customerId, CustomerEvent event) {
    if (event instanceof CustomerErased) {
      erase(customerId);
      return;
    }
    if (event instanceof ProfileAbsorbed absorbed) {
      carryOver(customerId, absorbed);
      return;
    }
    if (event instanceof TouchpointRecorded recorded) {
      actionIdOf(recorded).ifPresent(id -> outcome(id, "engaged"));
    }
    if (event instanceof ActionShown shown) {
      outcome(shown.actionId(), "delivered");
    }
    CustomerEvent.decisionIn(event)
        .ifPresent(decided -> decided.events().forEach(e -> add(customerId, e)));
  }

  /**
   * A merged-in visitor's journeys go on under the known customer (the entity's merge rules: the
   * known customer's progress wins where both are in a journey), so their rows do: counted once
   * already, on the visitor's entry, their later stage changes and goal count under the known
   * customer with the visitor's arm, segments and entry day.
   */
  private void carryOver(String customerId, ProfileAbsorbed absorbed) {
    for (String journey : absorbed.journeys().journeys().keySet()) {
      Optional<CustomerJourney> visitor = row(absorbed.from(), journey);
      if (row(customerId, journey).isEmpty() && visitor.isPresent()) {
        CustomerJourney was = visitor.get();
        put(
            new CustomerJourney(
                customerId,
                was.journey(),
                was.version(),
                was.arm(),
                was.segments(),
                was.stage(),
                was.stageSince(),
                was.enteredDay(),
                was.splits()));
      }
    }
  }

  /** The action a touchpoint engages with: {@code properties.actionId}, whatever the event. */
  static Optional<String> actionIdOf(TouchpointRecorded recorded) {
    Object id = recorded.touchpoint().properties().get(ACTION_ID);
    return id instanceof String text && !text.isBlank() ? Optional.of(text) : Optional.empty();
  }

  private void add(String customerId, JourneyEvent event) {
    if (event instanceof JourneyEntered entered) {
      enter(customerId, entered);
    } else if (event instanceof StageEntered moved) {
      row(customerId, moved.journey()).ifPresent(row -> move(row, moved));
    } else if (event instanceof GoalReached goal) {
      row(customerId, goal.journey()).ifPresent(this::goal);
    } else if (event instanceof JourneyExited exited) {
      row(customerId, exited.journey()).ifPresent(row -> exit(row, exited));
    } else if (event instanceof ArmAssigned assigned) {
      row(customerId, assigned.journey()).ifPresent(row -> assign(row, assigned));
    } else if (event instanceof ActionEmitted emitted) {
      row(customerId, emitted.action().journey())
          .ifPresent(row -> emitted(row, emitted.action(), emitted.at()));
    } else if (event instanceof ActionSuppressed suppressed) {
      row(customerId, suppressed.action().journey())
          .ifPresent(
              row ->
                  action(
                      row,
                      suppressed.action(),
                      "suppressed:" + suppressed.reason().name().toLowerCase(Locale.ROOT)));
    } else if (event instanceof ActionDeferred deferred) {
      row(customerId, deferred.action().journey())
          .ifPresent(row -> action(row, deferred.action(), "deferred"));
    }
  }

  private void enter(String customerId, JourneyEntered entered) {
    CustomerJourney row =
        new CustomerJourney(
            customerId,
            entered.journey(),
            entered.version(),
            entered.holdout() ? HOLDOUT : TREATED,
            entered.segments(),
            entered.stage(),
            entered.at(),
            day(entered.at()),
            List.of());
    put(row);
    count(row, Table.JOURNEY, List.of(), "entered");
    count(row, Table.STAGE, List.of(row.stage()), "entered");
  }

  private void move(CustomerJourney row, StageEntered moved) {
    if (row.stage() == null) {
      return;
    }
    count(row, Table.STAGE, List.of(row.stage()), "moved_on");
    count(row, Table.TRANSITION, List.of(row.stage(), moved.to()), "moved");
    timeInStage(row, moved.at());
    CustomerJourney next = row.inStage(moved.to(), moved.at());
    put(next);
    count(next, Table.STAGE, List.of(next.stage()), "entered");
  }

  private void goal(CustomerJourney row) {
    count(row, Table.JOURNEY, List.of(), "goal_reached");
    if (row.stage() != null) {
      count(row, Table.STAGE, List.of(row.stage()), "goal_reached");
    }
    for (CustomerJourney.SplitArm split : row.splits()) {
      for (String segment : row.countedUnder()) {
        add(
            new Counter(
                Table.SPLIT,
                List.of(row.journey(), split.split(), split.day(), row.version(), split.arm()),
                segment,
                "goal_reached"));
      }
    }
  }

  private void exit(CustomerJourney row, JourneyExited exited) {
    if (row.stage() == null) {
      return;
    }
    count(row, Table.JOURNEY, List.of(), "exited");
    if (!COMPLETED.equals(exited.reason())) {
      count(row, Table.STAGE, List.of(row.stage()), "dropped");
    }
    timeInStage(row, exited.at());
    put(row.inStage(null, exited.at()));
  }

  private void assign(CustomerJourney row, ArmAssigned assigned) {
    LocalDate day = day(assigned.at());
    List<CustomerJourney.SplitArm> splits = new ArrayList<>(row.splits());
    splits.removeIf(s -> s.split().equals(assigned.split()));
    splits.add(new CustomerJourney.SplitArm(assigned.split(), assigned.arm(), day));
    put(row.withSplits(splits));
    for (String segment : row.countedUnder()) {
      add(
          new Counter(
              Table.SPLIT,
              List.of(row.journey(), assigned.split(), day, row.version(), assigned.arm()),
              segment,
              "assigned"));
    }
  }

  private void emitted(CustomerJourney row, PlannedAction action, Instant at) {
    action(row, action, "decided");
    actions.put(
        action.id(),
        new EmittedAction(
            action.id(),
            row.customerId(),
            row.journey(),
            row.version(),
            row.enteredDay(),
            row.arm(),
            row.segments(),
            action.stage(),
            action.channel(),
            template(action),
            false,
            at));
    newActions.add(action.id());
  }

  private void action(CustomerJourney row, PlannedAction action, String outcome) {
    count(
        row,
        Table.ACTION,
        List.of(action.stage(), action.channel(), template(action), outcome),
        "actions");
  }

  /**
   * Counts what became of an action: engaged (once, however often the customer clicks), or shown on
   * a real-time channel (delivered; an action is shown once).
   */
  void outcome(String actionId, String outcome) {
    EmittedAction action = actions.get(actionId);
    if (action == null) {
      return;
    }
    if (outcome.equals("engaged")) {
      if (action.engaged()) {
        return;
      }
      actions.put(actionId, action.asEngaged());
      engaged.add(actionId);
    }
    for (String segment : action.countedUnder()) {
      add(
          new Counter(
              Table.ACTION,
              List.of(
                  action.journey(),
                  action.day(),
                  action.version(),
                  action.arm(),
                  action.stage(),
                  action.channel(),
                  action.template(),
                  outcome),
              segment,
              "actions"));
    }
  }

  private void erase(String customerId) {
    journeys.keySet().removeIf(key -> key.customerId().equals(customerId));
    changed.removeIf(key -> key.customerId().equals(customerId));
    actions.values().removeIf(action -> action.customerId().equals(customerId));
    newActions.retainAll(actions.keySet());
    engaged.retainAll(actions.keySet());
    erased.add(customerId);
  }

  private void timeInStage(CustomerJourney row, Instant leftAt) {
    count(
        row, Table.STAGE_TIME, List.of(row.stage(), bucket(row.stageSince(), leftAt)), "customers");
  }

  /** Bucket 0 is under a second, bucket b >= 1 covers [2^(b-1), 2^b) seconds. */
  static int bucket(Instant since, Instant until) {
    long seconds = Math.max(0, Duration.between(since, until).getSeconds());
    return seconds == 0 ? 0 : 64 - Long.numberOfLeadingZeros(seconds);
  }

  private void count(CustomerJourney row, Table table, List<Object> dimensions, String column) {
    List<Object> key = new ArrayList<>(List.of(row.journey(), row.enteredDay(), row.version()));
    key.add(row.arm());
    key.addAll(dimensions);
    for (String segment : row.countedUnder()) {
      add(new Counter(table, key, segment, column));
    }
  }

  private void add(Counter counter) {
    counts.merge(counter, 1L, Long::sum);
  }

  private Optional<CustomerJourney> row(String customerId, String journey) {
    return Optional.ofNullable(journeys.get(new CustomerJourney.Key(customerId, journey)));
  }

  private void put(CustomerJourney row) {
    journeys.put(row.key(), row);
    changed.add(row.key());
  }

  private static String template(PlannedAction action) {
    return action.template() == null ? "" : action.template();
  }

  static LocalDate day(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }

  /** The per-customer rows to write back, as they are now. */
  List<CustomerJourney> changedJourneys() {
    return changed.stream().map(journeys::get).toList();
  }

  /** Actions first seen in this group, to insert. */
  List<EmittedAction> newActions() {
    return newActions.stream().map(actions::get).toList();
  }

  /** Stored actions engaged with for the first time in this group, to mark. */
  List<String> engagedActions() {
    return engaged.stream().filter(id -> !newActions.contains(id)).toList();
  }

  /** Customers erased in this group: their stored rows go before the changed ones are written. */
  Set<String> erasedCustomers() {
    return erased;
  }

  /** What to add to the aggregate tables, in one order for every slice (no deadlocks). */
  Map<Counter, Long> counts() {
    return counts;
  }
}
