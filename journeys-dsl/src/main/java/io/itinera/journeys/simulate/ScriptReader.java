package io.itinera.journeys.simulate;

import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.diagnostic.Suggestions;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a simulation script: one line per touchpoint, in time order, e.g.
 *
 * <pre>
 * # the seeds' runner, in New York
 * customer runner-42
 * 2026-11-23T14:00:00Z identify timezone=America/New_York consent.email=true
 * 2026-11-23T14:00:00Z track "Product Viewed" channel=web category=running-shoes
 * 2026-11-23T14:00:00Z group acme plan=enterprise
 * 2026-11-30T00:00:00Z end
 * </pre>
 *
 * Each customer's lines are in time order; customers may follow one another in the file, and are
 * simulated together. Every mistake is reported at its line and column, all at once, like a
 * journey's.
 */
final class ScriptReader {

  static final String DEFAULT_CUSTOMER = "customer";
  private static final List<String> KINDS =
      List.of("track", "identify", "page", "screen", "group", "run", "end");
  private static final Pattern KEY =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*)*");
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+");

  private final String file;
  private final List<Step> steps = new ArrayList<>();
  private final List<Diagnostic> problems = new ArrayList<>();
  private String customer = DEFAULT_CUSTOMER;
  private final Map<String, Instant> lastByCustomer = new HashMap<>();
  private Instant latest = Instant.MIN;
  private Step.End end;

  private ScriptReader(String file) {
    this.file = file;
  }

  /** The steps, or the problems when there is any. */
  record Read(List<Step> steps, List<Diagnostic> problems) {}

  static Read read(String file, String text) {
    ScriptReader reader = new ScriptReader(file);
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      reader.line(i + 1, lines[i]);
    }
    // Customers may be written one after another; they are simulated together, in time order.
    List<Step> steps = new ArrayList<>(reader.steps);
    steps.sort(Comparator.comparing(Step::at));
    if (reader.end != null) {
      steps.add(reader.end);
    }
    List<Diagnostic> problems =
        reader.problems.stream().sorted(Comparator.comparing(Diagnostic::position)).toList();
    return new Read(List.copyOf(steps), problems);
  }

  private void line(int number, String line) {
    List<Token> tokens;
    try {
      tokens = Token.split(line);
    } catch (Token.Unclosed unclosed) {
      error(number, unclosed.column, "the quote opened here is not closed; close it with \"");
      return;
    }
    if (tokens.isEmpty() || tokens.get(0).text().startsWith("#") && !tokens.get(0).quoted()) {
      return;
    }
    if (end != null) {
      error(
          number,
          tokens.get(0).column(),
          "nothing may follow the end line; remove this line or move the end");
      return;
    }
    Token first = tokens.get(0);
    if (first.text().equals("customer") && !first.quoted()) {
      if (tokens.size() != 2) {
        error(number, first.column(), "customer takes one id, e.g. customer runner-42");
      } else {
        customer = tokens.get(1).text();
      }
      return;
    }
    Instant at = time(number, first);
    if (at == null) {
      return;
    }
    if (tokens.size() < 2) {
      error(
          number,
          first.column() + first.length(),
          "a time needs a touchpoint after it: " + String.join(", ", KINDS));
      return;
    }
    Token kind = tokens.get(1);
    if (kind.text().equals("end")) {
      end(number, tokens, at);
      return;
    }
    if (kind.text().equals("run") && !kind.quoted()) {
      if (tokens.size() != 3) {
        error(number, kind.column(), "run takes a journey's name, e.g. run win-back");
        return;
      }
      steps.add(new Step.Run(at, tokens.get(2).text()));
      latest = at.isAfter(latest) ? at : latest;
      return;
    }
    inCustomerOrder(number, first, at);
    touchpointLine(number, line, tokens, at);
  }

  private void end(int number, List<Token> tokens, Instant at) {
    if (tokens.size() > 2) {
      error(number, tokens.get(2).column(), "end takes nothing after it");
    }
    if (at.isBefore(latest)) {
      error(
          number,
          tokens.get(0).column(),
          "the end is at " + at + ", before a line at " + latest + "; end later");
    }
    end = new Step.End(at);
  }

  private void inCustomerOrder(int number, Token first, Instant at) {
    Instant last = lastByCustomer.put(customer, at);
    if (last != null && at.isBefore(last)) {
      error(
          number,
          first.column(),
          "this line is at "
              + at
              + ", before the line above for "
              + customer
              + " ("
              + last
              + "); put each customer's lines in time order");
    }
    latest = at.isAfter(latest) ? at : latest;
  }

  private void touchpointLine(int number, String line, List<Token> tokens, Instant at) {
    Token kind = tokens.get(1);
    switch (kind.text()) {
      case "identify":
        touchpoint(
            number,
            echo(line, kind),
            at,
            TouchpointType.IDENTIFY,
            null,
            tokens.subList(2, tokens.size()));
        return;
      case "group":
      case "track":
      case "page":
      case "screen":
        if (tokens.size() < 3 || isPair(tokens.get(2))) {
          error(
              number,
              kind.column() + kind.length(),
              kind.text().equals("group")
                  ? "group needs the group's id, e.g. group acme plan=enterprise"
                  : kind.text() + " needs a name, e.g. " + kind.text() + " \"Product Viewed\"");
          return;
        }
        touchpoint(
            number,
            echo(line, kind),
            at,
            TouchpointType.fromWireName(kind.text()).orElseThrow(),
            tokens.get(2).text(),
            tokens.subList(3, tokens.size()));
        return;
      default:
        String hint =
            Suggestions.closest(kind.text(), KINDS)
                .map(k -> "did you mean '" + k + "'?")
                .orElse("a line is a time then one of " + String.join(", ", KINDS));
        error(number, kind.column(), "unknown touchpoint '" + kind.text() + "'; " + hint);
    }
  }

  private Instant time(int number, Token token) {
    try {
      return OffsetDateTime.parse(token.text()).toInstant();
    } catch (DateTimeParseException notATime) {
      error(
          number,
          token.column(),
          "'"
              + token.text()
              + "' is not a time; start the line with one such as"
              + " 2026-11-23T10:00:00Z (UTC) or 2026-11-23T11:00:00+01:00, or with 'customer ID'");
      return null;
    }
  }

  private void touchpoint(
      int number, String echo, Instant at, TouchpointType type, String name, List<Token> pairs) {
    Map<String, Object> values = new LinkedHashMap<>();
    String channel = null;
    int problemsBefore = problems.size();
    for (Token pair : pairs) {
      int equals = pair.text().indexOf('=');
      String key =
          equals < 0 || pair.quotedFrom() <= equals ? null : pair.text().substring(0, equals);
      if (key == null || !KEY.matcher(key).matches()) {
        error(
            number,
            pair.column(),
            "expected key=value, found '"
                + pair.text()
                + "'; quote values with spaces:"
                + " key=\"two words\"");
        continue;
      }
      Object value = value(pair.text().substring(equals + 1), pair.quotedFrom() <= equals + 1);
      if (key.equals("channel")) {
        channel = value.toString();
      } else {
        put(values, key, value, number, pair.column());
      }
    }
    if (problems.size() > problemsBefore) {
      return;
    }
    if (channel == null) {
      channel =
          type == TouchpointType.PAGE ? "web" : type == TouchpointType.SCREEN ? "app" : "server";
    }
    boolean group = type == TouchpointType.GROUP;
    // An identify's key=value pairs are the customer's traits, a group call's the group's.
    boolean traits = type == TouchpointType.IDENTIFY || group;
    Touchpoint touchpoint =
        new Touchpoint(
            type,
            file + ":" + number,
            customer,
            customer,
            null,
            null,
            group ? name : null,
            type == TouchpointType.TRACK ? name : null,
            type == TouchpointType.TRACK || group ? null : name,
            null,
            channel,
            traits ? Map.of() : values,
            traits ? values : Map.of(),
            Map.of(),
            at,
            null,
            at);
    steps.add(new Step.Send(at, customer, touchpoint, echo));
  }

  /** Puts {@code a.b=v} as a nested map, as the JSON of a touchpoint would hold it. */
  @SuppressWarnings("unchecked")
  private void put(Map<String, Object> values, String key, Object value, int number, int column) {
    String[] path = key.split("\\.");
    Map<String, Object> map = values;
    for (int i = 0; i < path.length - 1; i++) {
      Object inner = map.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
      if (!(inner instanceof Map)) {
        error(
            number,
            column,
            "'"
                + String.join(".", List.of(path).subList(0, i + 1))
                + "' is already a value; it cannot also hold '"
                + key
                + "'");
        return;
      }
      map = (Map<String, Object>) inner;
    }
    if (map.containsKey(path[path.length - 1])) {
      error(number, column, "'" + key + "' is given twice on this line");
      return;
    }
    map.put(path[path.length - 1], value);
  }

  /** Quoted text stays text; otherwise booleans and numbers are read as JSON would send them. */
  private static Object value(String text, boolean quoted) {
    if (quoted) {
      return text;
    }
    if (text.equals("true") || text.equals("false")) {
      return Boolean.valueOf(text);
    }
    if (INTEGER.matcher(text).matches()) {
      return Long.valueOf(text);
    }
    if (DECIMAL.matcher(text).matches()) {
      return Double.valueOf(text);
    }
    return text;
  }

  /** The line from its touchpoint kind on, as the trace repeats it. */
  private static String echo(String line, Token kind) {
    return line.substring(kind.column() - 1).strip();
  }

  private static boolean isPair(Token token) {
    return !token.quoted() && token.text().contains("=");
  }

  private void error(int line, int column, String message) {
    problems.add(Diagnostic.error(new Position(line, column), message));
  }
}
