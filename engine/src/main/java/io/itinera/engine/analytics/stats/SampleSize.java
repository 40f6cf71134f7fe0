package io.itinera.engine.analytics.stats;

/**
 * How many customers per arm a comparison of two conversion rates needs: the normal-approximation
 * formula for two independent proportions with equal arms (Fleiss, Levin and Paik, "Statistical
 * Methods for Rates and Proportions", 3rd ed., eq. 4.14, without the continuity correction):
 *
 * <pre>n = (z(1-α/2)·√(2·p̄·(1-p̄)) + z(power)·√(p0(1-p0) + p1(1-p1)))² / (p1 - p0)²</pre>
 *
 * where p0 is the baseline rate, p1 the baseline moved by the minimum detectable relative lift and
 * p̄ their mean.
 */
final class SampleSize {

  /** The power the plans are made for: a lift of the planned size is found 4 times in 5. */
  static final double POWER = 0.8;

  private SampleSize() {}

  /**
   * Customers needed in each arm, or -1 when the baseline is 0 (nothing to move). A lift that would
   * take the rate to 100% or beyond is planned as the same relative fall instead, which needs about
   * as many customers and can exist.
   */
  static long perArm(double baseline, double relativeLift, double alpha) {
    if (!(baseline > 0) || baseline > 1) {
      return -1;
    }
    double moved = baseline * (1 + relativeLift);
    if (moved >= 1) {
      moved = baseline * (1 - Math.min(relativeLift, 1));
    }
    double mean = (baseline + moved) / 2;
    double zAlpha = Proportions.quantile(1 - alpha / 2);
    double zPower = Proportions.quantile(POWER);
    double root =
        zAlpha * Math.sqrt(2 * mean * (1 - mean))
            + zPower * Math.sqrt(baseline * (1 - baseline) + moved * (1 - moved));
    double delta = moved - baseline;
    return (long) Math.ceil(root * root / (delta * delta));
  }
}
