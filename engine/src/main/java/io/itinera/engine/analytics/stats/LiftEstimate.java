package io.itinera.engine.analytics.stats;

/**
 * The goal's conversion with the journey (treated) against without it (holdout), as {@link
 * Lift#estimate} reads it.
 *
 * @param pis the Personalization Impact Score, {@code (treatedRate - holdoutRate) / holdoutRate};
 *     null (with {@code pisInterval}) when it cannot be estimated: an arm without customers or a
 *     holdout of which nobody converted
 * @param difference {@code treatedRate - holdoutRate}, a difference of proportions (0.02 is two
 *     percentage points)
 * @param pValue two-sided, for "the two rates are equal"
 * @param verdict one plain sentence: the lift with its interval, no detectable lift, or how many
 *     more customers are needed
 * @param morePerArmNeeded how many more customers the smaller arm needs before a lift of the
 *     minimum detectable size would be found 80% of the time (0 once it has them); null when nobody
 *     has converted yet, so no baseline rate exists to plan with
 */
public record LiftEstimate(
    ArmOutcome treated,
    ArmOutcome holdout,
    double treatedRate,
    double holdoutRate,
    Double pis,
    Interval pisInterval,
    double difference,
    Interval differenceInterval,
    double pValue,
    String verdict,
    Long morePerArmNeeded) {}
