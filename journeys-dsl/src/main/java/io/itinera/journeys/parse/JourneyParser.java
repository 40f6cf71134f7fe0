package io.itinera.journeys.parse;

import static io.itinera.journeys.parse.NodeReader.isNull;
import static io.itinera.journeys.parse.NodeReader.position;

import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.Entry;
import io.itinera.journeys.model.Exit;
import io.itinera.journeys.model.FrequencyCaps;
import io.itinera.journeys.model.Goal;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.QuietHours;
import io.itinera.journeys.model.ReEntryPolicy;
import io.itinera.journeys.model.Segment;
import io.itinera.journeys.model.Stage;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads a {@code *.journey.yaml} file into the model, collecting every structural mistake as a
 * located {@link Diagnostic} instead of stopping at the first.
 *
 * <p>It walks snakeyaml-engine's node tree rather than binding with Jackson: every node keeps its
 * start mark (so a value, a key or a CEL column can be pointed at), duplicate keys stay visible to
 * be reported rather than silently overwritten, and YAML 1.2 reads {@code on:} as text, not as the
 * boolean YAML 1.1 makes of it. This class reads the journey's own keys and policies; {@link
 * StageReader} reads its stages and {@link NodeReader} the values inside both.
 */
public final class JourneyParser {

  /** Generous for a journey, small enough that a hostile file cannot exhaust memory. */
  private static final int MAX_FILE_CODE_POINTS = 4 * 1024 * 1024;

  private final String[] lines;
  private final SourceMap sourceMap = new SourceMap();
  private final List<Diagnostic> problems = new ArrayList<>();
  private final NodeReader nodes;
  private final StageReader stages;

  private JourneyParser(String text) {
    this.lines = text.split("\r?\n", -1);
    this.nodes = new NodeReader(lines, sourceMap, problems);
    this.stages = new StageReader(nodes, sourceMap);
  }

  /** Parses one file's text. Never throws for bad input: everything wrong is in the result. */
  public static ParsedJourney parse(String text) {
    JourneyParser parser = new JourneyParser(text);
    Journey journey = parser.root(text).map(parser::journey).orElse(null);
    return new ParsedJourney(journey, parser.sourceMap, List.copyOf(parser.problems));
  }

  /** The document's root node, or nothing once the reason is reported. */
  private Optional<Node> root(String text) {
    Optional<Node> root;
    try {
      LoadSettings settings =
          LoadSettings.builder()
              .setAllowDuplicateKeys(true)
              .setAllowRecursiveKeys(false)
              .setMaxAliasesForCollections(50)
              .setCodePointLimit(MAX_FILE_CODE_POINTS)
              .build();
      root = new Compose(settings).composeString(text);
    } catch (MarkedYamlEngineException broken) {
      problems.add(SyntaxErrors.explain(broken, lines));
      return Optional.empty();
    } catch (YamlEngineException broken) {
      nodes.error(new Position(1, 1), "this is not valid YAML: " + broken.getMessage());
      return Optional.empty();
    } catch (StackOverflowError tooDeep) {
      nodes.error(new Position(1, 1), "the file nests too deeply to be a journey");
      return Optional.empty();
    }
    if (root.isEmpty() || isNull(root.get())) {
      nodes.error(
          new Position(1, 1),
          "the file is empty; a journey needs at least 'journey', 'entry' and 'stages'");
      return Optional.empty();
    }
    return root;
  }

  private Journey journey(Node root) {
    NodeReader.Fields top = nodes.fields(root, "", Section.JOURNEY);
    if (top == null) {
      return null;
    }
    String name = top.requiredText("journey", "name the journey, e.g. journey: running-shoes");
    int version = top.optional("version").map(n -> nodes.integer(n, "version", 1)).orElse(1);
    String description = top.optional("description").map(nodes::text).orElse("");
    int priority =
        top.optional("priority")
            .map(n -> nodes.integer(n, "priority", Integer.MIN_VALUE))
            .orElse(0);
    double holdout = top.optional("holdout").map(nodes::holdout).orElse(0.0);
    Entry entry =
        top.required("entry", "say how customers enter, e.g. entry: {event: Product Viewed}")
            .map(n -> nodes.mapping(n, "entry", Section.ENTRY, this::entry))
            .orElse(null);
    ReEntryPolicy reEntry =
        top.optional("reEntry").map(this::reEntry).orElse(new ReEntryPolicy.Never());
    Goal goal =
        top.optional("goal")
            .map(n -> nodes.mapping(n, "goal", Section.GOAL, this::goal))
            .orElse(null);
    List<Exit> exits =
        top.optional("exit")
            .map(n -> nodes.mappings(n, "exit", Section.EXIT, this::exit))
            .orElse(List.of());
    FrequencyCaps caps =
        top.optional("caps")
            .map(n -> nodes.mapping(n, "caps", Section.CAPS, this::caps))
            .orElse(FrequencyCaps.NONE);
    List<QuietHours> quietHours =
        top.optional("quietHours")
            .map(n -> nodes.mappings(n, "quietHours", Section.QUIET_HOURS, this::quietHours))
            .orElse(List.of());
    List<Segment> segments = top.optional("segments").map(this::segments).orElse(List.of());
    String zone = top.optional("zone").map(this::journeyZone).orElse(null);
    List<Stage> stageList =
        top.required("stages", "list the stages, e.g. stages: {awareness: {on: [...]}}")
            .map(stages::stages)
            .orElse(List.of());
    return new Journey(
        name,
        version,
        description,
        entry,
        stageList,
        exits,
        goal,
        reEntry,
        holdout,
        priority,
        caps,
        quietHours,
        segments,
        zone);
  }

  /** The journey's own zone: an id, since 'customer' is what it stands in for. */
  private String journeyZone(Node node) {
    String zone = nodes.zone(node);
    if (QuietHours.CUSTOMER_ZONE.equals(zone)) {
      nodes.error(
          NodeReader.position(node),
          "the journey's zone is used when the customer's is unknown, so it cannot be 'customer'; name a zone such as Europe/Paris");
      return null;
    }
    return zone;
  }

  /** {@code segments: {gold: "CEL over the customer", ...}}, in the order written. */
  private List<Segment> segments(Node node) {
    NodeReader.Fields fields = nodes.fields(node, "segments", null);
    if (fields == null) {
      return List.of();
    }
    List<Segment> segments = new ArrayList<>();
    fields
        .all()
        .forEach(
            (name, value) -> {
              Condition when = nodes.condition(value, "segments/" + name);
              if (when != null) {
                segments.add(new Segment(name, when));
              }
            });
    return segments;
  }

  private Entry entry(NodeReader.Fields fields, String path) {
    String event = fields.optional("event").map(nodes::text).orElse(null);
    Condition when =
        fields.optional("when").map(n -> nodes.condition(n, path + "/when")).orElse(null);
    String stage = fields.optional("stage").map(nodes::text).orElse(null);
    if (fields.has("segment") || fields.has("schedule") || fields.has("broadcast")) {
      return new EntryReader(nodes).byRuns(fields, path, stage);
    }
    if (event == null && when == null && !fields.has("event") && !fields.has("when")) {
      nodes.error(
          fields.at(),
          "the entry needs an 'event', a 'when' condition, a 'segment' with a 'schedule', or"
              + " both event and when; say which touchpoint or which customers enter");
    }
    return new Entry(event, when, stage);
  }

  private ReEntryPolicy reEntry(Node node) {
    if (node instanceof ScalarNode scalar) {
      switch (scalar.getValue()) {
        case "never":
          return new ReEntryPolicy.Never();
        case "always":
          return new ReEntryPolicy.Always();
        default:
          nodes.error(
              position(node),
              "reEntry '"
                  + scalar.getValue()
                  + "' is not a policy; write never, always or {after: 30d}");
          return new ReEntryPolicy.Never();
      }
    }
    NodeReader.Fields fields = nodes.fields(node, "reEntry", Section.RE_ENTRY);
    if (fields == null) {
      return new ReEntryPolicy.Never();
    }
    return fields
        .required("after", "say how long after leaving, e.g. after: 30d")
        .map(n -> nodes.duration(n, false))
        .<ReEntryPolicy>map(ReEntryPolicy.AfterCooldown::new)
        .orElse(new ReEntryPolicy.Never());
  }

  private Goal goal(NodeReader.Fields fields, String path) {
    String name = fields.optional("name").map(nodes::text).orElse(null);
    String event =
        fields.requiredText(
            "event", "name the touchpoint that counts as converting, e.g. event: Order Completed");
    Condition when =
        fields.optional("when").map(n -> nodes.condition(n, path + "/when")).orElse(null);
    Duration within = fields.optional("within").map(n -> nodes.duration(n, false)).orElse(null);
    return event == null ? null : new Goal(name, event, when, within);
  }

  private Exit exit(NodeReader.Fields fields, String path) {
    String event =
        fields.requiredText(
            "event", "name the touchpoint that ends the journey, e.g. event: Unsubscribed");
    Condition when =
        fields.optional("when").map(n -> nodes.condition(n, path + "/when")).orElse(null);
    return event == null ? null : new Exit(event, when);
  }

  private FrequencyCaps caps(NodeReader.Fields fields, String path) {
    List<FrequencyCaps.ChannelCap> perChannel =
        fields
            .optional("perChannel")
            .map(
                n -> nodes.mappings(n, path + "/perChannel", Section.CHANNEL_CAP, this::channelCap))
            .orElse(List.of());
    List<FrequencyCaps.Cap> across =
        fields
            .optional("acrossChannels")
            .map(n -> nodes.mappings(n, path + "/acrossChannels", Section.CAP, this::cap))
            .orElse(List.of());
    List<FrequencyCaps.Cap> perJourney =
        fields
            .optional("perJourney")
            .map(n -> nodes.mappings(n, path + "/perJourney", Section.CAP, this::cap))
            .orElse(List.of());
    Duration cooldown =
        fields.optional("offerCooldown").map(n -> nodes.duration(n, false)).orElse(null);
    return new FrequencyCaps(perChannel, across, perJourney, cooldown);
  }

  private FrequencyCaps.ChannelCap channelCap(NodeReader.Fields fields, String path) {
    String channel =
        fields.requiredText("channel", "name the channel it limits, e.g. channel: email");
    Integer max = fields.requiredInteger("max", 0, "say how many at most, e.g. max: 3");
    Duration per = fields.requiredDuration("per", "say over which window, e.g. per: 7d");
    return channel == null || max == null || per == null
        ? null
        : new FrequencyCaps.ChannelCap(channel, max, per);
  }

  private FrequencyCaps.Cap cap(NodeReader.Fields fields, String path) {
    Integer max = fields.requiredInteger("max", 0, "say how many at most, e.g. max: 5");
    Duration per = fields.requiredDuration("per", "say over which window, e.g. per: 1d");
    return max == null || per == null ? null : new FrequencyCaps.Cap(max, per);
  }

  private QuietHours quietHours(NodeReader.Fields fields, String path) {
    List<String> channels =
        fields
            .optional("channels")
            .map(n -> nodes.list(n, path + "/channels", (item, p) -> nodes.text(item)))
            .orElse(List.of());
    LocalTime from = fields.requiredTimeOfDay("from", "say when they start, e.g. from: \"21:00\"");
    LocalTime to = fields.requiredTimeOfDay("to", "say when they end, e.g. to: \"08:00\"");
    String zone = fields.optional("zone").map(nodes::zone).orElse(QuietHours.CUSTOMER_ZONE);
    return from == null || to == null ? null : new QuietHours(channels, from, to, zone);
  }
}
