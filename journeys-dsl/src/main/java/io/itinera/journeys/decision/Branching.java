package io.itinera.journeys.decision;

import io.itinera.journeys.condition.CustomerFacts;
import io.itinera.journeys.condition.EventFacts;
import io.itinera.journeys.decision.JourneyEvent.BranchTaken;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Branch;
import io.itinera.journeys.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a journey chooses by condition with no touchpoint to fire a trigger, within one decision:
 * the arm a branch takes on entering a stage or when an absence timer fires, and whether an action
 * guarded by a {@code when} goes to delivery. Conditions see the customer and, when a touchpoint
 * caused the decision, the event.
 */
final class Branching {

  /** How the decider evaluates a condition (warning once about one that stops at a limit). */
  interface Holds {
    boolean test(LoadedJourney loaded, Condition when, EventFacts event, CustomerFacts facts);
  }

  private final WorkingState working;
  private final ActionDelivery delivery;
  private final Holds holds;
  private final Instant now;

  /** The touchpoint being decided on, or null for a timer. */
  private EventFacts event;

  Branching(WorkingState working, ActionDelivery delivery, Holds holds, Instant now) {
    this.working = working;
    this.delivery = delivery;
    this.holds = holds;
    this.now = now;
  }

  void deciding(EventFacts touchpoint) {
    this.event = touchpoint;
  }

  /**
   * The first arm of {@code branch} whose condition holds, else its otherwise arm, journalled and
   * with its actions performed; empty when no arm is taken.
   */
  Optional<Branch> take(
      LoadedJourney loaded,
      String stageName,
      String triggerName,
      List<Branch> branch,
      CustomerFacts facts,
      String cause) {
    for (Branch arm : branch) {
      if (arm.otherwise() || holds.test(loaded, arm.when(), event, facts)) {
        working.emit(
            new BranchTaken(
                loaded.journey().name(), stageName, triggerName, arm.name(), cause, now));
        for (Action action : arm.actions()) {
          perform(loaded, stageName, triggerName, action, facts, cause, null);
        }
        return Optional.of(arm);
      }
    }
    return Optional.empty();
  }

  /**
   * An action whose guard holds goes to delivery; a delayed one's guard is checked when its timer
   * fires instead, against the customer as they are then.
   */
  void perform(
      LoadedJourney loaded,
      String stageName,
      String triggerName,
      Action action,
      CustomerFacts facts,
      String cause,
      String splitArm) {
    boolean waits = !action.delay().isZero() || action.until() != null;
    if (waits || holds.test(loaded, action.when(), event, facts)) {
      delivery.perform(loaded, stageName, triggerName, action, cause, splitArm);
    }
  }

  /** Whether a delayed action's guard holds now; one the journey no longer has counts as held. */
  boolean guardHolds(LoadedJourney loaded, PendingTimer timer, CustomerFacts facts) {
    if (timer.when() == null) {
      return true;
    }
    Condition when = new Condition(timer.when());
    try {
      loaded.compiled(when);
    } catch (IllegalArgumentException notInThisVersion) {
      return true;
    }
    return holds.test(loaded, when, null, facts);
  }
}
