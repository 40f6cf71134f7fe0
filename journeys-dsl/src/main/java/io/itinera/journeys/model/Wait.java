package io.itinera.journeys.model;

import java.time.Duration;
import java.time.LocalTime;

/**
 * A wait that a fixed duration cannot say: until a time of day, or relative to a date the customer
 * holds in a trait. It is resolved to an instant when the action is decided, and then waits on a
 * durable timer like any delay.
 */
public sealed interface Wait {

  /**
   * The next {@code at} in a time zone, after the action's fixed delay.
   *
   * @param zone {@code customer} (the customer's {@code timezone} trait, else the journey's zone)
   *     or a zone id such as {@code Europe/Berlin}
   */
  record UntilTimeOfDay(LocalTime at, String zone) implements Wait {}

  /**
   * An offset from the instant held in a trait: negative before it (three days before {@code
   * trial_ends}), positive after it.
   */
  record RelativeToTrait(String trait, Duration offset) implements Wait {}
}
