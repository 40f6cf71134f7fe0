package io.itinera.journeys.render;

import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.DurationText;
import io.itinera.journeys.model.EntrySchedule;
import io.itinera.journeys.model.Exit;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.Split;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.Trigger;
import java.util.ArrayList;
import java.util.List;
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
    return trigger.split() != null
        && trigger.split().arms().stream().anyMatch(arm -> arm.gotoStage() != null);
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
      for (Trigger trigger : stage.on()) {
        String target = trigger.gotoStage() == null ? stage.name() : trigger.gotoStage();
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
      if (stage.on().stream().allMatch(t -> t.gotoStage() == null && !armsMove(t))) {
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
    for (Trigger trigger : stage.on()) {
      trigger
          .actions()
          .forEach(action -> lines.add("on " + label(trigger.name()) + ": " + action(action)));
    }
    return lines;
  }

  private static String action(Action action) {
    StringBuilder text =
        new StringBuilder(label(action.channel() + " " + action.type() + " " + action.template()));
    if (action.offer() != null) {
      text.append(" (offer ").append(label(action.offer())).append(')');
    }
    if (!action.delay().isZero()) {
      text.append(" after ").append(DurationText.format(action.delay()));
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
