package io.itinera.journeys.decision;

import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.DurationText;
import io.itinera.journeys.model.QuietHours;
import io.itinera.journeys.model.Wait;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * When an action with a time-aware wait goes out, worked out once, when the action is decided: the
 * next time of day in the customer's zone, or an offset from a date the customer holds in a trait.
 * The instant then waits on a durable timer like any delay.
 *
 * <p>A time of day that a daylight-saving change skips (02:30 on the night clocks go forward) is
 * taken as the instant the gap ends plus the same offset, as {@link ZonedDateTime#of} does; one
 * that occurs twice is the first. A date trait that is missing, unreadable or already past skips
 * the action with the reason, as Braze does, rather than sending late.
 */
public final class WaitResolution {

  /** What the wait gives: an instant, or why the action is skipped. */
  public sealed interface Outcome {}

  /**
   * @param explanation how the instant was found, for the journal: "the next 10:00 in
   *     Europe/Berlin"
   */
  public record Due(Instant at, String explanation) implements Outcome {}

  public record Skipped(SuppressionReason reason, String explanation) implements Outcome {}

  /** How an explanation says the customer's timezone trait was not a zone. */
  private static final String NOT_A_ZONE = "' is not a zone";

  private WaitResolution() {}

  /**
   * Whether a wait's explanation (as {@link JourneyEvent.TimerScheduled} journals it) says the
   * customer's timezone trait was no zone and the journey's zone was used instead: what the engine
   * counts, so that bad profile data shows on a dashboard and not only in journals.
   */
  public static boolean fellBackFromCustomerZone(String explanation) {
    return explanation != null && explanation.endsWith(NOT_A_ZONE);
  }

  /**
   * When {@code action}, decided at {@code now}, is due: after its fixed delay, then its wait, if
   * any.
   *
   * @param journeyZone the zone used when the customer has none, or an invalid one
   */
  public static Outcome resolve(
      Action action, Map<String, Object> traits, String journeyZone, Instant now) {
    Instant afterDelay = now.plus(action.delay());
    Wait wait = action.until();
    if (wait == null) {
      return new Due(afterDelay, "after " + DurationText.format(action.delay()));
    }
    if (wait instanceof Wait.UntilTimeOfDay until) {
      return timeOfDay(until, traits, journeyZone, afterDelay);
    }
    return relative((Wait.RelativeToTrait) wait, traits, journeyZone, now);
  }

  private static Due timeOfDay(
      Wait.UntilTimeOfDay until, Map<String, Object> traits, String journeyZone, Instant from) {
    Zone zone =
        until.zone() == null || until.zone().equals(QuietHours.CUSTOMER_ZONE)
            ? customerZone(traits, journeyZone, until.zone() == null)
            : new Zone(ZoneId.of(until.zone()), until.zone());
    return new Due(
        nextTimeOfDay(from, until, zone.id()),
        "the next " + until.at() + " in " + zone.explanation());
  }

  /** The first {@code until.at()} in {@code zone} strictly after {@code from}. */
  static Instant nextTimeOfDay(Instant from, Wait.UntilTimeOfDay until, ZoneId zone) {
    ZonedDateTime local = from.atZone(zone);
    ZonedDateTime candidate = ZonedDateTime.of(local.toLocalDate(), until.at(), zone);
    if (!candidate.toInstant().isAfter(from)) {
      candidate = ZonedDateTime.of(local.toLocalDate().plusDays(1), until.at(), zone);
    }
    return candidate.toInstant();
  }

  private static Outcome relative(
      Wait.RelativeToTrait relative, Map<String, Object> traits, String journeyZone, Instant now) {
    Object value = traits.get(relative.trait());
    if (value == null) {
      return new Skipped(
          SuppressionReason.DATE_MISSING,
          "the customer has no '" + relative.trait() + "' trait to wait for");
    }
    Zone zone = customerZone(traits, journeyZone, false);
    Instant date;
    try {
      date = instant(value.toString(), zone.id());
    } catch (DateTimeException unreadable) {
      return new Skipped(
          SuppressionReason.DATE_MISSING,
          "trait '"
              + relative.trait()
              + "' holds '"
              + value
              + "', which is not an ISO-8601 date or instant");
    }
    Instant due = date.plus(relative.offset());
    String when = describe(relative) + " at " + date;
    if (due.isBefore(now)) {
      return new Skipped(SuppressionReason.DATE_PASSED, when + " is already past");
    }
    return new Due(due, when);
  }

  private static String describe(Wait.RelativeToTrait relative) {
    return relative.offset().isNegative()
        ? DurationText.format(relative.offset().negated()) + " before " + relative.trait()
        : DurationText.format(relative.offset()) + " after " + relative.trait();
  }

  /** An instant ({@code 2026-03-01T09:00:00Z}, with an offset) or a date, at its start of day. */
  static Instant instant(String text, ZoneId zone) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException notAnInstant) {
      return LocalDate.parse(text).atStartOfDay(zone).toInstant();
    }
  }

  private record Zone(ZoneId id, String explanation) {}

  /**
   * The customer's {@code timezone} trait; the journey's zone when it is missing or not a zone id,
   * which the explanation says.
   */
  private static Zone customerZone(
      Map<String, Object> traits, String journeyZone, boolean journeyByDefault) {
    Object trait = traits.get("timezone");
    if (!journeyByDefault && trait instanceof String name) {
      try {
        return new Zone(ZoneId.of(name), name + ", the customer's zone");
      } catch (DateTimeException notAZone) {
        return new Zone(
            ZoneId.of(journeyZone),
            journeyZone
                + ", the journey's zone, since the customer's timezone '"
                + name
                + NOT_A_ZONE);
      }
    }
    return new Zone(ZoneId.of(journeyZone), journeyZone + ", the journey's zone");
  }
}
