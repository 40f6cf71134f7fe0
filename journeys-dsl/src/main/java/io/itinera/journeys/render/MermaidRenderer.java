package io.itinera.journeys.render;

import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Branch;
import io.itinera.journeys.model.DurationText;
import io.itinera.journeys.model.EntrySchedule;
import io.itinera.journeys.model.Exit;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.Split;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.Trigger;
import io.itinera.journeys.model.Wait;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Draws a journey as a Mermaid {@code stateDiagram-v2}, to paste into a pull request or a wiki:
 * stages are states, each transition is labelled with its trigger, a trigger that only acts is a
 * loop on its stage, and every stage's actions are listed in a note beside it.
 */
public final class MermaidRenderer {

  private static void edge(StringBuilder out, String from, String to, String label) {
    out.append("    ")
        .append(id(from))
        .append(" --> ")
        .append(id(to))
        .append(" : ")
        .append(label)
        .append('\n');
  }

  private static boolean armsMove(Trigger trigger) {
    boolean branchMoves =
        trigger instanceof AbsenceTrigger absence
            && absence.branch().stream().anyMatch(arm -> arm.gotoStage() != null);
    return branchMoves
        || trigger.split() != null
            && trigger.split().arms().stream().anyMatch(arm -> arm.gotoStage() != null);
  }

  /**
   * A branch as a choice node: an edge from the stage to it, then one edge per arm, labelled with
   * its name and condition, to the arm's stage or to {@code staying}.
   */
  private static void choice(
      StringBuilder out,
      String stage,
      String node,
      String label,
      List<Branch> arms,
      String staying) {
    String choice = node + "_branch";
    out.append("    state ").append(id(choice)).append(" <<choice>>\n");
    edge(out, stage, choice, label);
    for (Branch arm : arms) {
      String when = arm.otherwise() ? "" : condition(arm.when().source());
      edge(
          out,
          choice,
          arm.gotoStage() == null ? staying : arm.gotoStage(),
          label(arm.name()) + when);
    }
  }

  private static final int MAX_CONDITION_LENGTH = 40;

  private MermaidRenderer() {}

  public static String render(Journey journey) {
    StringBuilder out = new StringBuilder();
    out.append("---\ntitle: ")
        .append(label(journey.name() + " v" + journey.version()))
        .append("\n---\n");
    out.append("stateDiagram-v2\n");
    for (Stage stage : journey.stages()) {
      out.append("    state \"")
          .append(label(stage.name()))
          .append("\" as ")
          .append(id(stage.name()))
          .append('\n');
    }
    if (journey.startStage() != null) {
      out.append("    [*] --> ")
          .append(id(journey.startStage()))
          .append(" : ")
          .append(entryLabel(journey))
          .append('\n');
    }
    for (Stage stage : journey.stages()) {
      if (!stage.branch().isEmpty()) {
        choice(
            out, stage.name(), stage.name() + "_enter", "on enter", stage.branch(), stage.name());
      }
      for (int t = 0; t < stage.on().size(); t++) {
        Trigger trigger = stage.on().get(t);
        String target = trigger.gotoStage() == null ? stage.name() : trigger.gotoStage();
        if (trigger instanceof AbsenceTrigger absence && !absence.branch().isEmpty()) {
          choice(
              out,
              stage.name(),
              stage.name() + "_on" + t,
              triggerLabel(trigger),
              absence.branch(),
              target);
          continue;
        }
        if (trigger.split() == null) {
          edge(out, stage.name(), target, triggerLabel(trigger));
          continue;
        }
        for (Split.Arm arm : trigger.split().arms()) {
          edge(
              out,
              stage.name(),
              arm.gotoStage() == null ? target : arm.gotoStage(),
              triggerLabel(trigger)
                  + " ["
                  + label(trigger.split().name() + ": " + arm.name())
                  + "]");
        }
      }
      if (stage.on().stream().allMatch(t -> t.gotoStage() == null && !armsMove(t))
          && stage.branch().stream().allMatch(arm -> arm.gotoStage() == null)) {
        out.append("    ").append(id(stage.name())).append(" --> [*]\n");
      }
    }
    for (Stage stage : journey.stages()) {
      List<String> lines = actionLines(stage);
      if (!lines.isEmpty()) {
        out.append("    note right of ").append(id(stage.name())).append('\n');
        lines.forEach(line -> out.append("        ").append(line).append('\n'));
        out.append("    end note\n");
      }
    }
    if (!journey.exits().isEmpty() && journey.startStage() != null) {
      String exits =
          journey.exits().stream()
              .map(MermaidRenderer::exitLabel)
              .collect(Collectors.joining(", "));
      out.append("    note left of ")
          .append(id(journey.startStage()))
          .append("\n        exits from any stage on: ")
          .append(exits)
          .append("\n    end note\n");
    }
    return out.toString();
  }

  private static String entryLabel(Journey journey) {
    if (journey.entry() == null) {
      return "entry";
    }
    if (journey.entry().segment() != null) {
      String runs =
          journey.entry().schedule() instanceof EntrySchedule.Once ? "broadcast" : "scheduled run";
      return label(runs) + condition(journey.entry().segment().source());
    }
    String event = journey.entry().event() == null ? "customer matches" : journey.entry().event();
    return label(event)
        + condition(journey.entry().when() == null ? null : journey.entry().when().source());
  }

  private static String triggerLabel(Trigger trigger) {
    return label(trigger.name())
        + condition(trigger.when() == null ? null : trigger.when().source());
  }

  private static String exitLabel(Exit exit) {
    return label(exit.event()) + condition(exit.when() == null ? null : exit.when().source());
  }

  private static List<String> actionLines(Stage stage) {
    List<String> lines = new ArrayList<>();
    stage.enter().forEach(action -> lines.add("on enter: " + action(action)));
    for (Branch arm : stage.branch()) {
      arm.actions()
          .forEach(action -> lines.add("on enter, " + label(arm.name()) + ": " + action(action)));
    }
    for (Trigger trigger : stage.on()) {
      trigger
          .actions()
          .forEach(action -> lines.add("on " + label(trigger.name()) + ": " + action(action)));
      if (trigger instanceof AbsenceTrigger absence) {
        for (Branch arm : absence.branch()) {
          arm.actions()
              .forEach(
                  action ->
                      lines.add(
                          "on "
                              + label(trigger.name())
                              + ", "
                              + label(arm.name())
                              + ": "
                              + action(action)));
        }
      }
    }
    return lines;
  }

  private static String action(Action action) {
    StringBuilder text =
        new StringBuilder(
            action.channel() == null
                ? ""
                : label(action.channel() + " " + action.type() + " " + action.template()));
    if (!action.set().isEmpty()) {
      text.append(text.length() == 0 ? "" : " ")
          .append(label("set " + String.join(", ", new TreeSet<>(action.set().keySet()))));
    }
    if (action.offer() != null) {
      text.append(" (offer ").append(label(action.offer())).append(')');
    }
    if (!action.delay().isZero()) {
      text.append(" after ").append(DurationText.format(action.delay()));
    }
    if (action.until() instanceof Wait.UntilTimeOfDay until) {
      text.append(" at ")
          .append(label(until.at().toString()))
          .append(until.zone() == null ? "" : " " + label(until.zone()));
    } else if (action.until() instanceof Wait.RelativeToTrait relative) {
      text.append(relative.offset().isNegative() ? " " : " ")
          .append(DurationText.format(relative.offset().abs()))
          .append(relative.offset().isNegative() ? " before " : " after ")
          .append(label(relative.trait()));
    }
    if (action.when() != null) {
      text.append(" if").append(condition(action.when().source()));
    }
    return text.toString();
  }

  private static String condition(String source) {
    if (source == null) {
      return "";
    }
    String text = source.replaceAll("\\s+", " ").trim();
    if (text.length() > MAX_CONDITION_LENGTH) {
      text = text.substring(0, MAX_CONDITION_LENGTH - 3) + "...";
    }
    return " [" + label(text) + "]";
  }

  /** State ids must be bare words; stage names may contain '-'. */
  private static String id(String stageName) {
    return "s_" + stageName.replaceAll("[^A-Za-z0-9_]", "_");
  }

  /**
   * Mermaid reads ':' as a label separator, ';' as a statement end and '#' as an entity; replace
   * them (and quotes) by lookalikes so any name or condition renders.
   */
  private static String label(String text) {
    return text.replace(":", "\u02d0")
        .replace(";", ",")
        .replace("#", "\u266f")
        .replace("\"", "'")
        .replace("\n", " ");
  }
}
