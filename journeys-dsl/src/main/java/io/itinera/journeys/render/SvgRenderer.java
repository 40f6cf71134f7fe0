package io.itinera.journeys.render;

import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Branch;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.Split;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.Trigger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a journey as an SVG image for the console, with counts: stages are boxes in their declared
 * order, each transition an arrow labelled with its trigger (forward arrows on the right, backward
 * ones on the left), the arms of a branch or a split dashed and named. No Mermaid WebJar resolves
 * from Maven Central, and a diagram drawn here needs no script in the browser: the console only
 * swaps it in.
 *
 * <p>Every name and condition is escaped as XML text; the image has no script, no link and no style
 * attribute, so it passes the console's Content-Security-Policy.
 */
public final class SvgRenderer {

  /** The live figures drawn beside stages and arrows; absent keys draw no figure. */
  public record Counts(Map<String, Long> entered, Map<String, Long> moved) {

    public static final Counts NONE = new Counts(Map.of(), Map.of());

    /** The key of {@link #moved} for customers who went from one stage to another. */
    public static String transition(String from, String to) {
      return from + "\u2192" + to;
    }
  }

  private record Edge(int from, int to, String label, boolean arm) {}

  private static final int BOX_WIDTH = 240;
  private static final int BOX_HEIGHT = 46;
  private static final int ROW = 96;
  private static final int TOP = 56;
  private static final int LANE = 34;
  private static final int MAX_LABEL = 44;

  private SvgRenderer() {}

  public static String render(Journey journey, Counts counts) {
    List<Stage> stages = journey.stages();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      index.put(stages.get(i).name(), i);
    }
    List<Edge> edges = edges(stages, index);
    int lanesLeft = 0;
    int lanesRight = 0;
    for (Edge edge : edges) {
      if (edge.to() > edge.from()) {
        lanesRight++;
      } else {
        lanesLeft++;
      }
    }
    int labelRoom = 300;
    int boxX = labelRoom + LANE * (lanesLeft + 1);
    int width = boxX + BOX_WIDTH + LANE * (lanesRight + 1) + labelRoom;
    int height = TOP + ROW * Math.max(1, stages.size()) + 10;

    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"journey-diagram\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n");
    svg.append("<title>")
        .append(xml(journey.name() + " v" + journey.version()))
        .append("</title>\n");
    svg.append(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\""
            + " markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
            + "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n");

    if (journey.startStage() != null && index.containsKey(journey.startStage())) {
      int y = top(index.get(journey.startStage()));
      int cx = boxX + BOX_WIDTH / 2;
      svg.append("<circle cx=\"").append(cx).append("\" cy=\"14\" r=\"7\" fill=\"#333\"/>\n");
      svg.append(line(cx, 21, cx, y, false));
      String event =
          journey.entry() == null || journey.entry().event() == null
              ? "customer matches"
              : journey.entry().event();
      svg.append(text(cx + 12, 36, "start", "entry: " + event));
    }
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      int y = top(i);
      svg.append("<g class=\"stage\" data-stage=\"").append(xml(stage.name())).append("\">");
      svg.append("<rect x=\"")
          .append(boxX)
          .append("\" y=\"")
          .append(y)
          .append("\" width=\"")
          .append(BOX_WIDTH)
          .append("\" height=\"")
          .append(BOX_HEIGHT)
          .append("\" rx=\"8\" fill=\"#eef4fb\" stroke=\"#2d6cb3\" stroke-width=\"1.5\"/>");
      svg.append(
          text(boxX + BOX_WIDTH / 2, y + 19, "middle", stage.name())
              .replace("<text ", "<text font-weight=\"bold\" "));
      Long entered = counts.entered().get(stage.name());
      svg.append(
          text(
              boxX + BOX_WIDTH / 2,
              y + 36,
              "middle",
              entered == null ? "" : entered + " entered",
              "stage-count"));
      svg.append("</g>\n");
    }
    int left = 0;
    int right = 0;
    for (Edge edge : edges) {
      String from = stages.get(edge.from()).name();
      String to = stages.get(edge.to()).name();
      Long moved =
          edge.from() == edge.to() ? null : counts.moved().get(Counts.transition(from, to));
      String label = clip(edge.label()) + (moved == null ? "" : " \u00b7 " + moved);
      int y1 = top(edge.from()) + BOX_HEIGHT / 2;
      int y2 = top(edge.to()) + BOX_HEIGHT / 2;
      if (edge.to() > edge.from()) {
        right++;
        int x = boxX + BOX_WIDTH;
        int out = x + LANE * right;
        svg.append(curve(x, y1 + 6, out, y2 - 6, x, edge.arm()));
        svg.append(text(out + 6, (y1 + y2) / 2 + 4, "start", label, "transition-count"));
      } else {
        left++;
        int x = boxX;
        int out = x - LANE * left;
        int dy = edge.from() == edge.to() ? 14 : 0;
        svg.append(curve(x, y1 - 6, out, y2 + 6 + dy, x, edge.arm()));
        svg.append(text(out - 6, (y1 + y2) / 2 + 4 + dy / 2, "end", label, "transition-count"));
      }
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** Every arrow between stages, and every trigger that keeps the customer in its stage. */
  private static List<Edge> edges(List<Stage> stages, Map<String, Integer> index) {
    List<Edge> edges = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      for (Branch arm : stage.branch()) {
        if (arm.gotoStage() != null && index.containsKey(arm.gotoStage())) {
          edges.add(new Edge(i, index.get(arm.gotoStage()), "on enter: " + arm.name(), true));
        }
      }
      for (Trigger trigger : stage.on()) {
        int target = trigger.gotoStage() == null ? i : index.getOrDefault(trigger.gotoStage(), i);
        boolean arms = false;
        if (trigger instanceof AbsenceTrigger absence) {
          for (Branch arm : absence.branch()) {
            if (arm.gotoStage() != null && index.containsKey(arm.gotoStage())) {
              edges.add(
                  new Edge(
                      i, index.get(arm.gotoStage()), trigger.name() + ": " + arm.name(), true));
              arms = true;
            }
          }
        }
        if (trigger.split() != null) {
          for (Split.Arm arm : trigger.split().arms()) {
            int armTarget =
                arm.gotoStage() == null ? target : index.getOrDefault(arm.gotoStage(), target);
            edges.add(
                new Edge(
                    i,
                    armTarget,
                    trigger.name() + " [" + trigger.split().name() + ": " + arm.name() + "]",
                    true));
          }
          continue;
        }
        if (!arms || target != i) {
          edges.add(new Edge(i, target, trigger.name(), false));
        }
      }
    }
    return edges;
  }

  private static int top(int index) {
    return TOP + ROW * index;
  }

  private static String curve(int x1, int y1, int out, int y2, int x2, boolean dashed) {
    return "<path d=\"M "
        + x1
        + " "
        + y1
        + " C "
        + out
        + " "
        + y1
        + ", "
        + out
        + " "
        + y2
        + ", "
        + x2
        + " "
        + y2
        + "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.3\""
        + (dashed ? " stroke-dasharray=\"5 3\"" : "")
        + " marker-end=\"url(#arrow)\"/>\n";
  }

  private static String line(int x1, int y1, int x2, int y2, boolean dashed) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" stroke-width=\"1.3\"%s"
            + " marker-end=\"url(#arrow)\"/>\n",
        x1,
        y1,
        x2,
        y2,
        dashed ? " stroke-dasharray=\"5 3\"" : "");
  }

  private static String text(int x, int y, String anchor, String content) {
    return text(x, y, anchor, content, null);
  }

  private static String text(int x, int y, String anchor, String content, String cssClass) {
    return "<text x=\""
        + x
        + "\" y=\""
        + y
        + "\" text-anchor=\""
        + anchor
        + "\""
        + (cssClass == null ? "" : " class=\"" + cssClass + "\"")
        + ">"
        + xml(content)
        + "</text>";
  }

  private static String clip(String text) {
    String flat = text.replaceAll("\\s+", " ").trim();
    return flat.length() > MAX_LABEL ? flat.substring(0, MAX_LABEL - 3) + "..." : flat;
  }

  /** XML text and attribute escaping. */
  static String xml(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
