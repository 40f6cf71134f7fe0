package io.itinera.journeys.validate;

import io.itinera.journeys.condition.ConditionScope;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Segment;
import io.itinera.journeys.model.Split;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.Trigger;
import io.itinera.journeys.parse.SourceMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks on experiments and segments: a split's arms (at least two, named once, weights that
 * add up to 100, gotos to stages that exist), a bandit that has a goal to learn from and room for
 * its minimum shares, split names unique in the journey; segments named once and well formed.
 */
final class SplitChecks {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

  private final Check check;

  SplitChecks(Check check) {
    this.check = check;
  }

  void splits() {
    Map<String, String> seen = new HashMap<>();
    for (Stage stage : check.journey.stages()) {
      for (int i = 0; i < stage.on().size(); i++) {
        Trigger trigger = stage.on().get(i);
        if (trigger.split() == null) {
          continue;
        }
        String path =
            check.sourceMap.pathOf(trigger, SourceMap.trigger(stage.name(), i)) + "/split";
        String first = seen.putIfAbsent(trigger.split().name(), stage.name());
        if (first != null) {
          check.error(
              check.at(path + "/name"),
              "split '"
                  + trigger.split().name()
                  + "' is already used in stage '"
                  + first
                  + "'; give each split of the journey its own name, analytics count arms by it");
        }
        split(trigger, path);
      }
    }
  }

  private void split(Trigger trigger, String path) {
    Split split = trigger.split();
    Position where = check.at(path);
    if (!NAME.matcher(split.name()).matches()) {
      check.error(
          check.at(path + "/name"),
          "split name '"
              + split.name()
              + "' may only contain letters, digits, '-' and '_', starting with a letter");
    }
    if (split.arms().size() < 2) {
      check.error(where, "split '" + split.name() + "' needs at least two arms to compare");
    }
    Set<String> armNames = new HashSet<>();
    int total = 0;
    for (int a = 0; a < split.arms().size(); a++) {
      Split.Arm arm = split.arms().get(a);
      String armPath = check.sourceMap.pathOf(arm, path + "/arms/" + a);
      total += arm.weight();
      if (!armNames.add(arm.name())) {
        check.error(
            check.at(armPath + "/name"),
            "split '" + split.name() + "' has two arms named '" + arm.name() + "'; rename one");
      }
      if (arm.weight() <= 0) {
        check.error(
            check.at(armPath + "/weight"),
            "arm '" + arm.name() + "' has weight " + arm.weight() + "; weights must be positive");
      }
      if (arm.gotoStage() != null && !check.stageNames.contains(arm.gotoStage())) {
        check.error(
            check.at(armPath + "/goto"),
            check.unknownStage("arm '" + arm.name() + "'", arm.gotoStage()));
      }
      armActions(trigger, arm, armPath + "/do");
    }
    if (!split.arms().isEmpty() && total != 100) {
      check.error(
          check.at(path + "/arms"),
          "the weights of split '"
              + split.name()
              + "' add up to "
              + total
              + ", not 100; make them percentages of the customers that add up to 100");
    }
    if (split.strategy() == Split.Strategy.BANDIT) {
      bandit(split, path);
    } else if (split.minSharePercent() != 0 || split.warmUp() != 0) {
      check.warning(
          check.at(path + (split.minSharePercent() != 0 ? "/minShare" : "/warmUp")),
          "minShare and warmUp apply only to a bandit; add 'strategy: bandit' or remove them");
    }
  }

  private void bandit(Split split, String path) {
    if (check.journey.goal() == null) {
      check.error(
          check.at(path + "/strategy"),
          "split '"
              + split.name()
              + "' is a bandit, which learns from the journey's goal, but the journey has none;"
              + " add a goal, e.g. goal: {event: Order Completed, within: 7d}");
    }
    if (split.minSharePercent() * split.arms().size() > 100) {
      check.error(
          check.at(path + "/minShare"),
          "a minimum share of "
              + split.minSharePercent()
              + "% for each of "
              + split.arms().size()
              + " arms is more than 100%; lower it");
    }
  }

  /** An arm's actions: channels, and names distinct from the trigger's, which share their ids. */
  private void armActions(Trigger trigger, Split.Arm arm, String listPath) {
    Set<String> names = new HashSet<>();
    trigger.actions().forEach(action -> names.add(action.name()));
    List<Action> actions = arm.actions();
    for (int i = 0; i < actions.size(); i++) {
      Action action = actions.get(i);
      String path = check.sourceMap.pathOf(action, listPath + "/" + i);
      if (!names.add(action.name())) {
        check.error(
            check.at(path),
            "arm '"
                + arm.name()
                + "' has a second action named '"
                + action.name()
                + "' (in the arm or the trigger's 'do'); add a distinct 'name'");
      }
      new TraitSetChecks(check).action(action, path, TriggerChecks.scopeOf(trigger));
      if (action.channel() != null) {
        check.channel(action.channel(), check.at(path + "/channel"));
      }
    }
  }

  void segments() {
    Set<String> seen = new HashSet<>();
    for (Segment segment : check.journey.segments()) {
      String path = "segments/" + segment.name();
      if (!seen.add(segment.name())) {
        check.error(
            check.at(path),
            "segment '" + segment.name() + "' is defined twice; keep one or rename one");
      }
      if (!NAME.matcher(segment.name()).matches()) {
        check.error(
            check.at(path),
            "segment name '"
                + segment.name()
                + "' may only contain letters, digits, '-' and '_', starting with a letter");
      }
      Boolean constant = check.condition(segment.when(), path, ConditionScope.CUSTOMER_ONLY);
      if (Boolean.FALSE.equals(constant)) {
        check.warning(
            check.at(path), "segment '" + segment.name() + "' can never match: it is always false");
      }
    }
  }
}
