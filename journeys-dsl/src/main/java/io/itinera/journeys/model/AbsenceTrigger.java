package io.itinera.journeys.model;

import java.time.Duration;
import java.util.List;

/**
 * Fires when {@code within} has passed since the customer entered the stage without a matching
 * touchpoint: the engine arms a durable timer on stage entry and cancels it when the touchpoint
 * comes.
 */
public record AbsenceTrigger(
    String name,
    String event,
    Condition when,
    Duration within,
    List<Action> actions,
    String gotoStage,
    Split split)
    implements Trigger {

  public AbsenceTrigger {
    name = name == null ? defaultName(event, within) : name;
    actions = List.copyOf(actions);
  }

  public static String defaultName(String event, Duration within) {
    return "no " + event + " in " + DurationText.format(within);
  }
}
