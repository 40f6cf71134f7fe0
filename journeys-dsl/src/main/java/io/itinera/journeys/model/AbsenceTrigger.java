package io.itinera.journeys.model;

import java.time.Duration;
import java.util.List;

/**
 * Fires when {@code within} has passed since the customer entered the stage without a matching
 * touchpoint: the engine arms a durable timer on stage entry and cancels it when the touchpoint
 * comes. When it fires, its actions go out, then the first arm of {@code branch} whose condition
 * holds is taken.
 *
 * @param branch arms chosen by condition when the timer fires; empty for none
 */
public record AbsenceTrigger(
    String name,
    String event,
    Condition when,
    Duration within,
    List<Action> actions,
    String gotoStage,
    Split split,
    List<Branch> branch)
    implements Trigger {

  public AbsenceTrigger {
    name = name == null ? defaultName(event, within) : name;
    actions = List.copyOf(actions);
    branch = branch == null ? List.of() : List.copyOf(branch);
  }

  /** An absence trigger without a branch. */
  public AbsenceTrigger(
      String name,
      String event,
      Condition when,
      Duration within,
      List<Action> actions,
      String gotoStage,
      Split split) {
    this(name, event, when, within, actions, gotoStage, split, List.of());
  }

  public static String defaultName(String event, Duration within) {
    return "no " + event + " in " + DurationText.format(within);
  }
}
