package io.itinera.engine.analytics.stats;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.FisherExactTest;

/**
 * Intervals and tests for conversion rates (binomial proportions), shared by {@link Lift} and
 * {@link Arms}. Score intervals (Wilson, and Newcombe's built from them) rather than the textbook
 * "p ± z·se": those stay inside [0, 1] and keep close to their nominal coverage at rates near 0 or
 * with a few hundred customers, where the textbook one is known to fail.
 */
final class Proportions {

  private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

  /** Below this expected count in any cell the chi-square approximation is not trusted. */
  private static final double MIN_EXPECTED = 5;

  private Proportions() {}

  /** The two-sided normal quantile for {@code confidence}: 1.959964 for 0.95. */
  static double z(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
    }
    return STANDARD_NORMAL.inverseSurvivalProbability((1 - confidence) / 2);
  }

  static double quantile(double probability) {
    return STANDARD_NORMAL.inverseCumulativeProbability(probability);
  }

  /** Wilson's score interval for {@code converted / customers}; [0, 1] when there is nobody. */
  static Interval wilson(long converted, long customers, double z) {
    if (customers == 0) {
      return new Interval(0, 1);
    }
    double n = customers;
    double p = converted / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denominator;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
    return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /**
   * Newcombe's hybrid score interval (his method 10, 1998) for {@code rate(a) - rate(b)}: each
   * side's distance from the estimate combines the two Wilson intervals' distances.
   */
  static Interval newcombe(ArmOutcome a, ArmOutcome b, double z) {
    double pa = a.rate();
    double pb = b.rate();
    Interval wa = wilson(a.converted(), a.customers(), z);
    Interval wb = wilson(b.converted(), b.customers(), z);
    double d = pa - pb;
    double low = d - Math.sqrt(square(pa - wa.low()) + square(wb.high() - pb));
    double high = d + Math.sqrt(square(wa.high() - pa) + square(pb - wb.low()));
    return new Interval(Math.max(-1, low), Math.min(1, high));
  }

  /**
   * Two-sided p-value for "both arms convert at the same rate": Pearson's chi-square on the 2x2
   * table (the same p as the pooled two-proportion z-test, since chi-square = z²), or Fisher's
   * exact test when a cell's expected count is under 5, where the approximation is poor. 1 when an
   * arm is empty or everybody (or nobody) converted: there is no evidence of a difference.
   */
  static double pValue(ArmOutcome a, ArmOutcome b) {
    long total = a.customers() + b.customers();
    long converted = a.converted() + b.converted();
    if (a.customers() == 0 || b.customers() == 0 || converted == 0 || converted == total) {
      return 1;
    }
    double minExpected =
        (double) Math.min(a.customers(), b.customers())
            * Math.min(converted, total - converted)
            / total;
    if (minExpected < MIN_EXPECTED && total <= Integer.MAX_VALUE) {
      int[][] table = {
        {(int) a.converted(), (int) (a.customers() - a.converted())},
        {(int) b.converted(), (int) (b.customers() - b.converted())}
      };
      return clamp(FisherExactTest.withDefaults().test(table).getPValue());
    }
    long[][] table = {
      {a.converted(), a.customers() - a.converted()},
      {b.converted(), b.customers() - b.converted()}
    };
    return clamp(ChiSquareTest.withDefaults().test(table).getPValue());
  }

  private static double clamp(double p) {
    return Math.min(1, Math.max(0, p));
  }

  private static double square(double x) {
    return x * x;
  }
}
