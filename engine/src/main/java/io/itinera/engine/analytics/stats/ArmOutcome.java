package io.itinera.engine.analytics.stats;

import java.util.Objects;

/**
 * What one arm of a comparison came to: how many customers it had and how many of them reached the
 * journey's goal. The arm is {@code treated}, {@code holdout} or an experiment's arm name.
 */
public record ArmOutcome(String arm, long customers, long converted) {

  public ArmOutcome {
    Objects.requireNonNull(arm, "arm");
    if (customers < 0 || converted < 0 || converted > customers) {
      throw new IllegalArgumentException(
          "arm " + arm + ": " + converted + " converted of " + customers + " customers");
    }
  }

  /** The conversion rate, 0 when the arm has no customers (never NaN). */
  public double rate() {
    return customers == 0 ? 0 : (double) converted / customers;
  }
}
