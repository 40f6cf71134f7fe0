package io.itinera.engine.analytics.stats;

import java.util.Objects;

/**
 * The lift of a journey over its holdout: the seeds' Personalization Impact Score, {@code PIS =
 * (CR_treated - CR_holdout) / CR_holdout}, with a confidence interval, the absolute difference with
 * its own, a p-value and a plain verdict. docs/analytics.md explains each figure.
 *
 * <p>The PIS interval is Katz's log method for the risk ratio (Katz et al. 1978): {@code ln(RR) ±
 * z·√(1/x1 - 1/n1 + 1/x0 - 1/n0)}, taken back with {@code exp} and less 1. It is asymmetric, as a
 * ratio's uncertainty is, and needs nothing but the four counts. When no treated customer
 * converted, 0.5 is added to every cell for the interval (Haldane-Anscombe) and its lower end is
 * -100%, the point estimate.
 */
public final class Lift {

  /** The smallest relative lift worth finding that plans are made for, unless given: 10%. */
  public static final double DEFAULT_MINIMUM_DETECTABLE_LIFT = 0.10;

  private Lift() {}

  public static LiftEstimate estimate(ArmOutcome treated, ArmOutcome holdout, double confidence) {
    return estimate(treated, holdout, confidence, DEFAULT_MINIMUM_DETECTABLE_LIFT);
  }

  /**
   * @param minimumDetectableLift the relative lift (0.10 for 10%) an adequate sample finds with 80%
   *     power at the two-sided level {@code 1 - confidence}
   */
  public static LiftEstimate estimate(
      ArmOutcome treated, ArmOutcome holdout, double confidence, double minimumDetectableLift) {
    Objects.requireNonNull(treated, "treated");
    Objects.requireNonNull(holdout, "holdout");
    if (!(minimumDetectableLift > 0) || Double.isInfinite(minimumDetectableLift)) {
      throw new IllegalArgumentException(
          "the minimum detectable lift must be above 0: " + minimumDetectableLift);
    }
    double z = Proportions.z(confidence);
    double treatedRate = treated.rate();
    double holdoutRate = holdout.rate();
    boolean measurable =
        treated.customers() > 0 && holdout.customers() > 0 && holdout.converted() > 0;
    Double pis = measurable ? treatedRate / holdoutRate - 1 : null;
    Interval pisInterval = measurable ? katz(treated, holdout, z) : null;
    Long more = morePerArm(treated, holdout, confidence, minimumDetectableLift);
    String verdict =
        Verdict.of(treated, holdout, pis, pisInterval, more, confidence, minimumDetectableLift);
    return new LiftEstimate(
        treated,
        holdout,
        treatedRate,
        holdoutRate,
        pis,
        pisInterval,
        treatedRate - holdoutRate,
        Proportions.newcombe(treated, holdout, z),
        Proportions.pValue(treated, holdout),
        verdict,
        more);
  }

  private static Interval katz(ArmOutcome treated, ArmOutcome holdout, double z) {
    boolean corrected = treated.converted() == 0;
    double correction = corrected ? 0.5 : 0;
    double x1 = treated.converted() + correction;
    double n1 = treated.customers() + 2 * correction;
    double x0 = holdout.converted() + correction;
    double n0 = holdout.customers() + 2 * correction;
    double logRatio = Math.log((x1 / n1) / (x0 / n0));
    double se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0);
    double low = corrected ? -1 : Math.exp(logRatio - z * se) - 1;
    return new Interval(low, Math.exp(logRatio + z * se) - 1);
  }

  /**
   * How many more customers the smaller arm needs, planned on the holdout's rate (or, while no
   * held-out customer has converted, on both arms' pooled rate). Equal arms are assumed, so with a
   * small holdout the plan is conservative: the larger treated arm only adds power.
   */
  private static Long morePerArm(
      ArmOutcome treated, ArmOutcome holdout, double confidence, double minimumDetectableLift) {
    long customers = treated.customers() + holdout.customers();
    double pooled =
        customers == 0 ? 0 : (double) (treated.converted() + holdout.converted()) / customers;
    double baseline = holdout.rate() > 0 ? holdout.rate() : pooled;
    long needed = SampleSize.perArm(baseline, minimumDetectableLift, 1 - confidence);
    if (needed < 0) {
      return null;
    }
    return Math.max(0, needed - Math.min(treated.customers(), holdout.customers()));
  }
}
