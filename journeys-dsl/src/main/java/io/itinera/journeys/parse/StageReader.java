package io.itinera.journeys.parse;

import static io.itinera.journeys.parse.NodeReader.isNull;
import static io.itinera.journeys.parse.NodeReader.position;

import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Branch;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.CountTrigger;
import io.itinera.journeys.model.Split;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.TouchpointTrigger;
import io.itinera.journeys.model.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Reads a journey's {@code stages}: each stage's entry actions and its triggers, each trigger's
 * kind (touchpoint, count or absence) and what it does. A trigger with any mistake is dropped
 * whole, so the validator never sees half a trigger.
 */
final class StageReader {

  private final NodeReader nodes;
  private final SourceMap sourceMap;
  private final DelayReader delays;
  private final BranchReader branches;

  StageReader(NodeReader nodes, SourceMap sourceMap) {
    this.nodes = nodes;
    this.sourceMap = sourceMap;
    this.delays = new DelayReader(nodes);
    this.branches = new BranchReader(nodes, this::action);
  }

  List<Stage> stages(Node node) {
    if (!(node instanceof MappingNode mapping)) {
      nodes.error(
          position(node), "'stages' must map stage names to stages, e.g. awareness: {on: [...]}");
      return List.of();
    }
    List<Stage> stages = new ArrayList<>();
    Map<String, Node> seen = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = nodes.keyText(tuple.getKeyNode());
      if (name == null) {
        continue;
      }
      if (seen.containsKey(name)) {
        nodes.error(
            position(tuple.getKeyNode()),
            "duplicate stage '"
                + name
                + "' (first at line "
                + position(seen.get(name)).line()
                + "); give each stage its own name");
        continue;
      }
      seen.put(name, tuple.getKeyNode());
      sourceMap.put(SourceMap.stage(name), position(tuple.getKeyNode()));
      Stage stage = stage(name, tuple.getValueNode());
      if (stage != null) {
        sourceMap.putElement(stage, SourceMap.stage(name));
        stages.add(stage);
      }
    }
    if (mapping.getValue().isEmpty()) {
      nodes.error(position(node), "'stages' is empty; a journey needs at least one stage");
    }
    return stages;
  }

  private Stage stage(String name, Node node) {
    if (isNull(node)) {
      return new Stage(name, "", List.of(), List.of());
    }
    String path = SourceMap.stage(name);
    NodeReader.Fields fields = nodes.fields(node, path, Section.STAGE);
    if (fields == null) {
      return null;
    }
    String description = fields.optional("description").map(nodes::text).orElse("");
    List<Action> enter =
        fields
            .optional("enter")
            .map(n -> nodes.mappings(n, path + "/enter", Section.ACTION, this::action))
            .orElse(List.of());
    List<Trigger> on =
        fields
            .optional("on")
            .map(n -> nodes.mappings(n, path + "/on", Section.TRIGGER, this::trigger))
            .orElse(List.of());
    List<Branch> branch =
        fields.optional("branch").map(n -> branches.branch(n, path + "/branch")).orElse(List.of());
    return new Stage(name, description, enter, on, branch);
  }

  private Trigger trigger(NodeReader.Fields fields, String path) {
    List<String> kinds = new ArrayList<>();
    for (String kind : List.of("event", "count", "absence")) {
      if (fields.has(kind)) {
        kinds.add(kind);
      }
    }
    if (kinds.isEmpty()) {
      nodes.error(
          fields.at(),
          "a trigger needs one of 'event', 'count' or 'absence'; say what makes it fire");
      return null;
    }
    if (kinds.size() > 1) {
      nodes.error(
          fields.keyPosition(kinds.get(1)),
          "a trigger can have only one of 'event', 'count' or 'absence', but this one has '"
              + kinds.get(0)
              + "' and '"
              + kinds.get(1)
              + "'; split it into two triggers");
      return null;
    }
    Common common =
        new Common(
            fields.optional("name").map(nodes::text).orElse(null),
            fields.optional("when").map(n -> nodes.condition(n, path + "/when")).orElse(null),
            fields
                .optional("do")
                .map(n -> nodes.mappings(n, path + "/do", Section.ACTION, this::action))
                .orElse(List.of()),
            fields.optional("goto").map(nodes::text).orElse(null),
            fields
                .optional("split")
                .map(n -> nodes.mapping(n, path + "/split", Section.SPLIT, this::split))
                .orElse(null),
            fields
                .optional("branch")
                .map(n -> branches.branch(n, path + "/branch"))
                .orElse(List.of()));
    if (fields.has("branch") && !kinds.get(0).equals("absence")) {
      nodes.error(
          fields.keyPosition("branch"),
          "only an absence trigger can branch (its timer has no touchpoint to put in 'when'); on a touchpoint trigger, write one trigger per case with its own 'when'");
    }
    if (fields.has("branch") && fields.has("split")) {
      nodes.error(
          fields.keyPosition("branch"),
          "a trigger can have a 'split' or a 'branch', not both; move one to the next stage");
    }
    int errorsBefore = nodes.errorCount();
    Trigger trigger =
        switch (kinds.get(0)) {
          case "event" ->
              new TouchpointTrigger(
                  common.name(),
                  nodes.text(fields.get("event")),
                  common.when(),
                  common.actions(),
                  common.gotoStage(),
                  common.split());
          case "count" ->
              nodes.mapping(
                  fields.get("count"),
                  path + "/count",
                  Section.COUNT,
                  (body, p) -> count(body, common));
          default ->
              nodes.mapping(
                  fields.get("absence"),
                  path + "/absence",
                  Section.ABSENCE,
                  (body, p) -> absence(body, common));
        };
    return errorsBefore == nodes.errorCount() ? trigger : null;
  }

  /** The keys every kind of trigger has. */
  private record Common(
      String name,
      Condition when,
      List<Action> actions,
      String gotoStage,
      Split split,
      List<Branch> branch) {}

  private Trigger count(NodeReader.Fields fields, Common common) {
    String event =
        fields.requiredText("event", "name the touchpoint to count, e.g. event: Product Viewed");
    Integer atLeast = fields.requiredInteger("atLeast", 1, "say how many, e.g. atLeast: 3");
    Duration within = fields.requiredDuration("within", "say in which window, e.g. within: 10m");
    return event == null || atLeast == null || within == null
        ? null
        : new CountTrigger(
            common.name(),
            event,
            common.when(),
            atLeast,
            within,
            common.actions(),
            common.gotoStage(),
            common.split());
  }

  private Trigger absence(NodeReader.Fields fields, Common common) {
    String event =
        fields.requiredText(
            "event", "name the touchpoint that should not happen, e.g. event: Order Completed");
    Duration within = fields.requiredDuration("within", "say how long to wait, e.g. within: 15m");
    return event == null || within == null
        ? null
        : new AbsenceTrigger(
            common.name(),
            event,
            common.when(),
            within,
            common.actions(),
            common.gotoStage(),
            common.split(),
            common.branch());
  }

  private Split split(NodeReader.Fields fields, String path) {
    String name = fields.requiredText("name", "name the split, e.g. name: first-offer");
    Split.Strategy strategy = fields.optional("strategy").map(this::strategy).orElse(null);
    List<Split.Arm> arms =
        fields
            .required("arms", "list the arms, e.g. arms: [{name: a, weight: 50}, ...]")
            .map(n -> nodes.mappings(n, path + "/arms", Section.ARM, this::arm))
            .orElse(List.of());
    double minShare =
        fields
            .optional("minShare")
            .map(n -> nodes.percent(n, "minShare"))
            .orElse(strategy == Split.Strategy.BANDIT ? Split.DEFAULT_MIN_SHARE : 0.0);
    int warmUp =
        fields
            .optional("warmUp")
            .map(n -> nodes.integer(n, "warmUp", 0))
            .orElse(strategy == Split.Strategy.BANDIT ? Split.DEFAULT_WARM_UP : 0);
    return name == null ? null : new Split(name, strategy, arms, minShare, warmUp);
  }

  private Split.Strategy strategy(Node node) {
    String text = nodes.text(node);
    if ("fixed".equals(text)) {
      return Split.Strategy.FIXED;
    }
    if ("bandit".equals(text)) {
      return Split.Strategy.BANDIT;
    }
    if (text != null) {
      nodes.error(
          position(node), "strategy '" + text + "' is not a strategy; write fixed or bandit");
    }
    return null;
  }

  private Split.Arm arm(NodeReader.Fields fields, String path) {
    String name = fields.requiredText("name", "name the arm, e.g. name: ten-percent");
    // Any whole number: the validator says what is wrong with one that is not positive.
    Integer weight =
        fields
            .required("weight", "give its share of customers in percent, e.g. weight: 50")
            .map(n -> nodes.integer(n, "weight", Integer.MIN_VALUE))
            .orElse(null);
    List<Action> actions =
        fields
            .optional("do")
            .map(n -> nodes.mappings(n, path + "/do", Section.ACTION, this::action))
            .orElse(List.of());
    String gotoStage = fields.optional("goto").map(nodes::text).orElse(null);
    return name == null || weight == null ? null : new Split.Arm(name, weight, actions, gotoStage);
  }

  private Action action(NodeReader.Fields fields, String path) {
    String name = fields.optional("name").map(nodes::text).orElse(null);
    Map<String, Condition> set =
        fields.optional("set").map(n -> TraitSets.read(nodes, n, path + "/set")).orElse(null);
    boolean message = !fields.has("set") || TraitSets.sendsMessage(fields::has);
    String channel =
        message ? fields.requiredText("channel", "say where it goes, e.g. channel: email") : null;
    String type =
        message ? fields.requiredText("type", "say what the channel does, e.g. type: send") : null;
    String template =
        message
            ? fields.requiredText(
                "template", "name the template the channel renders, e.g. template: cart-reminder")
            : null;
    String offer = fields.optional("offer").map(nodes::text).orElse(null);
    Map<String, String> params =
        fields.optional("params").map(n -> params(n, path + "/params")).orElse(Map.of());
    DelayReader.Delay delay =
        fields
            .optional("delay")
            .map(n -> delays.delay(n, path + "/delay"))
            .orElse(new DelayReader.Delay(Duration.ZERO, null));
    Condition when =
        fields.optional("when").map(n -> nodes.condition(n, path + "/when")).orElse(null);
    Action.Content content =
        fields.optional("content").map(n -> content(n, path + "/content")).orElse(null);
    if (message && (channel == null || type == null || template == null) || delay == null) {
      return null;
    }
    if (set != null && set.isEmpty()) {
      return null;
    }
    return new Action(
        name == null && !message ? TraitSets.defaultName(set) : name,
        channel,
        type,
        template,
        offer,
        params,
        delay.fixed(),
        when,
        delay.until(),
        content,
        set);
  }

  private Action.Content content(Node node, String path) {
    NodeReader.Fields fields = nodes.fields(node, path, Section.CONTENT);
    if (fields == null) {
      return null;
    }
    String subject =
        fields.optional("subject").map(n -> nodes.template(n, path + "/subject")).orElse(null);
    String body = fields.optional("body").map(n -> nodes.template(n, path + "/body")).orElse(null);
    return subject == null && body == null ? null : new Action.Content(subject, body);
  }

  private Map<String, String> params(Node node, String path) {
    NodeReader.Fields fields = nodes.fields(node, path, null);
    if (fields == null) {
      return Map.of();
    }
    Map<String, String> params = new LinkedHashMap<>();
    fields
        .all()
        .forEach(
            (key, value) -> {
              String text = nodes.template(value, path + "/" + key);
              if (text != null) {
                params.put(key, text);
              }
            });
    return params;
  }
}
