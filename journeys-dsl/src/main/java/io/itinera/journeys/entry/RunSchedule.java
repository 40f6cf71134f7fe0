package io.itinera.journeys.entry;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.itinera.journeys.model.EntrySchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The instants a segment entry's schedule gives: the engine's run scheduler and the simulator both
 * ask it for the next one after the last run, so a run missed while no node was up is made once,
 * not once per missed instant.
 */
public final class RunSchedule {

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private RunSchedule() {}

  /** Why {@code expression} is not a Unix cron expression, or empty when it is one. */
  public static Optional<String> cronProblem(String expression) {
    try {
      UNIX.parse(expression).validate();
      return Optional.empty();
    } catch (IllegalArgumentException bad) {
      return Optional.of(bad.getMessage());
    }
  }

  /**
   * The first run instant strictly after {@code after}; empty for a broadcast, whose single run is
   * started at deploy and never again.
   */
  public static Optional<Instant> next(EntrySchedule schedule, Instant after) {
    if (schedule instanceof EntrySchedule.Cron cron) {
      Cron parsed = UNIX.parse(cron.expression());
      return ExecutionTime.forCron(parsed)
          .nextExecution(after.atZone(zone(cron.zone())))
          .map(ZonedDateTime::toInstant);
    }
    if (schedule instanceof EntrySchedule.Every every) {
      return Optional.of(nextEvery(every, after));
    }
    return Optional.empty();
  }

  /**
   * Whether a run at {@code instant} may enter a customer living in {@code customerZone}: always,
   * except with {@code zone: customer}, where only when it is {@code at}'s hour there.
   */
  public static boolean customerHour(EntrySchedule schedule, Instant instant, ZoneId customerZone) {
    if (!(schedule instanceof EntrySchedule.Every every) || !perCustomerZone(schedule)) {
      return true;
    }
    LocalTime at = every.at() == null ? LocalTime.MIDNIGHT : every.at();
    return instant.atZone(customerZone).getHour() == at.getHour();
  }

  /** Whether runs go hourly and each customer is entered at {@code at} in their own zone. */
  public static boolean perCustomerZone(EntrySchedule schedule) {
    return schedule instanceof EntrySchedule.Every every
        && EntrySchedule.CUSTOMER_ZONE.equals(every.zone());
  }

  private static Instant nextEvery(EntrySchedule.Every every, Instant after) {
    LocalTime at = every.at() == null ? LocalTime.MIDNIGHT : every.at();
    if (perCustomerZone(every)) {
      // Every hour at at's minute: some customer somewhere is at at's hour.
      Instant hour = after.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(at.getMinute()));
      return hour.isAfter(after) ? hour : hour.plus(Duration.ofHours(1));
    }
    ZoneId zone = zone(every.zone());
    Duration step = every.every();
    if (step.toDays() >= 1 && step.toSeconds() % 86_400 == 0) {
      // Whole days: at the time of day in the zone, counted from the zone's calendar (DST-proof).
      ZonedDateTime candidate = after.atZone(zone).toLocalDate().atTime(at).atZone(zone);
      while (!candidate.toInstant().isAfter(after)) {
        candidate = candidate.plusDays(1);
      }
      long days = step.toDays();
      long epochDay = candidate.toLocalDate().toEpochDay();
      while (days > 1 && epochDay % days != 0) {
        candidate = candidate.plusDays(1);
        epochDay++;
      }
      return candidate.toInstant();
    }
    // Shorter steps: instants at at's offset into the day plus whole steps, in the zone's day.
    ZonedDateTime dayStart = after.atZone(zone).toLocalDate().atTime(at).atZone(zone);
    Instant candidate = dayStart.toInstant();
    if (candidate.isAfter(after)) {
      candidate = candidate.minus(Duration.ofDays(1));
    }
    long steps = Duration.between(candidate, after).dividedBy(step) + 1;
    return candidate.plus(step.multipliedBy(steps));
  }

  private static ZoneId zone(String zone) {
    return zone == null || EntrySchedule.CUSTOMER_ZONE.equals(zone)
        ? ZoneOffset.UTC
        : ZoneId.of(zone);
  }
}
