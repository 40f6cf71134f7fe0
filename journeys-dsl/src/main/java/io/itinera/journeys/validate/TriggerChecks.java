package io.itinera.journeys.validate;

import io.itinera.journeys.condition.ConditionScope;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.CountTrigger;
import io.itinera.journeys.model.QuietHours;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.TouchpointTrigger;
import io.itinera.journeys.model.Trigger;
import io.itinera.journeys.parse.SourceMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks on each stage's triggers and actions: triggers that can never fire or do nothing,
 * gotos to unknown stages, duplicate names, unknown channels and SMS sent outside quiet hours.
 */
final class TriggerChecks {
  private static final String SMS = "sms";

  private final Check check;
  private final TraitSetChecks sets;

  TriggerChecks(Check check) {
    this.check = check;
    this.sets = new TraitSetChecks(check);
  }

  void stages() {
    for (Stage stage : check.journey.stages()) {
      String path = check.stagePath(stage);
      actions(
          stage.enter(),
          stage.name(),
          "its enter actions",
          path + "/enter",
          ConditionScope.CUSTOMER_ONLY);
      Set<String> triggerNames = new HashSet<>();
      List<Trigger> before = new ArrayList<>();
      for (int i = 0; i < stage.on().size(); i++) {
        Trigger trigger = stage.on().get(i);
        String triggerPath = check.sourceMap.pathOf(trigger, SourceMap.trigger(stage.name(), i));
        Position where = check.at(triggerPath);
        if (!triggerNames.add(trigger.name())) {
          check.error(
              where,
              "two triggers in stage '"
                  + stage.name()
                  + "' are named '"
                  + trigger.name()
                  + "'; add a distinct 'name' to one of them");
        }
        trigger(stage, trigger, triggerPath, before);
        actions(
            trigger.actions(),
            stage.name(),
            "trigger '" + trigger.name() + "'",
            triggerPath + "/do",
            scopeOf(trigger));
        before.add(trigger);
      }
    }
  }

  private void trigger(Stage stage, Trigger trigger, String path, List<Trigger> before) {
    Position where = check.at(path);
    String gotoStage = trigger.gotoStage();
    if (gotoStage != null && !check.stageNames.contains(gotoStage)) {
      check.error(check.at(path + "/goto"), check.unknownStage("goto", gotoStage));
    }
    if (stage.name().equals(gotoStage)) {
      check.warning(
          check.at(path + "/goto"),
          "this trigger goes to its own stage '"
              + gotoStage
              + "', which runs its enter actions again; drop the goto to stay without re-entering");
    }
    if (trigger.actions().isEmpty()
        && gotoStage == null
        && trigger.split() == null
        && !(trigger instanceof AbsenceTrigger absence && !absence.branch().isEmpty())) {
      check.warning(
          where,
          "trigger '" + trigger.name() + "' does nothing; give it actions under 'do' or a 'goto'");
    }
    Boolean constant =
        check.condition(trigger.when(), path + "/when", ConditionScope.EVENT_AND_CUSTOMER);
    if (Boolean.FALSE.equals(constant)) {
      check.error(
          check.at(path + "/when"),
          "trigger '"
              + trigger.name()
              + "' can never fire: its condition is always false; fix or remove the condition");
    }
    if (check.exitEvents.contains(trigger.event())) {
      check.error(
          where,
          "trigger '"
              + trigger.name()
              + "' can never fire: '"
              + trigger.event()
              + "' is an exit, which takes the customer out of the journey first; remove the trigger or the exit");
    }
    if (trigger instanceof CountTrigger count && count.atLeast() == 1) {
      check.warning(
          check.at(path + "/count/atLeast"),
          "counting to 1 is the same as a touchpoint trigger; write 'event: "
              + count.event()
              + "' instead");
    }
    if (!(trigger instanceof AbsenceTrigger)) {
      shadowed(trigger, where, before);
    }
  }

  /** A trigger that an earlier unconditional touchpoint trigger on the same event always beats. */
  private void shadowed(Trigger trigger, Position where, List<Trigger> before) {
    for (Trigger earlier : before) {
      if (earlier instanceof TouchpointTrigger
          && earlier.when() == null
          && earlier.event().equals(trigger.event())) {
        check.error(
            where,
            "trigger '"
                + trigger.name()
                + "' can never fire: trigger '"
                + earlier.name()
                + "' above it fires on every '"
                + trigger.event()
                + "' first; move this one above it or give that one a condition");
        break;
      }
    }
  }

  /** What a trigger's actions may read: a timer fires without a touchpoint. */
  static ConditionScope scopeOf(Trigger trigger) {
    return trigger instanceof AbsenceTrigger
        ? ConditionScope.CUSTOMER_ONLY
        : ConditionScope.EVENT_AND_CUSTOMER;
  }

  /** A branch arm's actions: the event that caused the branch may be read, where there is one. */
  void actions(List<Action> actions, String stage, String owner, String listPath) {
    actions(actions, stage, owner, listPath, ConditionScope.EVENT_AND_CUSTOMER);
  }

  private void actions(
      List<Action> actions, String stage, String owner, String listPath, ConditionScope scope) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < actions.size(); i++) {
      Action action = actions.get(i);
      String path = check.sourceMap.pathOf(action, listPath + "/" + i);
      if (!names.add(action.name())) {
        check.error(
            check.at(path),
            "two actions of "
                + owner
                + " in stage '"
                + stage
                + "' are named '"
                + action.name()
                + "'; add a distinct 'name' to one of them");
      }
      sets.action(action, path, scope);
      check.condition(action.when(), path + "/when", ConditionScope.EVENT_AND_CUSTOMER);
      if (action.channel() == null) {
        continue;
      }
      check.channel(action.channel(), check.at(path + "/channel"));
      WaitChecks.wait(check, action, path + "/delay");
      if (action.channel().equals(SMS)
          && quietChannels().stream().noneMatch(c -> c.isEmpty() || c.equals(SMS))) {
        check.warning(
            check.at(path + "/channel"),
            "this sends an SMS but no quiet hours cover 'sms'; customers may get texts at night, so add quietHours for sms");
      }
    }
  }

  private List<String> quietChannels() {
    List<String> covered = new ArrayList<>();
    for (QuietHours quiet : check.journey.quietHours()) {
      covered.addAll(quiet.channels().isEmpty() ? List.of("") : quiet.channels());
    }
    return covered;
  }
}
