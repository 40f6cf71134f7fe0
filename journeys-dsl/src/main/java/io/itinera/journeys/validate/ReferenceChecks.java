package io.itinera.journeys.validate;

import io.itinera.journeys.condition.ConditionScope;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Branch;
import io.itinera.journeys.model.Exit;
import io.itinera.journeys.model.Split;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.Trigger;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checks on what names and refers to stages and touchpoints: stage names, the entry, exits and
 * the goal, and whether every stage can be reached from where customers start.
 */
final class ReferenceChecks {
  private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

  private final Check check;

  ReferenceChecks(Check check) {
    this.check = check;
  }

  void names() {
    if (check.journey.name() != null && check.journey.name().isBlank()) {
      check.error(
          check.at("journey"), "the journey name is blank; name it, e.g. journey: running-shoes");
    }
    Set<String> seen = new HashSet<>();
    for (Stage stage : check.journey.stages()) {
      Position where = check.at(check.stagePath(stage));
      if (!seen.add(stage.name())) {
        check.error(where, "duplicate stage '" + stage.name() + "'; give each stage its own name");
      }
      if (!STAGE_NAME.matcher(stage.name()).matches()) {
        check.error(
            where,
            "stage name '"
                + stage.name()
                + "' may only contain letters, digits, '-' and '_', starting with a letter; diagrams and journal events use it");
      }
    }
  }

  void entry() {
    if (check.journey.entry() == null) {
      return;
    }
    String stage = check.journey.entry().stage();
    if (stage != null && !check.stageNames.contains(stage)) {
      check.error(check.at("entry/stage"), check.unknownStage("the entry", stage));
    }
    ConditionScope scope =
        check.journey.entry().event() == null
            ? ConditionScope.CUSTOMER_ONLY
            : ConditionScope.EVENT_AND_CUSTOMER;
    Boolean constant = check.condition(check.journey.entry().when(), "entry/when", scope);
    Boolean segment =
        check.condition(check.journey.entry().segment(), "entry/segment", ConditionScope.SEGMENT);
    if (Boolean.FALSE.equals(segment)) {
      check.error(
          check.at("entry/segment"),
          "no customer can ever enter: the segment is always false; fix or remove it");
    }
    if (Boolean.FALSE.equals(constant)) {
      check.error(
          check.at("entry/when"),
          "no customer can ever enter: the entry condition is always false; fix or remove it");
    }
    if (check.journey.entry().event() != null
        && check.exitEvents.contains(check.journey.entry().event())) {
      check.error(
          check.at("entry/event"),
          "no customer can ever stay: '"
              + check.journey.entry().event()
              + "' is also an exit, so entering on it exits at once; pick another entry touchpoint");
    }
  }

  void reachability() {
    String start = check.journey.startStage();
    if (start == null || !check.stageNames.contains(start)) {
      return;
    }
    Set<String> reached = new HashSet<>();
    ArrayDeque<String> next = new ArrayDeque<>(List.of(start));
    while (!next.isEmpty()) {
      String name = next.pop();
      if (reached.add(name)) {
        check
            .journey
            .stage(name)
            .ifPresent(
                stage ->
                    Stream.concat(
                            stage.on().stream().flatMap(ReferenceChecks::gotos),
                            stage.branch().stream().map(Branch::gotoStage))
                        .filter(Objects::nonNull)
                        .filter(check.stageNames::contains)
                        .forEach(next::push));
      }
    }
    for (Stage stage : check.journey.stages()) {
      if (!reached.contains(stage.name())) {
        check.error(
            check.at(check.stagePath(stage)),
            "stage '"
                + stage.name()
                + "' is unreachable: customers start in '"
                + start
                + "' and no goto leads here from there; add a goto to it or remove it");
      }
    }
  }

  /** The stages a trigger may lead to: its own goto and its split's arms'. */
  private static Stream<String> gotos(Trigger trigger) {
    Stream<String> arms =
        trigger.split() == null
            ? Stream.empty()
            : trigger.split().arms().stream().map(Split.Arm::gotoStage);
    Stream<String> branch =
        trigger instanceof AbsenceTrigger absence
            ? absence.branch().stream().map(Branch::gotoStage)
            : Stream.empty();
    return Stream.concat(Stream.concat(Stream.of(trigger.gotoStage()), arms), branch)
        .filter(Objects::nonNull);
  }

  void exitsAndGoal() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < check.journey.exits().size(); i++) {
      Exit exit = check.journey.exits().get(i);
      String path = check.sourceMap.pathOf(exit, "exit/" + i);
      if (!seen.add(exit.event() + "\u0000" + (exit.when() == null ? "" : exit.when().source()))) {
        check.error(check.at(path), "exit '" + exit.event() + "' is listed twice; keep one");
      }
      check.condition(exit.when(), path + "/when", ConditionScope.EVENT_AND_CUSTOMER);
    }
    if (check.journey.goal() != null) {
      check.condition(check.journey.goal().when(), "goal/when", ConditionScope.EVENT_AND_CUSTOMER);
    }
  }
}
