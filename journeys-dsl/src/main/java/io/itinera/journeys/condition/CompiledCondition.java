package io.itinera.journeys.condition;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.Optional;

/**
 * A type-checked CEL program ready to evaluate; compiling and planning happen once, at load.
 * Evaluation copies nothing: variables are resolved on demand from the facts records, and their
 * maps are handed to CEL as {@link CelMapView}s, which the planner runtime reads without
 * converting.
 */
public final class CompiledCondition {

  private final String source;
  private final CelRuntime.Program program;
  private final int maxIterations;
  private final long maxNanos;
  private final boolean loops;

  /**
   * @param loops whether the condition has a comprehension: only those are timed, as without a loop
   *     the work is bounded by the sizes of the expression and of the touchpoint, and timing costs
   *     a call per evaluated expression
   */
  CompiledCondition(
      String source, CelRuntime.Program program, ConditionLimits limits, boolean loops) {
    this.source = source;
    this.program = program;
    this.maxIterations = limits.maxIterations();
    this.maxNanos = limits.maxEvaluationTime().toNanos();
    this.loops = loops;
  }

  /** What one evaluation gave. */
  public enum Verdict {
    HOLDS,
    /** False, or failed as conditions reading absent data do. */
    FAILS,
    /** Stopped at the comprehension iteration limit; counts as false. */
    OVER_LIMIT,
    /** Stopped at the evaluation time limit; counts as false. */
    OUT_OF_TIME
  }

  public String source() {
    return source;
  }

  /**
   * Whether the condition holds. A condition that fails at run time (for instance reading a
   * property the touchpoint lacks) does not hold: designers guard optional data with {@code has()}.
   */
  public boolean test(EventFacts event, CustomerFacts customer) {
    return evaluate(event, customer) == Verdict.HOLDS;
  }

  /** The same, telling a condition stopped at the iteration limit from one that is false. */
  public Verdict evaluate(EventFacts event, CustomerFacts customer) {
    if (!loops) {
      try {
        return Boolean.TRUE.equals(program.eval(resolver(event, customer)))
            ? Verdict.HOLDS
            : Verdict.FAILS;
      } catch (CelEvaluationException failed) {
        return Verdict.FAILS;
      }
    }
    EvaluationBudget budget = new EvaluationBudget(maxNanos);
    try {
      Object value = program.trace(resolver(event, customer), budget);
      if (budget.spent()) {
        return Verdict.OUT_OF_TIME;
      }
      return Boolean.TRUE.equals(value) ? Verdict.HOLDS : Verdict.FAILS;
    } catch (CelEvaluationException failed) {
      if (budget.spent()) {
        return Verdict.OUT_OF_TIME;
      }
      return failed.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED
          ? Verdict.OVER_LIMIT
          : Verdict.FAILS;
    }
  }

  /**
   * What an expression compiled with {@link ConditionCompiler#compileValue} gives.
   *
   * @param verdict {@link Verdict#HOLDS} when it gave a value a trait can hold, {@link
   *     Verdict#FAILS} when it failed (or gave a list, a map...), or the limit it stopped at
   * @param value a String, Long, Double or Boolean; null for CEL's {@code null} or when it failed
   */
  public record Valued(Verdict verdict, Object value) {}

  /** The value of a trait expression, evaluated as a condition is, within the same limits. */
  public Valued value(EventFacts event, CustomerFacts customer) {
    EvaluationBudget budget = loops ? new EvaluationBudget(maxNanos) : null;
    try {
      Object value =
          budget == null
              ? program.eval(resolver(event, customer))
              : program.trace(resolver(event, customer), budget);
      if (budget != null && budget.spent()) {
        return new Valued(Verdict.OUT_OF_TIME, null);
      }
      return traitValue(value);
    } catch (CelEvaluationException failed) {
      if (budget != null && budget.spent()) {
        return new Valued(Verdict.OUT_OF_TIME, null);
      }
      return new Valued(
          failed.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED
              ? Verdict.OVER_LIMIT
              : Verdict.FAILS,
          null);
    }
  }

  /** CEL's value as a trait holds it, as JSON would have sent it. */
  private static Valued traitValue(Object value) {
    if (value instanceof String || value instanceof Boolean || value instanceof Long) {
      return new Valued(Verdict.HOLDS, value);
    }
    if (value instanceof Double number) {
      return number.isNaN() || number.isInfinite()
          ? new Valued(Verdict.FAILS, null)
          : new Valued(Verdict.HOLDS, number);
    }
    if (value instanceof UnsignedLong number) {
      return number.compareTo(UnsignedLong.valueOf(Long.MAX_VALUE)) <= 0
          ? new Valued(Verdict.HOLDS, number.longValue())
          : new Valued(Verdict.FAILS, null);
    }
    if (value instanceof dev.cel.common.values.NullValue
        || value instanceof com.google.protobuf.NullValue) {
      return new Valued(Verdict.HOLDS, null);
    }
    return new Valued(Verdict.FAILS, null);
  }

  /** The limit a verdict of {@link Verdict#OVER_LIMIT} or {@link Verdict#OUT_OF_TIME} met. */
  public String limit(Verdict verdict) {
    return verdict == Verdict.OUT_OF_TIME
        ? maxNanos / 1_000_000 + " ms"
        : maxIterations + " loop iterations";
  }

  CelRuntime.Program program() {
    return program;
  }

  boolean loops() {
    return loops;
  }

  private static CelVariableResolver resolver(EventFacts event, CustomerFacts customer) {
    return name ->
        Optional.ofNullable(
            switch (name) {
              case "event.name" -> event == null ? null : event.name();
              case "event.channel" -> event == null ? null : event.channel();
              case "event.properties" -> event == null ? null : CelMapView.of(event.properties());
              case "event.timestamp" -> event == null ? null : event.timestamp();
              case "customer.traits" -> CelMapView.of(customer.traits());
              case "customer.stage" -> customer.stage();
              case "customer.counters" -> CelMapView.of(customer.counters());
              case "customer.group.id" -> customer.groupId();
              case "customer.group.traits" -> CelMapView.of(customer.groupTraits());
              case "customer.groups" -> CelMapView.of(customer.groups());
              case "customer.lastSeen" -> customer.lastSeen();
              case "now" -> customer.now();
              case "entry.data" -> CelMapView.of(customer.entryData());
              default -> null;
            });
  }
}
