package io.itinera.journeys.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.condition.ConditionCompiler.Compilation;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionCompilerTest {

  private static final ConditionCompiler COMPILER = new ConditionCompiler();
  private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");
  private static final EventFacts VIEW =
      new EventFacts("Product Viewed", "web", Map.of("category", "running-shoes", "price", 129.0), NOON);
  private static final CustomerFacts RUNNER =
      new CustomerFacts(Map.of("tier", "gold"), "consideration", Map.of("Product Viewed", 3L));

  private static CompiledCondition compiled(String source) {
    Compilation compilation = COMPILER.compile(source, ConditionScope.EVENT_AND_CUSTOMER);
    return assertInstanceOf(Compilation.Compiled.class, compilation, compilation::toString).condition();
  }

  @Test
  void readsEveryVariableOfTheTouchpointAndTheCustomer() {
    assertTrue(compiled("event.name == 'Product Viewed' && event.channel == 'web'").test(VIEW, RUNNER));
    assertTrue(compiled("event.properties.category == 'running-shoes' && event.properties.price > 100.0").test(VIEW, RUNNER));
    assertTrue(compiled("event.timestamp > timestamp('2026-01-01T00:00:00Z')").test(VIEW, RUNNER));
    assertTrue(compiled("customer.traits.tier == 'gold' && customer.stage == 'consideration'").test(VIEW, RUNNER));
    assertTrue(compiled("customer.counters['Product Viewed'] >= 3").test(VIEW, RUNNER));
    assertFalse(compiled("customer.counters['Product Viewed'] > 3").test(VIEW, RUNNER));
  }

  @Test
  void aMissingPropertyMakesTheConditionFalseRatherThanFailing() {
    CompiledCondition size = compiled("event.properties.size == 42");
    assertFalse(size.test(VIEW, RUNNER));
    assertFalse(compiled("has(event.properties.size) && event.properties.size == 42").test(VIEW, RUNNER));
  }

  @Test
  void customerOnlyConditionsRunWithoutATouchpoint() {
    Compilation compilation = COMPILER.compile("customer.traits.tier == 'gold'", ConditionScope.CUSTOMER_ONLY);
    assertTrue(((Compilation.Compiled) compilation).condition().test(null, RUNNER));
  }

  @Test
  void constantConditionsAreRecognisedAndOthersAreNot() {
    assertEquals(Boolean.FALSE, ((Compilation.Compiled) COMPILER.compile("1 > 2", ConditionScope.EVENT_AND_CUSTOMER)).constant());
    assertEquals(Boolean.TRUE, ((Compilation.Compiled) COMPILER.compile("true || event.name == 'x'", ConditionScope.EVENT_AND_CUSTOMER)).constant());
    assertNull(((Compilation.Compiled) COMPILER.compile("event.name == 'x'", ConditionScope.EVENT_AND_CUSTOMER)).constant());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "event.properties.price > 100.0 && customer.traits.tier == 'gold'",
      "has(event.properties.coupon)",
      "customer.counters['Order Completed'] >= 2",
      "event.timestamp > timestamp('2026-11-27T00:00:00Z')",
      "event.properties.items.exists(i, i.category == 'running-shoes')"})
  void theExamplesInTheLanguageReferenceCompile(String example) {
    assertInstanceOf(Compilation.Compiled.class, COMPILER.compile(example, ConditionScope.EVENT_AND_CUSTOMER));
  }
}
