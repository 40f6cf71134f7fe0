package io.itinera.journeys.parse;

import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.diagnostic.Suggestions;
import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.CountTrigger;
import io.itinera.journeys.model.DurationText;
import io.itinera.journeys.model.Entry;
import io.itinera.journeys.model.Exit;
import io.itinera.journeys.model.FrequencyCaps;
import io.itinera.journeys.model.Goal;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.QuietHours;
import io.itinera.journeys.model.ReEntryPolicy;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.TouchpointTrigger;
import io.itinera.journeys.model.Trigger;
import io.itinera.journeys.parse.SourceMap.ConditionSite;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a {@code *.journey.yaml} file into the model, collecting every structural mistake as a
 * located {@link Diagnostic} instead of stopping at the first.
 *
 * <p>It walks snakeyaml-engine's node tree rather than binding with Jackson: every node keeps its
 * start mark (so a value, a key or a CEL column can be pointed at), duplicate keys stay visible to
 * be reported rather than silently overwritten, and YAML 1.2 reads {@code on:} as text, not as the
 * boolean YAML 1.1 makes of it.
 */
public final class JourneyParser {

  /** Generous for a journey, small enough that a hostile file cannot exhaust memory. */
  private static final int MAX_FILE_CODE_POINTS = 4 * 1024 * 1024;

  private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d{1,9}");
  private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d+)?)%?");
  private static final Pattern TIME_OF_DAY = Pattern.compile("\\d{2}:\\d{2}");

  private final String[] lines;
  private final SourceMap sourceMap = new SourceMap();
  private final List<Diagnostic> problems = new ArrayList<>();

  private JourneyParser(String text) {
    this.lines = text.split("\r?\n", -1);
  }

  /** Parses one file's text. Never throws for bad input: everything wrong is in the result. */
  public static ParsedJourney parse(String text) {
    JourneyParser parser = new JourneyParser(text);
    Journey journey = parser.journey(text);
    return new ParsedJourney(journey, parser.sourceMap, List.copyOf(parser.problems));
  }

  private Journey journey(String text) {
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
      Position at = broken.getProblemMark().map(JourneyParser::position).orElse(new Position(1, 1));
      error(
          at,
          "this is not valid YAML: "
              + broken.getProblem()
              + "; check the indentation and quotes here");
      return null;
    } catch (YamlEngineException broken) {
      error(new Position(1, 1), "this is not valid YAML: " + broken.getMessage());
      return null;
    } catch (StackOverflowError tooDeep) {
      error(new Position(1, 1), "the file nests too deeply to be a journey");
      return null;
    }
    if (root.isEmpty() || isNull(root.get())) {
      error(
          new Position(1, 1),
          "the file is empty; a journey needs at least 'journey', 'entry' and 'stages'");
      return null;
    }
    Fields top = fields(root.get(), "", Section.JOURNEY);
    if (top == null) {
      return null;
    }
    String name =
        top.required("journey", "name the journey, e.g. journey: running-shoes")
            .map(this::text)
            .orElse(null);
    int version = top.optional("version").map(n -> integer(n, "version", 1)).orElse(1);
    String description = top.optional("description").map(this::text).orElse("");
    int priority =
        top.optional("priority").map(n -> integer(n, "priority", Integer.MIN_VALUE)).orElse(0);
    double holdout = top.optional("holdout").map(this::holdout).orElse(0.0);
    Entry entry =
        top.required("entry", "say how customers enter, e.g. entry: {event: Product Viewed}")
            .map(this::entry)
            .orElse(null);
    ReEntryPolicy reEntry =
        top.optional("reEntry").map(this::reEntry).orElse(new ReEntryPolicy.Never());
    Goal goal = top.optional("goal").map(this::goal).orElse(null);
    List<Exit> exits = top.optional("exit").map(n -> list(n, "exit", this::exit)).orElse(List.of());
    FrequencyCaps caps = top.optional("caps").map(this::caps).orElse(FrequencyCaps.NONE);
    List<QuietHours> quietHours =
        top.optional("quietHours")
            .map(n -> list(n, "quietHours", this::quietHours))
            .orElse(List.of());
    List<Stage> stages =
        top.required("stages", "list the stages, e.g. stages: {awareness: {on: [...]}}")
            .map(this::stages)
            .orElse(List.of());
    return new Journey(
        name,
        version,
        description,
        entry,
        stages,
        exits,
        goal,
        reEntry,
        holdout,
        priority,
        caps,
        quietHours);
  }

  private Entry entry(Node node) {
    Fields fields = fields(node, "entry", Section.ENTRY);
    if (fields == null) {
      return null;
    }
    String event = fields.optional("event").map(this::text).orElse(null);
    Condition when = fields.optional("when").map(n -> condition(n, "entry/when")).orElse(null);
    String stage = fields.optional("stage").map(this::text).orElse(null);
    if (event == null && when == null && !fields.has("event") && !fields.has("when")) {
      error(
          position(node),
          "the entry needs an 'event', a 'when' condition, or both; say which touchpoint or which customers enter");
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
          error(
              position(node),
              "reEntry '"
                  + scalar.getValue()
                  + "' is not a policy; write never, always or {after: 30d}");
          return new ReEntryPolicy.Never();
      }
    }
    Fields fields = fields(node, "reEntry", Section.RE_ENTRY);
    if (fields == null) {
      return new ReEntryPolicy.Never();
    }
    return fields
        .required("after", "say how long after leaving, e.g. after: 30d")
        .map(n -> duration(n, false))
        .<ReEntryPolicy>map(ReEntryPolicy.AfterCooldown::new)
        .orElse(new ReEntryPolicy.Never());
  }

  private Goal goal(Node node) {
    Fields fields = fields(node, "goal", Section.GOAL);
    if (fields == null) {
      return null;
    }
    String name = fields.optional("name").map(this::text).orElse(null);
    String event =
        fields
            .required(
                "event",
                "name the touchpoint that counts as converting, e.g. event: Order Completed")
            .map(this::text)
            .orElse(null);
    Condition when = fields.optional("when").map(n -> condition(n, "goal/when")).orElse(null);
    Duration within = fields.optional("within").map(n -> duration(n, false)).orElse(null);
    return event == null ? null : new Goal(name, event, when, within);
  }

  private Exit exit(Node node, String path) {
    Fields fields = fields(node, path, Section.EXIT);
    if (fields == null) {
      return null;
    }
    String event =
        fields
            .required(
                "event", "name the touchpoint that ends the journey, e.g. event: Unsubscribed")
            .map(this::text)
            .orElse(null);
    Condition when = fields.optional("when").map(n -> condition(n, path + "/when")).orElse(null);
    return event == null ? null : new Exit(event, when);
  }

  private FrequencyCaps caps(Node node) {
    Fields fields = fields(node, "caps", Section.CAPS);
    if (fields == null) {
      return FrequencyCaps.NONE;
    }
    List<FrequencyCaps.ChannelCap> perChannel =
        fields
            .optional("perChannel")
            .map(n -> list(n, "caps/perChannel", this::channelCap))
            .orElse(List.of());
    List<FrequencyCaps.Cap> across =
        fields
            .optional("acrossChannels")
            .map(n -> list(n, "caps/acrossChannels", this::cap))
            .orElse(List.of());
    List<FrequencyCaps.Cap> perJourney =
        fields
            .optional("perJourney")
            .map(n -> list(n, "caps/perJourney", this::cap))
            .orElse(List.of());
    Duration cooldown = fields.optional("offerCooldown").map(n -> duration(n, false)).orElse(null);
    return new FrequencyCaps(perChannel, across, perJourney, cooldown);
  }

  private FrequencyCaps.ChannelCap channelCap(Node node, String path) {
    Fields fields = fields(node, path, Section.CHANNEL_CAP);
    if (fields == null) {
      return null;
    }
    String channel =
        fields
            .required("channel", "name the channel it limits, e.g. channel: email")
            .map(this::text)
            .orElse(null);
    Integer max =
        fields
            .required("max", "say how many at most, e.g. max: 3")
            .map(n -> integer(n, "max", 0))
            .orElse(null);
    Duration per =
        fields
            .required("per", "say over which window, e.g. per: 7d")
            .map(n -> duration(n, false))
            .orElse(null);
    return channel == null || max == null || per == null
        ? null
        : new FrequencyCaps.ChannelCap(channel, max, per);
  }

  private FrequencyCaps.Cap cap(Node node, String path) {
    Fields fields = fields(node, path, Section.CAP);
    if (fields == null) {
      return null;
    }
    Integer max =
        fields
            .required("max", "say how many at most, e.g. max: 5")
            .map(n -> integer(n, "max", 0))
            .orElse(null);
    Duration per =
        fields
            .required("per", "say over which window, e.g. per: 1d")
            .map(n -> duration(n, false))
            .orElse(null);
    return max == null || per == null ? null : new FrequencyCaps.Cap(max, per);
  }

  private QuietHours quietHours(Node node, String path) {
    Fields fields = fields(node, path, Section.QUIET_HOURS);
    if (fields == null) {
      return null;
    }
    List<String> channels =
        fields
            .optional("channels")
            .map(n -> list(n, path + "/channels", (item, p) -> text(item)))
            .orElse(List.of());
    LocalTime from =
        fields
            .required("from", "say when they start, e.g. from: \"21:00\"")
            .map(this::timeOfDay)
            .orElse(null);
    LocalTime to =
        fields
            .required("to", "say when they end, e.g. to: \"08:00\"")
            .map(this::timeOfDay)
            .orElse(null);
    String zone = fields.optional("zone").map(this::zone).orElse(QuietHours.CUSTOMER_ZONE);
    return from == null || to == null ? null : new QuietHours(channels, from, to, zone);
  }

  private List<Stage> stages(Node node) {
    if (!(node instanceof MappingNode mapping)) {
      error(position(node), "'stages' must map stage names to stages, e.g. awareness: {on: [...]}");
      return List.of();
    }
    List<Stage> stages = new ArrayList<>();
    Map<String, Node> seen = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = keyText(tuple.getKeyNode());
      if (name == null) {
        continue;
      }
      if (seen.containsKey(name)) {
        error(
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
      error(position(node), "'stages' is empty; a journey needs at least one stage");
    }
    return stages;
  }

  private Stage stage(String name, Node node) {
    if (isNull(node)) {
      return new Stage(name, "", List.of(), List.of());
    }
    String path = SourceMap.stage(name);
    Fields fields = fields(node, path, Section.STAGE);
    if (fields == null) {
      return null;
    }
    String description = fields.optional("description").map(this::text).orElse("");
    List<Action> enter =
        fields.optional("enter").map(n -> list(n, path + "/enter", this::action)).orElse(List.of());
    List<Trigger> on =
        fields.optional("on").map(n -> list(n, path + "/on", this::trigger)).orElse(List.of());
    return new Stage(name, description, enter, on);
  }

  private Trigger trigger(Node node, String path) {
    Fields fields = fields(node, path, Section.TRIGGER);
    if (fields == null) {
      return null;
    }
    List<String> kinds = new ArrayList<>();
    for (String kind : List.of("event", "count", "absence")) {
      if (fields.has(kind)) {
        kinds.add(kind);
      }
    }
    if (kinds.isEmpty()) {
      error(
          position(node),
          "a trigger needs one of 'event', 'count' or 'absence'; say what makes it fire");
      return null;
    }
    if (kinds.size() > 1) {
      error(
          fields.keyPosition(kinds.get(1)),
          "a trigger can have only one of 'event', 'count' or 'absence', but this one has '"
              + kinds.get(0)
              + "' and '"
              + kinds.get(1)
              + "'; split it into two triggers");
      return null;
    }
    String name = fields.optional("name").map(this::text).orElse(null);
    Condition when = fields.optional("when").map(n -> condition(n, path + "/when")).orElse(null);
    List<Action> actions =
        fields.optional("do").map(n -> list(n, path + "/do", this::action)).orElse(List.of());
    String gotoStage = fields.optional("goto").map(this::text).orElse(null);
    int errorsBefore = problems.size();
    Trigger trigger =
        switch (kinds.get(0)) {
          case "event" ->
              new TouchpointTrigger(name, text(fields.get("event")), when, actions, gotoStage);
          case "count" ->
              count(fields.get("count"), path + "/count", name, when, actions, gotoStage);
          default ->
              absence(fields.get("absence"), path + "/absence", name, when, actions, gotoStage);
        };
    return errorsBefore == problems.size() ? trigger : null;
  }

  private Trigger count(
      Node node, String path, String name, Condition when, List<Action> actions, String gotoStage) {
    Fields fields = fields(node, path, Section.COUNT);
    if (fields == null) {
      return null;
    }
    String event =
        fields
            .required("event", "name the touchpoint to count, e.g. event: Product Viewed")
            .map(this::text)
            .orElse(null);
    Integer atLeast =
        fields
            .required("atLeast", "say how many, e.g. atLeast: 3")
            .map(n -> integer(n, "atLeast", 1))
            .orElse(null);
    Duration within =
        fields
            .required("within", "say in which window, e.g. within: 10m")
            .map(n -> duration(n, false))
            .orElse(null);
    return event == null || atLeast == null || within == null
        ? null
        : new CountTrigger(name, event, when, atLeast, within, actions, gotoStage);
  }

  private Trigger absence(
      Node node, String path, String name, Condition when, List<Action> actions, String gotoStage) {
    Fields fields = fields(node, path, Section.ABSENCE);
    if (fields == null) {
      return null;
    }
    String event =
        fields
            .required(
                "event", "name the touchpoint that should not happen, e.g. event: Order Completed")
            .map(this::text)
            .orElse(null);
    Duration within =
        fields
            .required("within", "say how long to wait, e.g. within: 15m")
            .map(n -> duration(n, false))
            .orElse(null);
    return event == null || within == null
        ? null
        : new AbsenceTrigger(name, event, when, within, actions, gotoStage);
  }

  private Action action(Node node, String path) {
    Fields fields = fields(node, path, Section.ACTION);
    if (fields == null) {
      return null;
    }
    String name = fields.optional("name").map(this::text).orElse(null);
    String channel =
        fields
            .required("channel", "say where it goes, e.g. channel: email")
            .map(this::text)
            .orElse(null);
    String type =
        fields
            .required("type", "say what the channel does, e.g. type: send")
            .map(this::text)
            .orElse(null);
    String template =
        fields
            .required(
                "template", "name the template the channel renders, e.g. template: cart-reminder")
            .map(this::text)
            .orElse(null);
    String offer = fields.optional("offer").map(this::text).orElse(null);
    Map<String, String> params =
        fields.optional("params").map(n -> params(n, path + "/params")).orElse(Map.of());
    Duration delay = fields.optional("delay").map(n -> duration(n, true)).orElse(Duration.ZERO);
    return channel == null || type == null || template == null || delay == null
        ? null
        : new Action(name, channel, type, template, offer, params, delay);
  }

  private Map<String, String> params(Node node, String path) {
    Fields fields = fields(node, path, null);
    if (fields == null) {
      return Map.of();
    }
    Map<String, String> params = new LinkedHashMap<>();
    fields
        .all()
        .forEach(
            (key, value) -> {
              String text = text(value);
              if (text != null) {
                params.put(key, text);
              }
            });
    return params;
  }

  // ---- scalars ----

  private String text(Node node) {
    if (node instanceof ScalarNode scalar) {
      if (isNull(scalar)) {
        error(position(node), "this value is empty; write a value or remove the key");
        return null;
      }
      return scalar.getValue();
    }
    error(
        position(node),
        "this must be a single value, not a "
            + (node instanceof SequenceNode ? "list" : "mapping"));
    return null;
  }

  private Integer integer(Node node, String what, int min) {
    String text = text(node);
    if (text == null) {
      return null;
    }
    if (!WHOLE_NUMBER.matcher(text).matches()) {
      error(
          position(node),
          "'" + text + "' is not a whole number; write " + what + " as digits, e.g. 3");
      return null;
    }
    int value = Integer.parseInt(text);
    if (value < min) {
      error(position(node), what + " must be " + min + " or more, not " + value);
      return null;
    }
    return value;
  }

  private Duration duration(Node node, boolean zeroAllowed) {
    String text = text(node);
    if (text == null) {
      return null;
    }
    Optional<Duration> duration = DurationText.parse(text);
    if (duration.isEmpty()) {
      error(
          position(node),
          "bad duration '"
              + text
              + "'; write a whole number and a unit (s, m, h, d or w), e.g. 15m, 24h or 7d");
      return null;
    }
    if (!zeroAllowed && duration.get().isZero()) {
      error(
          position(node), "a window of '" + text + "' is no time at all; make it longer than zero");
      return null;
    }
    return duration.get();
  }

  private Double holdout(Node node) {
    String text = text(node);
    if (text == null) {
      return 0.0;
    }
    var matcher = PERCENT.matcher(text.trim());
    if (!matcher.matches() || Double.parseDouble(matcher.group(1)) > 100) {
      error(
          position(node),
          "holdout '" + text + "' is not a percentage from 0 to 100; write e.g. 10%");
      return 0.0;
    }
    double percent = Double.parseDouble(matcher.group(1));
    if (percent == 100) {
      error(position(node), "a 100% holdout sends nothing to anyone; hold out less than 100%");
    }
    return percent;
  }

  private LocalTime timeOfDay(Node node) {
    String text = text(node);
    if (text == null) {
      return null;
    }
    try {
      if (TIME_OF_DAY.matcher(text).matches()) {
        return LocalTime.parse(text);
      }
    } catch (DateTimeParseException notATime) {
      // reported below, with the same advice as a malformed time
    }
    error(
        position(node),
        "'" + text + "' is not a time of day; write HH:MM in quotes, e.g. \"21:00\"");
    return null;
  }

  private String zone(Node node) {
    String text = text(node);
    if (text == null
        || text.equals(QuietHours.CUSTOMER_ZONE)
        || ZoneId.getAvailableZoneIds().contains(text)) {
      return text;
    }
    String hint =
        Suggestions.closest(text, ZoneId.getAvailableZoneIds())
            .map(z -> "did you mean '" + z + "'? ")
            .orElse("");
    error(
        position(node),
        "unknown time zone '"
            + text
            + "'; "
            + hint
            + "use 'customer' for the customer's own zone or an id such as Europe/Paris");
    return null;
  }

  private Condition condition(Node node, String path) {
    String source = text(node);
    if (source == null) {
      return null;
    }
    if (source.isBlank()) {
      error(position(node), "this condition is empty; write a CEL expression or remove 'when'");
      return null;
    }
    sourceMap.putCondition(path, site((ScalarNode) node));
    return new Condition(source);
  }

  private ConditionSite site(ScalarNode node) {
    Position start = position(node);
    boolean oneLine = node.getEndMark().map(end -> end.getLine() + 1 == start.line()).orElse(false);
    ScalarStyle style = node.getScalarStyle();
    if (style == ScalarStyle.PLAIN && oneLine) {
      return new ConditionSite(start, ConditionSite.Kind.INLINE, start.line(), 0, List.of());
    }
    if ((style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED) && oneLine) {
      return new ConditionSite(start, ConditionSite.Kind.QUOTED, start.line(), 0, List.of());
    }
    if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
      int first = start.line() + 1;
      List<Integer> lengths = new ArrayList<>();
      int indent = -1;
      for (int i = first - 1; i < lines.length; i++) {
        String line = lines[i];
        int lineIndent = line.length() - line.stripLeading().length();
        if (!line.isBlank() && indent < 0) {
          indent = lineIndent;
        }
        if (!line.isBlank() && lineIndent < indent) {
          break;
        }
        lengths.add(Math.max(0, line.strip().length()));
      }
      ConditionSite.Kind kind =
          style == ScalarStyle.LITERAL ? ConditionSite.Kind.LITERAL : ConditionSite.Kind.FOLDED;
      return new ConditionSite(start, kind, first, Math.max(indent, 0), lengths);
    }
    return new ConditionSite(start, ConditionSite.Kind.OTHER, start.line(), 0, List.of());
  }

  // ---- structure ----

  private interface ItemReader<T> {
    T read(Node item, String path);
  }

  private <T> List<T> list(Node node, String path, ItemReader<T> reader) {
    if (!(node instanceof SequenceNode sequence)) {
      error(
          position(node),
          "'"
              + path.substring(path.lastIndexOf('/') + 1)
              + "' must be a list; start each item with '- '");
      return List.of();
    }
    List<T> items = new ArrayList<>();
    List<Node> nodes = sequence.getValue();
    for (int i = 0; i < nodes.size(); i++) {
      String itemPath = path + "/" + i;
      sourceMap.put(itemPath, position(nodes.get(i)));
      T item = reader.read(nodes.get(i), itemPath);
      if (item != null) {
        sourceMap.putElement(item, itemPath);
        items.add(item);
      }
    }
    return items;
  }

  /** The keys of a mapping, after reporting duplicates and keys {@code section} does not know. */
  private Fields fields(Node node, String path, Section section) {
    if (!(node instanceof MappingNode mapping)) {
      String what = section == null ? "this" : section.description();
      error(
          position(node),
          what.substring(0, 1).toUpperCase()
              + what.substring(1)
              + " must be a mapping of keys to values"
              + (section == null ? "" : ", e.g. " + section.keys().get(0) + ": ..."));
      return null;
    }
    Map<String, NodeTuple> tuples = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = keyText(tuple.getKeyNode());
      if (key == null) {
        continue;
      }
      if (tuples.containsKey(key)) {
        error(
            position(tuple.getKeyNode()),
            "duplicate key '"
                + key
                + "' (first at line "
                + position(tuples.get(key).getKeyNode()).line()
                + "); keep one of them");
        continue;
      }
      if (section != null && !section.keys().contains(key)) {
        String hint =
            Suggestions.closest(key, section.keys())
                .map(known -> "did you mean '" + known + "'?")
                .orElse("expected one of: " + String.join(", ", section.keys()));
        error(
            position(tuple.getKeyNode()),
            "unknown key '" + key + "' in " + section.description() + "; " + hint);
        continue;
      }
      tuples.put(key, tuple);
      sourceMap.put(SourceMap.field(path, key), position(tuple.getValueNode()));
    }
    return new Fields(position(node), tuples);
  }

  private String keyText(Node key) {
    if (key instanceof ScalarNode scalar && !isNull(scalar)) {
      return scalar.getValue();
    }
    error(position(key), "a key must be plain text");
    return null;
  }

  /** The known keys of one mapping. */
  private final class Fields {
    private final Position at;
    private final Map<String, NodeTuple> tuples;

    Fields(Position at, Map<String, NodeTuple> tuples) {
      this.at = at;
      this.tuples = tuples;
    }

    boolean has(String key) {
      return tuples.containsKey(key);
    }

    Node get(String key) {
      return tuples.get(key).getValueNode();
    }

    Position keyPosition(String key) {
      return position(tuples.get(key).getKeyNode());
    }

    Optional<Node> optional(String key) {
      return Optional.ofNullable(tuples.get(key)).map(NodeTuple::getValueNode);
    }

    Optional<Node> required(String key, String hint) {
      if (!has(key)) {
        error(at, "missing '" + key + "'; " + hint);
      }
      return optional(key);
    }

    Map<String, Node> all() {
      Map<String, Node> all = new LinkedHashMap<>();
      tuples.forEach((key, tuple) -> all.put(key, tuple.getValueNode()));
      return all;
    }
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
  }

  private static Position position(Node node) {
    return node.getStartMark().map(JourneyParser::position).orElse(new Position(1, 1));
  }

  private static Position position(Mark mark) {
    return new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }

  private void error(Position at, String message) {
    problems.add(Diagnostic.error(at, message));
  }
}
