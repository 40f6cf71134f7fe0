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

/** Evaluating a typical compiled condition against one touchpoint. Target: under 1 microsecond. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConditionBenchmark {

  private CompiledCondition typical;
  private EventFacts view;
  private CustomerFacts runner;

  @Setup
  public void compile() {
    Compilation compilation =
        new ConditionCompiler()
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
  }

  @Benchmark
  public boolean evaluate() {
    return typical.test(view, runner);
  }
}
