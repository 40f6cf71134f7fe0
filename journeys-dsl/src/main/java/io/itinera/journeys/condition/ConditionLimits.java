package io.itinera.journeys.condition;

import java.time.Duration;

/**
 * How much work one condition may take. CEL counts comprehension iterations ({@code all}, {@code
 * exists}, {@code map}, {@code filter}...) across one whole evaluation, nested loops included, and
 * stops the evaluation past the limit; the same limit holds when a condition is folded to a
 * constant at deploy and when it is evaluated for a touchpoint. Evaluations also have a wall-clock
 * limit, because an iteration can itself be costly (comparing two long list literals, say): a short
 * one per touchpoint, a longer one for folding at deploy.
 *
 * @param maxIterations comprehension iterations allowed per evaluation
 * @param maxEvaluationTime how long one evaluation of a condition with a loop may take; a condition
 *     takes about a microsecond, ten thousand iterations of a simple one a few milliseconds (tens
 *     before the JIT compiler has seen them)
 * @param foldTimeout how long folding one condition to a constant may take at deploy
 */
public record ConditionLimits(int maxIterations, Duration maxEvaluationTime, Duration foldTimeout) {

  /** 10,000 iterations: a loop over a 100-item list nested in another is fine, a million is not. */
  public static final ConditionLimits DEFAULT =
      new ConditionLimits(10_000, Duration.ofMillis(100), Duration.ofSeconds(1));

  public ConditionLimits {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be at least 1: " + maxIterations);
    }
    if (maxEvaluationTime.isNegative() || maxEvaluationTime.isZero()) {
      throw new IllegalArgumentException(
          "maxEvaluationTime must be positive: " + maxEvaluationTime);
    }
    if (foldTimeout.isNegative() || foldTimeout.isZero()) {
      throw new IllegalArgumentException("foldTimeout must be positive: " + foldTimeout);
    }
  }
}
