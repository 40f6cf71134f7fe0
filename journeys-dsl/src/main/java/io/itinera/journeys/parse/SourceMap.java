package io.itinera.journeys.parse;

import io.itinera.journeys.diagnostic.Position;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each part of a parsed journey was written, by path ({@code stages/decision/on/0/goto}), so
 * checks that run on the model can still point at the file. Journeys built in Java use {@link
 * #EMPTY} and their problems carry {@link Position#UNKNOWN}.
 */
public final class SourceMap {

  public static final SourceMap EMPTY = new SourceMap();

  private final Map<String, Position> positions = new HashMap<>();
  private final Map<String, ConditionSite> conditions = new HashMap<>();
  private final Map<Object, String> elementPaths = new IdentityHashMap<>();

  SourceMap() {}

  public Position at(String path) {
    return positions.getOrDefault(path, Position.UNKNOWN);
  }

  /**
   * The file position of a CEL error at {@code celLine} (1-based) and {@code celColumn} (0-based).
   */
  public Position condition(String path, int celLine, int celColumn) {
    ConditionSite site = conditions.get(path);
    return site == null ? at(path) : site.map(celLine, celColumn);
  }

  /**
   * The path a stage, trigger, action... of the model was read from. The parser drops items it
   * cannot read, so an item's index in the model may differ from its index in the file; this keeps
   * them apart. Elements not from a file get {@code fallback}.
   */
  public String pathOf(Object element, String fallback) {
    return elementPaths.getOrDefault(element, fallback);
  }

  void putElement(Object element, String path) {
    elementPaths.put(element, path);
  }

  void put(String path, Position position) {
    positions.put(path, position);
  }

  void putCondition(String path, ConditionSite site) {
    conditions.put(path, site);
    positions.put(path, site.start());
  }

  public static String stage(String stageName) {
    return "stages/" + stageName;
  }

  public static String enterAction(String stageName, int index) {
    return stage(stageName) + "/enter/" + index;
  }

  public static String trigger(String stageName, int index) {
    return stage(stageName) + "/on/" + index;
  }

  public static String triggerAction(String stageName, int trigger, int index) {
    return trigger(stageName, trigger) + "/do/" + index;
  }

  public static String field(String path, String key) {
    return path.isEmpty() ? key : path + "/" + key;
  }

  /**
   * How a condition's text sits in the file, to turn CEL's line and column into the file's. Plain
   * and quoted one-line scalars map column for column; literal blocks line for line; folded blocks
   * by walking the folded lines; anything else points at the condition's start.
   */
  record ConditionSite(
      Position start, Kind kind, int firstLine, int indent, List<Integer> lineLengths) {

    enum Kind {
      INLINE,
      QUOTED,
      LITERAL,
      FOLDED,
      OTHER
    }

    Position map(int celLine, int celColumn) {
      return switch (kind) {
        case INLINE ->
            celLine == 1 ? new Position(start.line(), start.column() + celColumn) : start;
        case QUOTED ->
            celLine == 1 ? new Position(start.line(), start.column() + 1 + celColumn) : start;
        case LITERAL -> new Position(firstLine + celLine - 1, indent + 1 + celColumn);
        case FOLDED -> folded(celColumn);
        case OTHER -> start;
      };
    }

    private Position folded(int celColumn) {
      int offset = celColumn;
      for (int i = 0; i < lineLengths.size(); i++) {
        if (offset <= lineLengths.get(i)) {
          return new Position(firstLine + i, indent + 1 + offset);
        }
        offset -= lineLengths.get(i) + 1;
      }
      return start;
    }
  }
}
