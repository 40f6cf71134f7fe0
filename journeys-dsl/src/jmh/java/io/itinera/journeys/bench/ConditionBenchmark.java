package io.itinera.journeys.bench;

import io.itinera.journeys.condition.CompiledCondition;
import io.itinera.journeys.condition.ConditionCompiler;
import io.itinera.journeys.condition.ConditionCompiler.Compilation;
import io.itinera.journeys.condition.ConditionScope;
import io.itinera.journeys.condition.CustomerFacts;
import io.itinera.journeys.condition.EventFacts;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Evaluating a typical compiled condition against one touchpoint (target: under 1 microsecond), and
 * what reading a trait the customer lacks costs with and without {@code has()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConditionBenchmark {

  private static final String WIN_BACK_ENTRY =
      "customer.traits.segment == 'lapsed' && customer.counters['Order Completed'] >= 1";

  private CompiledCondition typical;
  private CompiledCondition traitWithoutHas;
  private CompiledCondition traitWithHas;
  private EventFacts view;
  private CustomerFacts runner;

  @Setup
  public void compile() {
    ConditionCompiler compiler = new ConditionCompiler();
    Compilation compilation =
        compiler
            .compile(
                "event.properties.category == 'running-shoes' && customer.counters['Product Viewed'] >= 3",
                ConditionScope.EVENT_AND_CUSTOMER);
    typical = ((Compilation.Compiled) compilation).condition();
    view =
        new EventFacts(
            "Product Viewed", "web", Map.of("category", "running-shoes", "sku", "RS-42", "price", 129.0),
            Instant.parse("2026-03-01T12:00:00Z"));
    runner = new CustomerFacts(Map.of("tier", "gold"), "consideration", Map.of("Product Viewed", 3L));
    if (!typical.test(view, runner)) {
      throw new IllegalStateException("the benchmarked condition should hold");
    }
    // The win-back entry before and after its has() guard, for a customer without a segment trait.
    traitWithoutHas = customerOnly(compiler, WIN_BACK_ENTRY);
    traitWithHas = customerOnly(compiler, "has(customer.traits.segment) && " + WIN_BACK_ENTRY);
    if (traitWithoutHas.test(null, runner) || traitWithHas.test(null, runner)) {
      throw new IllegalStateException("a customer without the segment trait should not enter");
    }
  }

  private static CompiledCondition customerOnly(ConditionCompiler compiler, String source) {
    return ((Compilation.Compiled) compiler.compile(source, ConditionScope.CUSTOMER_ONLY)).condition();
  }

  @Benchmark
  public boolean evaluate() {
    return typical.test(view, runner);
  }

  /** A trait the customer lacks, read without has(): CEL fails the evaluation (false). */
  @Benchmark
  public boolean missingTraitWithoutHas() {
    return traitWithoutHas.test(null, runner);
  }

  /** The same customer and condition, guarded by has(customer.traits.segment). */
  @Benchmark
  public boolean missingTraitWithHas() {
    return traitWithHas.test(null, runner);
  }
}
