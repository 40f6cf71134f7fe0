package io.itinera.engine.analytics.stats;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * The one sentence a marketer reads first. Three kinds, in this order: "lift 18% (95% CI 6% to
 * 31%)" when the interval excludes no lift (a fall reads "lift -8% ..."); "no detectable lift: 2%
 * (95% CI -4% to 9%)" when the arms are large enough to find the planned lift and did not; "not
 * enough data: about N more customers per arm are needed to detect a lift of 10%" otherwise. A
 * significant result on a small sample is still reported as a lift: its interval holds anyway.
 */
final class Verdict {

  private Verdict() {}

  static String of(
      ArmOutcome treated,
      ArmOutcome holdout,
      Double pis,
      Interval pisInterval,
      Long more,
      double confidence,
      double minimumDetectableLift) {
    String plan = plan(more, minimumDetectableLift);
    if (treated.customers() == 0 && holdout.customers() == 0) {
      return "not enough data: no customers have entered yet";
    }
    if (holdout.customers() == 0) {
      return "not enough data: no held-out customers yet, so the lift cannot be measured"
          + " (does the journey have a holdout?)"
          + plan;
    }
    if (treated.customers() == 0) {
      return "not enough data: no treated customers yet" + plan;
    }
    if (pis == null) {
      return "not enough data: none of the "
          + count(holdout.customers())
          + " held-out customers has reached the goal yet, so the lift cannot be measured"
          + plan;
    }
    String estimate = percent(pis) + " (" + interval(pisInterval, confidence) + ")";
    if (!pisInterval.contains(0)) {
      return "lift " + estimate;
    }
    if (more != null && more == 0) {
      return "no detectable lift: " + estimate;
    }
    return "not enough data"
        + plan.replaceFirst("^; ", ": ")
        + " (so far "
        + percent(pis)
        + ", "
        + interval(pisInterval, confidence)
        + ")";
  }

  private static String plan(Long more, double minimumDetectableLift) {
    if (more == null || more == 0) {
      return "";
    }
    return "; about "
        + count(roundUp(more))
        + " more customers per arm are needed to detect a lift of "
        + percent(minimumDetectableLift);
  }

  private static String interval(Interval interval, double confidence) {
    String level =
        BigDecimal.valueOf(confidence).movePointRight(2).stripTrailingZeros().toPlainString();
    return level + "% CI " + percent(interval.low()) + " to " + percent(interval.high());
  }

  /** Whole percents; one significant digit below 1% so that a small non-zero value is not "0%". */
  static String percent(double fraction) {
    double value = fraction * 100;
    if (value == 0 || Math.abs(value) >= 1) {
      return Math.round(value) + "%";
    }
    return new BigDecimal(value).round(new MathContext(1)).toPlainString() + "%";
  }

  /** "About" means two significant digits, rounded up so the plan is never short. */
  private static long roundUp(long value) {
    return new BigDecimal(value).round(new MathContext(2, RoundingMode.CEILING)).longValueExact();
  }

  private static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
