package io.itinera.journeys.decision;

import io.itinera.journeys.model.QuietHours;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Whether quiet hours hold an action now, and until when. Times of day are read in the window's
 * zone (the customer's for {@code zone: customer}), so "no SMS after 21:00" means their evening,
 * and daylight-saving changes move the instant, not the local time.
 */
final class QuietWindow {

  private QuietWindow() {}

  /**
   * @param until the end of the window: when the action may go
   */
  record Held(Instant until, String explanation) {}

  static Optional<Held> holding(
      List<QuietHours> quietHours, String channel, Instant now, ZoneId customerZone) {
    Held latest = null;
    for (QuietHours quiet : quietHours) {
      if (!quiet.channels().isEmpty() && !quiet.channels().contains(channel)) {
        continue;
      }
      ZoneId zone =
          QuietHours.CUSTOMER_ZONE.equals(quiet.zone()) ? customerZone : ZoneId.of(quiet.zone());
      Optional<LocalDate> endsOn = endDate(quiet, now.atZone(zone));
      if (endsOn.isEmpty()) {
        continue;
      }
      Instant until = ZonedDateTime.of(endsOn.get(), quiet.to(), zone).toInstant();
      if (latest == null || until.isAfter(latest.until())) {
        latest =
            new Held(
                until,
                "quiet hours "
                    + quiet.from()
                    + "-"
                    + quiet.to()
                    + " for "
                    + channel
                    + " in "
                    + zone
                    + "; it goes at "
                    + quiet.to()
                    + " there");
      }
    }
    return Optional.ofNullable(latest);
  }

  /** The local date the window holding {@code local} ends on, or empty if none holds it. */
  private static Optional<LocalDate> endDate(QuietHours quiet, ZonedDateTime local) {
    LocalTime time = local.toLocalTime();
    LocalDate today = local.toLocalDate();
    boolean afterFrom = !time.isBefore(quiet.from());
    boolean beforeTo = time.isBefore(quiet.to());
    if (quiet.from().isBefore(quiet.to())) {
      return afterFrom && beforeTo ? Optional.of(today) : Optional.empty();
    }
    if (afterFrom) {
      return Optional.of(today.plusDays(1));
    }
    return beforeTo ? Optional.of(today) : Optional.empty();
  }
}
