package io.itinera.journeys.parse;

import static io.itinera.journeys.parse.NodeReader.position;

import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Branch;
import io.itinera.journeys.model.Condition;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads a {@code branch} list (on a stage or an absence trigger): arms of {@code name}, {@code
 * when}, {@code do} and {@code goto}, the last of which may be {@code otherwise: true} instead of a
 * condition. Where arms sit is recorded so the validator can point at them.
 */
final class BranchReader {

  private final NodeReader nodes;
  private final NodeReader.MappingReader<Action> actions;

  BranchReader(NodeReader nodes, NodeReader.MappingReader<Action> actions) {
    this.nodes = nodes;
    this.actions = actions;
  }

  List<Branch> branch(Node node, String path) {
    int errorsBefore = nodes.errorCount();
    List<Branch> arms = nodes.mappings(node, path, Section.BRANCH_ARM, this::arm);
    if (arms.isEmpty() && errorsBefore == nodes.errorCount()) {
      nodes.error(position(node), "'branch' is empty; list its arms or remove it");
    }
    return arms;
  }

  private Branch arm(NodeReader.Fields fields, String path) {
    int errorsBefore = nodes.errorCount();
    Condition when =
        fields.optional("when").map(n -> nodes.condition(n, path + "/when")).orElse(null);
    boolean otherwise = fields.optional("otherwise").map(this::otherwise).orElse(false);
    if (otherwise && fields.has("when")) {
      nodes.error(
          fields.keyPosition("otherwise"),
          "an arm is either 'otherwise: true' or has a 'when', not both; drop one");
    } else if (!otherwise && !fields.has("when") && errorsBefore == nodes.errorCount()) {
      nodes.error(
          fields.at(),
          "a branch arm needs a 'when' condition, or 'otherwise: true' for the last arm");
    }
    List<Action> armActions =
        fields
            .optional("do")
            .map(n -> nodes.mappings(n, path + "/do", Section.ACTION, actions))
            .orElse(List.of());
    String gotoStage = fields.optional("goto").map(nodes::text).orElse(null);
    int index = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
    String name = fields.optional("name").map(nodes::text).orElse(Branch.defaultName(when, index));
    return errorsBefore == nodes.errorCount()
        ? new Branch(name, when, armActions, gotoStage)
        : null;
  }

  private boolean otherwise(Node node) {
    String text = nodes.text(node);
    if ("true".equals(text)) {
      return true;
    }
    if (text != null) {
      nodes.error(
          position(node), "'otherwise' can only be true; drop it and write 'when' for a condition");
    }
    return false;
  }
}
