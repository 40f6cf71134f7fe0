package io.itinera.journeys.model;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DSL's duration notation: whole numbers with a unit, e.g. {@code 15m}, {@code 24h}, {@code
 * 1h30m}.
 */
public final class DurationText {

  private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}[wdhms])+");
  private static final Pattern PART = Pattern.compile("(\\d{1,9})([wdhms])");
  private static final long[] UNIT_SECONDS = {7 * 86400, 86400, 3600, 60, 1};
  private static final String UNITS = "wdhms";

  private DurationText() {}

  /** The duration, or empty if the text is not in the notation. Zero is allowed here. */
  public static Optional<Duration> parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      return Optional.empty();
    }
    long seconds = 0;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      seconds += Long.parseLong(part.group(1)) * UNIT_SECONDS[UNITS.indexOf(part.group(2))];
    }
    return Optional.of(Duration.ofSeconds(seconds));
  }

  /**
   * The shortest text in days, hours, minutes and seconds that parses back to the same duration.
   * Weeks are read but not written, since designers think of "7d" caps rather than "1w".
   */
  public static String format(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds == 0) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    for (int i = 1; i < UNIT_SECONDS.length; i++) {
      long count = seconds / UNIT_SECONDS[i];
      if (count > 0) {
        text.append(count).append(UNITS.charAt(i));
        seconds -= count * UNIT_SECONDS[i];
      }
    }
    return text.toString();
  }
}
