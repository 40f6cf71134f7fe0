package io.itinera.journeys.parse;

import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.diagnostic.Suggestions;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.DurationText;
import io.itinera.journeys.model.QuietHours;
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
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads snakeyaml-engine nodes into values, lists and mappings of known keys, reporting each
 * mistake at the node it is in and recording where every value sits in the {@link SourceMap}. It
 * knows YAML and the journey's value formats (durations, percentages, times, zones, conditions),
 * not what a journey is made of.
 */
final class NodeReader {

  private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d{1,9}");
  private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d+)?)%?");
  private static final Pattern TIME_OF_DAY = Pattern.compile("\\d{2}:\\d{2}");

  private final String[] lines;
  private final SourceMap sourceMap;
  private final List<Diagnostic> problems;

  NodeReader(String[] lines, SourceMap sourceMap, List<Diagnostic> problems) {
    this.lines = lines;
    this.sourceMap = sourceMap;
    this.problems = problems;
  }

  String text(Node node) {
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

  Integer integer(Node node, String what, int min) {
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

  Duration duration(Node node, boolean zeroAllowed) {
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

  Double holdout(Node node) {
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

  /** A percentage from 0 to 100, written {@code 5%} or {@code 5}, or null once reported. */
  Double percent(Node node, String what) {
    String text = text(node);
    if (text == null) {
      return null;
    }
    var matcher = PERCENT.matcher(text.trim());
    if (!matcher.matches() || Double.parseDouble(matcher.group(1)) > 100) {
      error(
          position(node),
          what + " '" + text + "' is not a percentage from 0 to 100; write e.g. 5%");
      return null;
    }
    return Double.parseDouble(matcher.group(1));
  }

  LocalTime timeOfDay(Node node) {
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

  String zone(Node node) {
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

  Condition condition(Node node, String path) {
    String source = text(node);
    if (source == null) {
      return null;
    }
    if (source.isBlank()) {
      error(
          position(node),
          "this condition is empty; write a CEL expression or remove '"
              + path.substring(path.lastIndexOf('/') + 1)
              + "'");
      return null;
    }
    sourceMap.putCondition(path, site((ScalarNode) node));
    return new Condition(source);
  }

  /**
   * A Liquid template's text (action params and content). Its place is kept as a condition's is, so
   * a template error points at its character in the file.
   */
  String template(Node node, String path) {
    String source = text(node);
    if (source != null && node instanceof ScalarNode scalar) {
      sourceMap.putCondition(path, site(scalar));
    }
    return source;
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

  interface ItemReader<T> {
    T read(Node item, String path);
  }

  <T> List<T> list(Node node, String path, ItemReader<T> reader) {
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

  interface MappingReader<T> {
    T read(Fields fields, String path);
  }

  /** A mapping read by {@code reader}, or null once a value that is no mapping is reported. */
  <T> T mapping(Node node, String path, Section section, MappingReader<T> reader) {
    Fields fields = fields(node, path, section);
    return fields == null ? null : reader.read(fields, path);
  }

  /** A list of mappings, each read by {@code reader}; an item that is no mapping is left out. */
  <T> List<T> mappings(Node node, String path, Section section, MappingReader<T> reader) {
    return list(node, path, (item, itemPath) -> mapping(item, itemPath, section, reader));
  }

  /** The keys of a mapping, after reporting duplicates and keys {@code section} does not know. */
  Fields fields(Node node, String path, Section section) {
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

  String keyText(Node key) {
    if (key instanceof ScalarNode scalar && !isNull(scalar)) {
      return scalar.getValue();
    }
    error(position(key), "a key must be plain text");
    return null;
  }

  /** The known keys of one mapping. */
  final class Fields {
    private final Position at;
    private final Map<String, NodeTuple> tuples;

    Fields(Position at, Map<String, NodeTuple> tuples) {
      this.at = at;
      this.tuples = tuples;
    }

    /** Where the mapping starts. */
    Position at() {
      return at;
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

    /** The text under {@code key}, or null once its absence or its mistake is reported. */
    String requiredText(String key, String hint) {
      return required(key, hint).map(NodeReader.this::text).orElse(null);
    }

    /** The whole number under {@code key}, at least {@code min}, or null once reported. */
    Integer requiredInteger(String key, int min, String hint) {
      return required(key, hint).map(n -> integer(n, key, min)).orElse(null);
    }

    /** The non-zero duration under {@code key}, or null once reported. */
    Duration requiredDuration(String key, String hint) {
      return required(key, hint).map(n -> duration(n, false)).orElse(null);
    }

    /** The time of day under {@code key}, or null once reported. */
    LocalTime requiredTimeOfDay(String key, String hint) {
      return required(key, hint).map(NodeReader.this::timeOfDay).orElse(null);
    }

    Map<String, Node> all() {
      Map<String, Node> all = new LinkedHashMap<>();
      tuples.forEach((key, tuple) -> all.put(key, tuple.getValueNode()));
      return all;
    }
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
  }

  static Position position(Node node) {
    return node.getStartMark().map(NodeReader::position).orElse(new Position(1, 1));
  }

  private static Position position(Mark mark) {
    return new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }

  void error(Position at, String message) {
    problems.add(Diagnostic.error(at, message));
  }

  int errorCount() {
    return problems.size();
  }
}
