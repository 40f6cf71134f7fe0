package io.itinera.journeys.model;

import java.time.Duration;

/**
 * The conversion this journey is for. Reaching it is recorded for the holdout comparison; it does
 * not end the journey (list the touchpoint under exits for that).
 *
 * @param within how long after entry a conversion still counts, or null for no limit
 */
public record Goal(String name, String event, Condition when, Duration within) {

  public Goal {
    name = name == null ? event : name;
  }
}
