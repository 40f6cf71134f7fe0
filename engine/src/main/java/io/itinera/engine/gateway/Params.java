package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;

import io.itinera.engine.audit.AuditEntry;
import io.itinera.engine.delivery.ChannelEndpoint;
import io.itinera.engine.delivery.Delivery.Status;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The query parameters of the API, read in one place: each as a pure function from the raw value to
 * the value or the 400 problem that names it, and as a directive that answers with that problem.
 */
final class Params {

  /** What {@link KeyIds#of} gives. */
  private static final Pattern KEY_ID = Pattern.compile("k-[0-9a-f]{16}");

  /** A segment's name as journeys declare it. */
  private static final Pattern SEGMENT = Pattern.compile("[^,\\s][^,]{0,119}");

  private Params() {}

  /** {@code after}: a cursor a previous reply gave; from the start when absent. */
  static Parsed<Long> cursor(Optional<String> raw) {
    if (raw.isEmpty()) {
      return new Parsed.Valid<>(0L);
    }
    try {
      long value = Long.parseLong(raw.get().trim());
      if (value >= 0) {
        return new Parsed.Valid<>(value);
      }
    } catch (NumberFormatException e) {
      // not a number: the same problem as a negative one
    }
    return invalid(
        "after",
        "A cursor must be one a previous reply gave (\"next\", or an event's id); it was \""
            + raw.get()
            + "\".");
  }

  /** {@code limit}: how many to show, from 1 to {@code max}; {@code fallback} when absent. */
  static Parsed<Integer> limit(Optional<String> raw, int fallback, int max) {
    if (raw.isEmpty()) {
      return new Parsed.Valid<>(fallback);
    }
    try {
      int value = Integer.parseInt(raw.get().trim());
      if (value >= 1 && value <= max) {
        return new Parsed.Valid<>(value);
      }
    } catch (NumberFormatException e) {
      // not a number: the same problem as one out of range
    }
    return invalid(
        "limit",
        "\"limit\" must be a whole number from 1 to " + max + "; it was \"" + raw.get() + "\".");
  }

  /** A flag such as {@code dryRun}: exactly {@code true} or {@code false}; false when absent. */
  static Parsed<Boolean> flag(String name, Optional<String> raw) {
    String value = raw.orElse("false");
    if (!value.equals("true") && !value.equals("false")) {
      return invalid(name, "\"" + name + "\" must be true or false; it was \"" + value + "\".");
    }
    return new Parsed.Valid<>(value.equals("true"));
  }

  /** {@code status}: a delivery's status by its wire name; any status when absent. */
  static Parsed<Optional<Status>> status(Optional<String> raw) {
    try {
      return new Parsed.Valid<>(raw.map(Status::ofWireName));
    } catch (IllegalArgumentException e) {
      return invalid(
          "status",
          "\"status\" must be pending, dead, delivered, available or withdrawn; it was \""
              + raw.get()
              + "\".");
    }
  }

  /** {@code channel}, required: the channel asking for its next action. */
  static Parsed<String> channel(Optional<String> raw) {
    if (raw.isEmpty() || !ChannelEndpoint.CHANNEL_NAME.matcher(raw.get()).matches()) {
      return invalid("channel", "\"channel\" is required: the channel asking, e.g. ?channel=web.");
    }
    return new Parsed.Valid<>(raw.get());
  }

  /** {@code action}, optional: an audit entry's action, e.g. {@code journey.deploy}. */
  static Parsed<Optional<String>> auditAction(Optional<String> raw) {
    if (raw.isPresent() && !AuditEntry.ACTION.matcher(raw.get()).matches()) {
      return invalid(
          "action",
          "\"action\" must be an audit action such as journey.deploy or channel.put; it was \""
              + raw.get()
              + "\".");
    }
    return new Parsed.Valid<>(raw);
  }

  /** {@code who}, optional: a key's id as the audit log and the key list show it. */
  static Parsed<Optional<String>> keyId(Optional<String> raw) {
    if (raw.isPresent() && !KEY_ID.matcher(raw.get()).matches()) {
      return invalid(
          "who",
          "\"who\" must be a key's id, \"k-\" and 16 hex digits; it was \"" + raw.get() + "\".");
    }
    return new Parsed.Valid<>(raw);
  }

  /** A day such as {@code from}: an ISO date, {@code yyyy-mm-dd}; {@code fallback} when absent. */
  static Parsed<LocalDate> date(String name, Optional<String> raw, LocalDate fallback) {
    if (raw.isEmpty()) {
      return new Parsed.Valid<>(fallback);
    }
    try {
      return new Parsed.Valid<>(LocalDate.parse(raw.get().trim()));
    } catch (DateTimeParseException e) {
      return invalid(
          name, "\"" + name + "\" must be a date, yyyy-mm-dd (UTC); it was \"" + raw.get() + "\".");
    }
  }

  /** {@code version}, optional: a journey's version, a whole number from 1. */
  static Parsed<Optional<Integer>> version(Optional<String> raw) {
    if (raw.isEmpty()) {
      return new Parsed.Valid<>(Optional.empty());
    }
    try {
      int value = Integer.parseInt(raw.get().trim());
      if (value >= 1) {
        return new Parsed.Valid<>(Optional.of(value));
      }
    } catch (NumberFormatException e) {
      // not a number: the same problem as one below 1
    }
    return invalid(
        "version",
        "\"version\" must be a journey version, a whole number from 1; it was \""
            + raw.get()
            + "\".");
  }

  /** {@code segment}, optional: a segment's name; "" (every customer) when absent. */
  static Parsed<String> segment(Optional<String> raw) {
    if (raw.isPresent() && !SEGMENT.matcher(raw.get()).matches()) {
      return invalid(
          "segment",
          "\"segment\" must be a segment's name (up to 120 characters, no comma); it was \""
              + raw.get()
              + "\".");
    }
    return new Parsed.Valid<>(raw.orElse(""));
  }

  static Route after(Function<Long, Route> inner) {
    return parameterOptional("after", raw -> cursor(raw).then(inner));
  }

  static Route limit(int fallback, int max, Function<Integer, Route> inner) {
    return parameterOptional("limit", raw -> limit(raw, fallback, max).then(inner));
  }

  static Route flag(String name, Function<Boolean, Route> inner) {
    return parameterOptional(name, raw -> flag(name, raw).then(inner));
  }

  static Route status(Function<Optional<Status>, Route> inner) {
    return parameterOptional("status", raw -> status(raw).then(inner));
  }

  static Route channel(Function<String, Route> inner) {
    return parameterOptional("channel", raw -> channel(raw).then(inner));
  }

  static Route auditAction(Function<Optional<String>, Route> inner) {
    return parameterOptional("action", raw -> auditAction(raw).then(inner));
  }

  static Route keyId(Function<Optional<String>, Route> inner) {
    return parameterOptional("who", raw -> keyId(raw).then(inner));
  }

  private static <T> Parsed<T> invalid(String name, String detail) {
    return new Parsed.Invalid<>(Problem.invalidParameter(name, detail));
  }
}
