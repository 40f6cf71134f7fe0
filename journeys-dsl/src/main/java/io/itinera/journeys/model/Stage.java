package io.itinera.journeys.model;

import java.util.List;

/**
 * A step of the lifecycle (awareness, consideration, ...). Entering it emits {@code enter} actions;
 * while the customer is in it, its triggers are tried in order and the first that fires wins.
 */
public record Stage(String name, String description, List<Action> enter, List<Trigger> on) {

  public Stage {
    description = description == null ? "" : description;
    enter = List.copyOf(enter);
    on = List.copyOf(on);
  }
}
