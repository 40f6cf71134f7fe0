package io.itinera.engine.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed webhook again: the configured schedule of waits (exponential in effect: 5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h, 10 h by default), each varied by a random jitter so the retries of
 * a burst that failed together do not arrive together; a receiver's {@code Retry-After} instead,
 * when it sends one with 429 or 503.
 */
public final class RetryPolicy {

  private final List<Duration> schedule;
  private final double jitter;
  private final Duration maxRetryAfter;
  private final DoubleSupplier random;

  public RetryPolicy(
      List<Duration> schedule, double jitter, Duration maxRetryAfter, DoubleSupplier random) {
    this.schedule = List.copyOf(schedule);
    this.jitter = jitter;
    this.maxRetryAfter = maxRetryAfter;
    this.random = random;
  }

  public static RetryPolicy of(DeliverySettings settings) {
    return new RetryPolicy(
        settings.retrySchedule(),
        settings.jitter(),
        settings.maxRetryAfter(),
        () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }

  /** Attempts in all: the first and one after each wait. */
  public int maxAttempts() {
    return schedule.size() + 1;
  }

  /**
   * When to make the next attempt after {@code attempts} failed ones, or empty when they were all
   * (the delivery is dead).
   */
  public Optional<Instant> next(int attempts, Instant now, Optional<Duration> retryAfter) {
    if (attempts >= maxAttempts()) {
      return Optional.empty();
    }
    if (retryAfter.isPresent()) {
      Duration wait = retryAfter.get();
      return Optional.of(now.plus(wait.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : wait));
    }
    Duration wait = schedule.get(attempts - 1);
    double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
    return Optional.of(now.plusMillis(Math.max(0, Math.round(wait.toMillis() * factor))));
  }

  /**
   * A {@code Retry-After} value: delay-seconds or an HTTP date (RFC 9110), as a wait from {@code
   * now}; empty when absent or unreadable.
   */
  public static Optional<Duration> parseRetryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String text = value.trim();
    try {
      long seconds = Long.parseLong(text);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Optional.of(at.isBefore(now) ? Duration.ZERO : Duration.between(now, at));
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
