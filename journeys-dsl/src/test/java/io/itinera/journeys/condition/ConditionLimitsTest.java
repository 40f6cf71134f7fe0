package io.itinera.journeys.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.condition.CompiledCondition.Verdict;
import io.itinera.journeys.condition.ConditionCompiler.Compilation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Conditions are bounded: past the iteration limit CEL stops, a constant condition is refused at
 * deploy, and one over touchpoint data counts as false at run time, telling the caller why.
 */
class ConditionLimitsTest {

  private static final ConditionCompiler COMPILER = new ConditionCompiler();

  /** A time limit that a cold JIT on a busy machine cannot reach before the iteration limit. */
  private static final ConditionCompiler PATIENT =
      new ConditionCompiler(
          new ConditionLimits(10_000, Duration.ofSeconds(5), Duration.ofSeconds(5)));

  private static final CustomerFacts NOBODY = new CustomerFacts(Map.of(), "", Map.of());

  /** {@code [0, 1, ..., n-1]} as a CEL list literal. */
  static String list(int n) {
    return IntStream.range(0, n)
        .mapToObj(Integer::toString)
        .collect(Collectors.joining(",", "[", "]"));
  }

  /** A million iterations of nothing: three nested loops over a hundred items. */
  static final String MILLION =
      list(100) + ".all(a, " + list(100) + ".all(b, " + list(100) + ".all(c, a + b + c >= 0)))";

  @Test
  void aConstantConditionOverTheLimitIsRefusedAtDeployQuickly() {
    Compilation compilation =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () -> COMPILER.compile(MILLION, ConditionScope.EVENT_AND_CUSTOMER));
    Compilation.Failed failed = assertInstanceOf(Compilation.Failed.class, compilation);
    assertTrue(failed.overLimit());
    assertTrue(
        failed.errors().get(0).message().startsWith("the condition takes more than 10000 loop"),
        failed.errors()::toString);
  }

  @Test
  void aConstantConditionWithinTheLimitStillFolds() {
    // 99 outer and 9,900 inner iterations: the limit counts every loop of one evaluation.
    Compilation compilation =
        COMPILER.compile(
            list(99) + ".all(a, " + list(100) + ".all(b, a + b >= 0))",
            ConditionScope.EVENT_AND_CUSTOMER);
    assertEquals(
        Boolean.TRUE, assertInstanceOf(Compilation.Compiled.class, compilation).constant());
  }

  @Test
  void aFoldOverItsTimeoutIsRefused() {
    // A high iteration limit lets the fold run for seconds: the timeout must stop the wait.
    ConditionCompiler patient =
        new ConditionCompiler(
            new ConditionLimits(100_000_000, Duration.ofMillis(50), Duration.ofMillis(100)));
    Compilation compilation =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () ->
                patient.compile(
                    MILLION.replace(
                        "a + b + c >= 0", "a + b + c >= 0 && " + list(200) + " == " + list(200)),
                    ConditionScope.EVENT_AND_CUSTOMER));
    Compilation.Failed failed = assertInstanceOf(Compilation.Failed.class, compilation);
    assertTrue(failed.overLimit());
    assertEquals(
        "the condition took longer than 100 ms to evaluate, the limit; simplify it",
        failed.errors().get(0).message());
  }

  @Test
  void aConditionOverTouchpointDataStopsAtTheLimitAndCountsAsFalse() {
    CompiledCondition pairs =
        ((Compilation.Compiled)
                PATIENT.compile(
                    "event.properties.items.all(a, event.properties.items.all(b, a != b || a =="
                        + " b))",
                    ConditionScope.EVENT_AND_CUSTOMER))
            .condition();
    EventFacts small = facts(IntStream.range(0, 50).boxed().toList());
    EventFacts large = facts(IntStream.range(0, 2_000).boxed().toList());
    assertEquals(Verdict.HOLDS, pairs.evaluate(small, NOBODY));
    Verdict verdict =
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> pairs.evaluate(large, NOBODY));
    assertEquals(Verdict.OVER_LIMIT, verdict);
    assertEquals(false, pairs.test(large, NOBODY));
  }

  @Test
  void theLimitIsConfigurable() {
    ConditionCompiler strict =
        new ConditionCompiler(
            new ConditionLimits(10, Duration.ofMillis(50), Duration.ofSeconds(1)));
    assertInstanceOf(
        Compilation.Failed.class,
        strict.compile(list(11) + ".all(a, a >= 0)", ConditionScope.EVENT_AND_CUSTOMER));
    assertEquals(
        Boolean.TRUE,
        ((Compilation.Compiled)
                strict.compile(list(10) + ".all(a, a >= 0)", ConditionScope.EVENT_AND_CUSTOMER))
            .constant());
  }

  @Test
  void aConditionWhoseIterationsAreCostlyStopsAtTheTimeLimit() {
    // Six thousand iterations, each comparing two lists of four thousand: seconds without a limit.
    String lists = list(4_000);
    CompiledCondition costly =
        ((Compilation.Compiled)
                COMPILER.compile(
                    "event.properties.items.all(a, " + lists + " == " + lists + ")",
                    ConditionScope.EVENT_AND_CUSTOMER))
            .condition();
    EventFacts items = facts(IntStream.range(0, 6_000).boxed().toList());
    long start = System.nanoTime();
    assertEquals(Verdict.OUT_OF_TIME, costly.evaluate(items, NOBODY));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 500);
    assertEquals("100 ms", costly.limit(Verdict.OUT_OF_TIME));
  }

  private static EventFacts facts(List<Integer> items) {
    return new EventFacts("Cart Viewed", "web", Map.of("items", items), Instant.EPOCH);
  }
}
