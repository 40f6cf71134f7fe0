package io.itinera.journeys.model;

import java.util.List;

/**
 * One arm of a branch: a choice made by condition where no touchpoint decides, on entering a stage
 * or when an absence timer fires. Arms are tried in order and the first whose condition holds is
 * taken; the {@code otherwise} arm, last, is taken when none holds. Unlike a {@link Split}, which
 * divides customers at random, a branch looks at the customer (and at the touchpoint that caused
 * the entry, where one did).
 *
 * @param name how decisions and diagrams name the arm; defaults to "arm N" (1-based), or
 *     "otherwise"
 * @param when the arm's condition, or null for the {@code otherwise} arm
 * @param actions what the arm does, after the stage's or trigger's own actions
 * @param gotoStage the stage the arm moves to, or null to stay (or take the trigger's own goto)
 */
public record Branch(String name, Condition when, List<Action> actions, String gotoStage) {

  public static final String OTHERWISE = "otherwise";

  public Branch {
    actions = List.copyOf(actions);
  }

  /** Whether this is the arm taken when no other holds. */
  public boolean otherwise() {
    return when == null;
  }

  /** The name an arm gets when its designer gave none. */
  public static String defaultName(Condition when, int index) {
    return when == null ? OTHERWISE : "arm " + (index + 1);
  }
}
