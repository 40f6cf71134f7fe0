package io.itinera.journeys.parse;

import static io.itinera.journeys.parse.NodeReader.position;

import io.itinera.journeys.model.Wait;
import java.time.Duration;
import java.time.LocalTime;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads an action's {@code delay}: a duration ({@code 15m}), or a mapping for the waits a duration
 * cannot say: {@code {until: "10:00", zone: customer, after: 1d}} (the next 10:00 at least a day
 * later) or {@code {before: 3d, trait: trial_ends}} (three days before the date in a trait).
 */
final class DelayReader {

  /** A delay: the fixed part, and the wait after it or null. Null parts once reported. */
  record Delay(Duration fixed, Wait until) {}

  private final NodeReader nodes;

  DelayReader(NodeReader nodes) {
    this.nodes = nodes;
  }

  /** The delay, or null once a mistake in it is reported. */
  Delay delay(Node node, String path) {
    if (!(node instanceof MappingNode)) {
      Duration fixed = nodes.duration(node, true);
      return fixed == null ? null : new Delay(fixed, null);
    }
    return nodes.mapping(node, path, Section.DELAY, this::wait);
  }

  private Delay wait(NodeReader.Fields fields, String path) {
    int errorsBefore = nodes.errorCount();
    Delay delay;
    if (fields.has("until") && fields.has("trait")) {
      nodes.error(
          fields.keyPosition("trait"),
          "a delay waits either until a time of day or relative to a trait's date, not both; drop 'until' or 'trait'");
      return null;
    } else if (fields.has("until")) {
      delay = timeOfDay(fields);
    } else if (fields.has("trait")) {
      delay = relative(fields);
    } else {
      nodes.error(
          fields.at(),
          "a delay mapping needs 'until' (a time of day) or 'trait' (a date); for a fixed wait write e.g. delay: 15m");
      return null;
    }
    return errorsBefore == nodes.errorCount() ? delay : null;
  }

  private Delay timeOfDay(NodeReader.Fields fields) {
    if (fields.has("before")) {
      nodes.error(
          fields.keyPosition("before"),
          "'before' goes with 'trait'; to wait a while before the time of day, write 'after'");
    }
    LocalTime at = nodes.timeOfDay(fields.get("until"));
    String zone = fields.optional("zone").map(nodes::zone).orElse(null);
    Duration fixed =
        fields.optional("after").map(n -> nodes.duration(n, true)).orElse(Duration.ZERO);
    return at == null || fixed == null ? null : new Delay(fixed, new Wait.UntilTimeOfDay(at, zone));
  }

  private Delay relative(NodeReader.Fields fields) {
    if (fields.has("zone")) {
      nodes.error(
          fields.keyPosition("zone"),
          "'zone' goes with 'until'; a date without a time is read in the customer's zone, else the journey's");
    }
    String trait = nodes.text(fields.get("trait"));
    if (trait != null && trait.isBlank()) {
      nodes.error(position(fields.get("trait")), "name the trait holding the date");
      return null;
    }
    if (fields.has("before") == fields.has("after")) {
      nodes.error(
          fields.at(),
          "say when relative to the trait's date with one of 'before' or 'after', e.g. before: 3d");
      return null;
    }
    String key = fields.has("before") ? "before" : "after";
    Duration offset = nodes.duration(fields.get(key), true);
    if (trait == null || offset == null) {
      return null;
    }
    return new Delay(
        Duration.ZERO,
        new Wait.RelativeToTrait(trait, key.equals("before") ? offset.negated() : offset));
  }
}
