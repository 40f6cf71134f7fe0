package io.itinera.journeys.model;

import java.util.List;

/**
 * A step of the lifecycle (awareness, consideration, ...). Entering it emits {@code enter} actions,
 * then takes the first arm of {@code branch} whose condition holds; while the customer is in it,
 * its triggers are tried in order and the first that fires wins.
 *
 * @param branch arms chosen by condition on entry; empty for none
 */
public record Stage(
    String name, String description, List<Action> enter, List<Trigger> on, List<Branch> branch) {

  public Stage {
    description = description == null ? "" : description;
    enter = List.copyOf(enter);
    on = List.copyOf(on);
    branch = branch == null ? List.of() : List.copyOf(branch);
  }

  /** A stage without a branch. */
  public Stage(String name, String description, List<Action> enter, List<Trigger> on) {
    this(name, description, enter, on, List.of());
  }
}
