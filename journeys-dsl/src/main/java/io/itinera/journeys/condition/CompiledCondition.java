package io.itinera.journeys.condition;

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

  CompiledCondition(String source, CelRuntime.Program program, int maxIterations) {
    this.source = source;
    this.program = program;
    this.maxIterations = maxIterations;
  }

  /** What one evaluation gave. */
  public enum Verdict {
    HOLDS,
    /** False, or failed as conditions reading absent data do. */
    FAILS,
    /** Stopped at the comprehension iteration limit; counts as false. */
    OVER_LIMIT
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
    try {
      return Boolean.TRUE.equals(program.eval(resolver(event, customer)))
          ? Verdict.HOLDS
          : Verdict.FAILS;
    } catch (CelEvaluationException failed) {
      return failed.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED
          ? Verdict.OVER_LIMIT
          : Verdict.FAILS;
    }
  }

  /** The comprehension iterations one evaluation may take. */
  public int maxIterations() {
    return maxIterations;
  }

  CelRuntime.Program program() {
    return program;
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
              default -> null;
            });
  }
}
