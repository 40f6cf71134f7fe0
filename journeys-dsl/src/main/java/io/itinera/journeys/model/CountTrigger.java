package io.itinera.journeys.model;

import java.time.Duration;
import java.util.List;

/** Fires when at least {@code atLeast} matching touchpoints fall within the last {@code within}. */
public record CountTrigger(
    String name,
    String event,
    Condition when,
    int atLeast,
    Duration within,
    List<Action> actions,
    String gotoStage,
    Split split)
    implements Trigger {

  public CountTrigger {
    name = name == null ? defaultName(event, atLeast, within) : name;
    actions = List.copyOf(actions);
  }

  public static String defaultName(String event, int atLeast, Duration within) {
    return atLeast + "x " + event + " in " + DurationText.format(within);
  }
}
