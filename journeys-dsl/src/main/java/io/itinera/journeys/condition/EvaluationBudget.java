package io.itinera.journeys.condition;

import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationListener;

/**
 * A time limit on one evaluation, checked as CEL reports each expression it evaluated. The
 * iteration limit alone does not bound the cost: each iteration may compare two long lists, and ten
 * thousand such iterations took seconds. Time is read every {@value #CHECK_EVERY} expressions, so
 * the check costs next to nothing, and once out of time every further expression fails, which ends
 * the evaluation within a few expressions whatever CEL does with the errors.
 */
final class EvaluationBudget implements CelEvaluationListener {

  private static final int CHECK_EVERY = 64;

  private final long deadline;
  private int evaluated;
  private boolean spent;

  EvaluationBudget(long nanos) {
    this.deadline = System.nanoTime() + nanos;
  }

  @Override
  public void callback(CelExpr expr, Object value) {
    if (spent || (++evaluated % CHECK_EVERY == 0 && System.nanoTime() - deadline > 0)) {
      spent = true;
      throw OutOfTime.INSTANCE;
    }
  }

  /** Whether the evaluation ran out of time (whatever result CEL made of the failures). */
  boolean spent() {
    return spent;
  }

  /** Thrown into CEL's evaluation to stop it; without a stack trace, so throwing is cheap. */
  static final class OutOfTime extends RuntimeException {
    static final OutOfTime INSTANCE = new OutOfTime();

    private OutOfTime() {
      super("the condition ran out of time", null, false, false);
    }
  }
}
