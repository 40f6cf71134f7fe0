package io.itinera.journeys.condition;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Evaluates a condition without variables at deploy, to find the ones that are constant. Folding a
 * condition with a loop runs on two daemon threads of its own, not on the caller's: the engine
 * deploys on its shared blocking pool, and a costly fold must not hold those threads for longer
 * than the timeout, nor take more than two cores however many deploys or dry runs arrive at once.
 * The fold stops itself at the timeout ({@link EvaluationBudget}); the caller stops waiting then
 * too, also when the fold had to queue behind others.
 */
final class ConstantFolder {

  private static final ExecutorService FOLDING = folding();

  private ConstantFolder() {}

  /** What folding found. */
  sealed interface Folded {

    /** The condition reads no variable and always has this value. */
    record Constant(boolean value) implements Folded {}

    /** The condition reads a variable (or fails without one): it is evaluated per touchpoint. */
    record Variable() implements Folded {}

    /** Evaluating it took more comprehension iterations than allowed. */
    record OverLimit() implements Folded {}

    /** Evaluating it took longer than the timeout. */
    record TimedOut() implements Folded {}
  }

  /**
   * Folds {@code program}. Without a loop its work is bounded by its size and it is folded in the
   * caller's thread (a handoff would cost more than the fold); with one, on the folding threads.
   */
  static Folded fold(CelRuntime.Program program, boolean loops, Duration timeout) {
    if (!loops) {
      return evaluate(program, timeout);
    }
    Future<Folded> folding = FOLDING.submit(() -> evaluate(program, timeout));
    try {
      return folding.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException overran) {
      folding.cancel(true);
      return new Folded.TimedOut();
    } catch (InterruptedException interrupted) {
      folding.cancel(true);
      Thread.currentThread().interrupt();
      return new Folded.TimedOut();
    } catch (ExecutionException unexpected) {
      // A failure CEL did not turn into an evaluation error: leave the condition to run time,
      // where it counts as false like any other failing condition.
      return new Folded.Variable();
    }
  }

  private static Folded evaluate(CelRuntime.Program program, Duration timeout) {
    EvaluationBudget budget = new EvaluationBudget(timeout.toNanos());
    try {
      Object value = program.trace(name -> Optional.empty(), budget);
      if (budget.spent()) {
        return new Folded.TimedOut();
      }
      return value instanceof Boolean constant
          ? new Folded.Constant(constant)
          : new Folded.Variable();
    } catch (CelEvaluationException failed) {
      if (budget.spent()) {
        return new Folded.TimedOut();
      }
      return failed.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED
          ? new Folded.OverLimit()
          : new Folded.Variable();
    }
  }

  private static ExecutorService folding() {
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread =
                  new Thread(task, "itinera-condition-fold-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
