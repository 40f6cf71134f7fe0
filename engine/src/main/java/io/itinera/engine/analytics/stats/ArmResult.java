package io.itinera.engine.analytics.stats;

/**
 * One arm of an A/B/n comparison, as {@link Arms#compare} reads it.
 *
 * @param interval Wilson score interval of the arm's conversion rate
 * @param pValueVsControl two-sided p-value against the control arm; null for the control itself
 * @param adjustedPValue the p-value after Holm's correction for the number of arms compared with
 *     the control; null for the control
 * @param significant whether the adjusted p-value is below {@code 1 - confidence}; false for the
 *     control
 */
public record ArmResult(
    ArmOutcome outcome,
    double rate,
    Interval interval,
    Double pValueVsControl,
    Double adjustedPValue,
    boolean significant) {}
