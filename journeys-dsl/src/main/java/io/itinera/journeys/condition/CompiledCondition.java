package io.itinera.journeys.condition;

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

  CompiledCondition(String source, CelRuntime.Program program) {
    this.source = source;
    this.program = program;
  }

  public String source() {
    return source;
  }

  /**
   * Whether the condition holds. A condition that fails at run time (for instance reading a
   * property the touchpoint lacks) does not hold: designers guard optional data with {@code has()}.
   */
  public boolean test(EventFacts event, CustomerFacts customer) {
    try {
      return Boolean.TRUE.equals(program.eval(resolver(event, customer)));
    } catch (CelEvaluationException failed) {
      return false;
    }
  }

  /** The value if it does not depend on any variable (a literal {@code false}, say), else empty. */
  Optional<Boolean> constantValue() {
    try {
      Object value = program.eval(name -> Optional.empty());
      return value instanceof Boolean constant ? Optional.of(constant) : Optional.empty();
    } catch (CelEvaluationException dependsOnVariables) {
      return Optional.empty();
    }
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
