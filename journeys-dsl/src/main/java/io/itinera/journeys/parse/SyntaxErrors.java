package io.itinera.journeys.parse;

import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Says snakeyaml-engine's syntax errors in a journey designer's words. The engine speaks of tokens
 * ("expected &lt;block end&gt;, but found '&lt;block mapping start&gt;'"); a designer needs to hear
 * which line is indented wrongly and what to align it with, so the common mistakes (indentation, a
 * tab, an unclosed quote or bracket, a missing ': ') are recognised from the engine's message and
 * the file's lines. Anything else keeps the engine's words.
 */
final class SyntaxErrors {

  private static final Pattern UNCLOSED_FLOW =
      Pattern.compile("expected ',' or '([\\]}])', but got (.*)");
  private static final Pattern STRAY_CHARACTER =
      Pattern.compile("found character '(.+?)' that cannot start any token.*");
  private static final Pattern UNDEFINED_ALIAS = Pattern.compile("found undefined alias (.+)");

  private final String[] lines;

  private SyntaxErrors(String[] lines) {
    this.lines = lines;
  }

  /** The located problem for a file that is not valid YAML. */
  static Diagnostic explain(MarkedYamlEngineException broken, String[] lines) {
    Position at = broken.getProblemMark().map(SyntaxErrors::position).orElse(new Position(1, 1));
    Optional<Position> context = broken.getContextMark().map(SyntaxErrors::position);
    String problem = String.valueOf(broken.getProblem());
    String during = String.valueOf(broken.getContext());
    SyntaxErrors errors = new SyntaxErrors(lines);
    return errors
        .plainWords(problem, during, at, context)
        .orElseGet(
            () ->
                Diagnostic.error(
                    at,
                    "this is not valid YAML: "
                        + problem
                        + "; check the indentation and quotes here"));
  }

  private Optional<Diagnostic> plainWords(
      String problem, String during, Position at, Optional<Position> context) {
    if (problem.contains("(TAB)")) {
      return error(at, "a tab here; YAML indents with spaces only, replace the tab with spaces");
    }
    if (during.contains("quoted scalar") && problem.contains("end of stream")) {
      return error(
          context.orElse(at),
          "this quote is never closed; end the value with the same quote it starts with");
    }
    Matcher flow = UNCLOSED_FLOW.matcher(problem);
    if (flow.matches()) {
      return unclosedFlow(flow.group(1), flow.group(2), at, context.orElse(at));
    }
    if (problem.startsWith("could not find expected ':'")) {
      return error(
          context.orElse(at),
          "this line has no ':' after its key; write it as key: value, with a space after the"
              + " colon");
    }
    if (problem.equals("mapping values are not allowed here")) {
      return Optional.of(unexpectedColon(at));
    }
    if (problem.startsWith("expected <block end>, but found")) {
      return misaligned(at, problem.endsWith("'-'"));
    }
    Matcher stray = STRAY_CHARACTER.matcher(problem);
    if (stray.matches()) {
      return error(
          at, "a value cannot start with '" + stray.group(1) + "'; put the value in quotes");
    }
    Matcher alias = UNDEFINED_ALIAS.matcher(problem);
    if (alias.matches()) {
      return error(
          at,
          "YAML reads a value starting with '*' as a reference to an anchor, and there is no"
              + " anchor '&"
              + alias.group(1)
              + "'; put the value in quotes");
    }
    if (problem.startsWith("found unknown escape character")) {
      return error(
          at,
          "this '\\' escape means nothing inside double quotes; use single quotes, or write \\\\"
              + " for a backslash");
    }
    return Optional.empty();
  }

  private static Optional<Diagnostic> unclosedFlow(
      String closer, String found, Position at, Position opened) {
    String opener = closer.equals("]") ? "[" : "{";
    if (found.equals("]") || found.equals("}")) {
      return error(
          at,
          "this '"
              + found
              + "' does not match the '"
              + opener
              + "' opened at line "
              + opened.line()
              + ", column "
              + opened.column()
              + "; close it with '"
              + closer
              + "'");
    }
    return error(
        opened,
        "this '"
            + opener
            + "' is never closed; close it with '"
            + closer
            + "' (and separate its items with ', ')");
  }

  /** A ': ' where no key may start: a line indented too far, or a second key on one line. */
  private Diagnostic unexpectedColon(Position at) {
    int line = at.line() - 1;
    int above = contentLineAbove(line);
    String text = lineText(line);
    boolean firstColonOnLine = text.indexOf(": ") < 0 || text.indexOf(": ") >= at.column() - 1;
    if (above >= 0 && firstColonOnLine) {
      if (keyColumn(lineText(line)) > keyColumn(lineText(above))) {
        return Diagnostic.error(
            at,
            "this line is indented more than the line above it, so YAML reads it as the rest of"
                + " that line's value; align it with "
                + key(above));
      }
      return Diagnostic.error(
          at,
          "YAML reads this line as the rest of line "
              + (above + 1)
              + "'s value, because that line has no ': ' after its key; write it as key: value");
    }
    return Diagnostic.error(
        at,
        "a second key on one line; put the inner mapping on its own, indented line, or quote a"
            + " value that contains ': '");
  }

  /** A line that ends a block but lines up with nothing above it. */
  private Optional<Diagnostic> misaligned(Position at, boolean listItem) {
    int line = at.line() - 1;
    int above = contentLineAbove(line);
    if (above < 0) {
      return Optional.empty();
    }
    int column = at.column() - 1;
    int aboveColumn = keyColumn(lineText(above));
    if (column > aboveColumn) {
      return error(
          at, "this line is indented more than the line above it; align it with " + key(above));
    }
    if (column == aboveColumn) {
      return Optional.empty();
    }
    if (listItem) {
      return error(
          at,
          "this list item is indented less than the line above it; indent it under " + key(above));
    }
    int deeper = above;
    for (int i = above - 1; i >= 0; i--) {
      if (isContent(i) && keyColumn(lineText(i)) < keyColumn(lineText(deeper))) {
        int keyColumn = keyColumn(lineText(i));
        if (keyColumn == column) {
          return Optional.empty();
        }
        if (keyColumn < column) {
          return error(
              at,
              "this line is indented less than the line above it but lines up with no key above"
                  + " it; align it with "
                  + key(deeper)
                  + " to stay in that mapping, or with "
                  + key(i));
        }
        deeper = i;
      }
    }
    return error(
        at,
        "this line is indented less than the line above it but lines up with no key above it;"
            + " align it with "
            + key(deeper));
  }

  /** "'event' on line 6": how a designer finds a line's key. */
  private String key(int line) {
    String text = lineText(line);
    String rest = text.substring(keyColumn(text));
    int colon = rest.indexOf(':');
    String name = (colon > 0 ? rest.substring(0, colon) : rest).strip();
    if (name.length() > 30) {
      name = name.substring(0, 30) + "...";
    }
    return "'" + name + "' on line " + (line + 1);
  }

  private int contentLineAbove(int line) {
    for (int i = Math.min(line, lines.length) - 1; i >= 0; i--) {
      if (isContent(i)) {
        return i;
      }
    }
    return -1;
  }

  private boolean isContent(int line) {
    String text = lineText(line).strip();
    return !text.isEmpty() && !text.startsWith("#");
  }

  private String lineText(int line) {
    return line >= 0 && line < lines.length ? lines[line] : "";
  }

  /** Where a line's key starts: after its indentation and any '- ' list markers. */
  private static int keyColumn(String line) {
    int column = 0;
    while (column < line.length()) {
      char c = line.charAt(column);
      boolean listMarker =
          c == '-' && (column + 1 == line.length() || line.charAt(column + 1) == ' ');
      if (c != ' ' && !listMarker) {
        break;
      }
      column++;
    }
    return column;
  }

  private static Optional<Diagnostic> error(Position at, String message) {
    return Optional.of(Diagnostic.error(at, message));
  }

  private static Position position(Mark mark) {
    return new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }
}
