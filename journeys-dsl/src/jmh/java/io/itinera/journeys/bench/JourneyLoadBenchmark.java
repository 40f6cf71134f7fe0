package io.itinera.journeys.bench;

import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
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
 * Loading (parse, validate, compile every condition) a generated 200-stage journey. Target: under
 * 200 ms. {@code warm} is a long-running engine redeploying; {@code cold} is the CLI's single load
 * in a fresh JVM, CEL environment included.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class JourneyLoadBenchmark {

  private static final int STAGES = 200;

  private String yaml;
  private JourneyLoader loader;

  @Setup
  public void generate() {
    yaml = GeneratedJourney.withStages(STAGES);
    loader = new JourneyLoader();
    LoadResult check = loader.load("generated.journey.yaml", yaml);
    if (!check.ok() || check.loaded().journey().stages().size() != STAGES) {
      throw new IllegalStateException("generated journey does not load: " + check.problems());
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 5, time = 2)
  @Measurement(iterations = 5, time = 2)
  @Fork(1)
  public LoadResult warm() {
    return loader.load("generated.journey.yaml", yaml);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  @Fork(5)
  public LoadResult cold() {
    return new JourneyLoader().load("generated.journey.yaml", yaml);
  }
}
