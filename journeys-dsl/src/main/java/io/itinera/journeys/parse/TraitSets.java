package io.itinera.journeys.parse;

import io.itinera.journeys.model.Condition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads an action's {@code set}: trait name to a CEL expression giving its new value. A YAML null
 * ({@code plan: null}, or nothing after the colon) is CEL's {@code null}, which removes the trait.
 * Names and expressions are checked by the validator, where Java-built journeys are checked too.
 */
public final class TraitSets {

  /** The keys that make an action send something: with any of them it needs all three. */
  private static final List<String> MESSAGE_KEYS = List.of("channel", "type", "template");

  private TraitSets() {}

  static Map<String, Condition> read(NodeReader nodes, Node node, String path) {
    NodeReader.Fields fields = nodes.fields(node, path, null);
    if (fields == null) {
      return Map.of();
    }
    if (fields.all().isEmpty()) {
      nodes.error(
          NodeReader.position(node),
          "'set' is empty; name a trait and its new value, e.g. set: { onboarded: true }");
      return Map.of();
    }
    Map<String, Condition> set = new LinkedHashMap<>();
    fields
        .all()
        .forEach(
            (trait, value) -> {
              Condition expression =
                  NodeReader.isNull(value)
                      ? new Condition("null")
                      : nodes.condition(value, SourceMap.field(path, trait));
              if (expression != null) {
                set.put(trait, expression);
              }
            });
    return set;
  }

  /**
   * Whether an action with {@code set} also sends a message: it names a channel, type or template.
   */
  static boolean sendsMessage(Predicate<String> has) {
    return MESSAGE_KEYS.stream().anyMatch(has);
  }

  /** The name of an action that only sets traits and has none of its own: "set plan, seats". */
  public static String defaultName(Map<String, Condition> set) {
    return set == null ? null : "set " + String.join(", ", new TreeSet<>(set.keySet()));
  }
}
