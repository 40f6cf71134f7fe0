package io.itinera.journeys.validate;

import io.itinera.journeys.condition.ConditionScope;
import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Branch;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.Trigger;
import io.itinera.journeys.parse.SourceMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks on branches, on stages and on absence triggers: each arm's condition, its goto and its
 * actions; one otherwise arm at most, and last; and no stage-entry branches that lead round in a
 * loop, which would enter stages forever within one decision.
 */
final class BranchChecks {

  private final Check check;
  private final TriggerChecks triggers;

  BranchChecks(Check check, TriggerChecks triggers) {
    this.check = check;
    this.triggers = triggers;
  }

  void branches() {
    for (Stage stage : check.journey.stages()) {
      String stagePath = check.stagePath(stage);
      arms(stage, stage.branch(), stage.enter(), stagePath + "/branch", "the stage's branch");
      for (int i = 0; i < stage.on().size(); i++) {
        Trigger trigger = stage.on().get(i);
        if (trigger instanceof AbsenceTrigger absence) {
          String path = check.sourceMap.pathOf(trigger, SourceMap.trigger(stage.name(), i));
          arms(
              stage,
              absence.branch(),
              trigger.actions(),
              path + "/branch",
              "the branch of '" + trigger.name() + "'");
        }
      }
      loop(stage);
    }
  }

  /**
   * @param before the actions that go out with an arm's (the stage's enter, the trigger's do): an
   *     arm's action must be named apart from them, as its id is made from its name
   */
  private void arms(
      Stage stage, List<Branch> branch, List<Action> before, String listPath, String owner) {
    Set<String> taken = new HashSet<>();
    before.forEach(action -> taken.add(action.name()));
    Set<String> names = new HashSet<>();
    Branch otherwise = null;
    for (int i = 0; i < branch.size(); i++) {
      Branch arm = branch.get(i);
      String path = check.sourceMap.pathOf(arm, listPath + "/" + i);
      if (!names.add(arm.name())) {
        check.error(
            check.at(path),
            "two arms of "
                + owner
                + " in stage '"
                + stage.name()
                + "' are named '"
                + arm.name()
                + "'; give each its own 'name'");
      }
      if (otherwise != null) {
        check.error(
            check.at(path),
            arm.otherwise()
                ? "a branch has one 'otherwise' arm at most, and arm '"
                    + otherwise.name()
                    + "' above is one; give this one a 'when' or remove it"
                : "arm '"
                    + arm.name()
                    + "' comes after the 'otherwise' arm, which is always taken first; move 'otherwise' last");
      }
      if (arm.otherwise()) {
        otherwise = otherwise == null ? arm : otherwise;
      }
      Boolean constant =
          check.condition(arm.when(), path + "/when", ConditionScope.EVENT_AND_CUSTOMER);
      if (Boolean.FALSE.equals(constant)) {
        check.error(
            check.at(path + "/when"),
            "arm '" + arm.name() + "' can never be taken: its condition is always false");
      }
      if (arm.gotoStage() != null && !check.stageNames.contains(arm.gotoStage())) {
        check.error(check.at(path + "/goto"), check.unknownStage("goto", arm.gotoStage()));
      }
      triggers.actions(
          arm.actions(), stage.name(), "arm '" + arm.name() + "' of " + owner, path + "/do");
      for (int a = 0; a < arm.actions().size(); a++) {
        Action action = arm.actions().get(a);
        if (taken.contains(action.name())) {
          check.error(
              check.at(check.sourceMap.pathOf(action, path + "/do/" + a)),
              "arm '"
                  + arm.name()
                  + "' has an action named '"
                  + action.name()
                  + "' like one that goes out before it; add a distinct 'name' to one of them");
        }
      }
    }
  }

  /** A stage whose entry branch leads, through other stages' entry branches, back to itself. */
  private void loop(Stage start) {
    List<String> path = new ArrayList<>(List.of(start.name()));
    if (leadsBack(start, start.name(), path, new HashSet<>())) {
      check.error(
          check.at(check.stagePath(start) + "/branch"),
          "the branches on entering these stages go round in a loop: "
              + String.join(" -> ", path)
              + "; a customer would enter them forever, so make one arm stay or go elsewhere");
    }
  }

  private boolean leadsBack(Stage stage, String target, List<String> path, Set<String> seen) {
    for (Branch arm : stage.branch()) {
      String next = arm.gotoStage();
      if (next == null || !seen.add(next)) {
        continue;
      }
      path.add(next);
      if (next.equals(target)) {
        return true;
      }
      if (check.journey.stage(next).map(s -> leadsBack(s, target, path, seen)).orElse(false)) {
        return true;
      }
      path.remove(path.size() - 1);
    }
    return false;
  }
}
