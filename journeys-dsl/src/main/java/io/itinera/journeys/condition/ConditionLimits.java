package io.itinera.journeys.condition;

import java.time.Duration;

/**
 * How much work one condition may take. CEL counts comprehension iterations ({@code all}, {@code
 * exists}, {@code map}, {@code filter}...) across one whole evaluation, nested loops included, and
 * stops the evaluation past the limit; the same limit holds when a condition is folded to a
 * constant at deploy and when it is evaluated for a touchpoint. Folding also has a wall-clock
 * timeout, because an iteration can itself be costly (comparing two long list literals, say).
 *
 * @param maxIterations comprehension iterations allowed per evaluation
 * @param foldTimeout how long folding one condition to a constant may take at deploy
 */
public record ConditionLimits(int maxIterations, Duration foldTimeout) {

  /** 10,000 iterations: a loop over a 100-item list nested in another is fine, a million is not. */
  public static final ConditionLimits DEFAULT = new ConditionLimits(10_000, Duration.ofSeconds(1));

  public ConditionLimits {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be at least 1: " + maxIterations);
    }
    if (foldTimeout.isNegative() || foldTimeout.isZero()) {
      throw new IllegalArgumentException("foldTimeout must be positive: " + foldTimeout);
    }
  }
}
