package io.itinera.journeys.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Whatever a designer (or a fuzzer) types, loading returns located problems, never throws, and
 * finishes in seconds. In a plain {@code mvn test} this replays the seed corpus in {@code
 * JourneyParserFuzzTestInputs/} (raw journey files, hence {@code byte[]} rather than a
 * mutator-encoded String); run it with {@code JAZZER_FUZZ=1} to search for new inputs.
 */
class JourneyParserFuzzTest {

  private static final JourneyLoader LOADER = new JourneyLoader();

  @FuzzTest(maxDuration = "60s")
  void anyTextLoadsToAJourneyOrLocatedProblems(byte[] file) {
    long start = System.nanoTime();
    LoadResult result = LOADER.load("fuzz.yaml", new String(file, StandardCharsets.UTF_8));
    // Conditions are bounded (1 s to fold each, and folding stops at the first over the limit).
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.toMillis() < 3_000, () -> "loading took " + took);
    if (result.ok()) {
      assertTrue(result.errors().isEmpty());
      return;
    }
    assertFalse(result.errors().isEmpty(), "a failed load must say why");
    for (Diagnostic problem : result.errors()) {
      assertTrue(
          problem.position().line() >= 1 && problem.position().column() >= 1, problem::toString);
      assertFalse(problem.message().isBlank());
    }
  }
}
