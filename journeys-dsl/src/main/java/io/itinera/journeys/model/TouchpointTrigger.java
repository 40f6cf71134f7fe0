package io.itinera.journeys.model;

import java.util.List;

/** Fires on one touchpoint, if its condition holds. */
public record TouchpointTrigger(
    String name, String event, Condition when, List<Action> actions, String gotoStage, Split split)
    implements Trigger {

  public TouchpointTrigger {
    name = name == null ? defaultName(event) : name;
    actions = List.copyOf(actions);
  }

  public static String defaultName(String event) {
    return event;
  }
}
