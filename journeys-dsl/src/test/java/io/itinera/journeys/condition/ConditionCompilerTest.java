package io.itinera.journeys.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.condition.ConditionCompiler.CelWarning;
import io.itinera.journeys.condition.ConditionCompiler.Compilation;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionCompilerTest {

  private static final ConditionCompiler COMPILER = new ConditionCompiler();
  private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");
  private static final EventFacts VIEW =
      new EventFacts(
          "Product Viewed", "web", Map.of("category", "running-shoes", "price", 129.0), NOON);
  private static final CustomerFacts RUNNER =
      new CustomerFacts(Map.of("tier", "gold"), "consideration", Map.of("Product Viewed", 3L));

  private static CompiledCondition compiled(String source) {
    Compilation compilation = COMPILER.compile(source, ConditionScope.EVENT_AND_CUSTOMER);
    return assertInstanceOf(Compilation.Compiled.class, compilation, compilation::toString)
        .condition();
  }

  @Test
  void readsEveryVariableOfTheTouchpointAndTheCustomer() {
    assertTrue(
        compiled("event.name == 'Product Viewed' && event.channel == 'web'").test(VIEW, RUNNER));
    assertTrue(
        compiled("event.properties.category == 'running-shoes' && event.properties.price > 100.0")
            .test(VIEW, RUNNER));
    assertTrue(compiled("event.timestamp > timestamp('2026-01-01T00:00:00Z')").test(VIEW, RUNNER));
    assertTrue(
        compiled("customer.traits.tier == 'gold' && customer.stage == 'consideration'")
            .test(VIEW, RUNNER));
    assertTrue(compiled("customer.counters['Product Viewed'] >= 3").test(VIEW, RUNNER));
    assertFalse(compiled("customer.counters['Product Viewed'] > 3").test(VIEW, RUNNER));
  }

  private static CompiledCondition.Valued value(String source) {
    Compilation compilation =
        COMPILER.compileValue(source, ConditionScope.EVENT_AND_CUSTOMER, true);
    return assertInstanceOf(Compilation.Compiled.class, compilation, compilation::toString)
        .condition()
        .value(VIEW, RUNNER);
  }

  @Test
  void aTraitValueIsAStringANumberABoolOrNull() {
    assertEquals(
        new CompiledCondition.Valued(CompiledCondition.Verdict.HOLDS, "gold"),
        value("customer.traits.tier"));
    assertEquals(
        new CompiledCondition.Valued(CompiledCondition.Verdict.HOLDS, 129.0),
        value("event.properties.price"));
    assertEquals(
        new CompiledCondition.Valued(CompiledCondition.Verdict.HOLDS, 4L),
        value("customer.counters['Product Viewed'] + 1"));
    assertEquals(new CompiledCondition.Valued(CompiledCondition.Verdict.HOLDS, 7L), value("7u"));
    assertEquals(
        new CompiledCondition.Valued(CompiledCondition.Verdict.HOLDS, true),
        value("event.channel == 'web'"));
    assertEquals(
        new CompiledCondition.Valued(CompiledCondition.Verdict.HOLDS, null), value("null"));
    assertEquals(
        CompiledCondition.Verdict.FAILS,
        value("customer.traits.missing").verdict(),
        "a failed read changes nothing");
    Compilation list = COMPILER.compileValue("[1, 2]", ConditionScope.EVENT_AND_CUSTOMER, true);
    assertInstanceOf(Compilation.Failed.class, list, "a list is refused when compiled");
    Compilation time =
        COMPILER.compileValue("event.timestamp", ConditionScope.EVENT_AND_CUSTOMER, true);
    assertInstanceOf(Compilation.Failed.class, time);
  }

  @Test
  void aMissingPropertyMakesTheConditionFalseRatherThanFailing() {
    CompiledCondition size = compiled("event.properties.size == 42");
    assertFalse(size.test(VIEW, RUNNER));
    assertFalse(
        compiled("has(event.properties.size) && event.properties.size == 42").test(VIEW, RUNNER));
  }

  @Test
  void customerOnlyConditionsRunWithoutATouchpoint() {
    Compilation compilation =
        COMPILER.compile("customer.traits.tier == 'gold'", ConditionScope.CUSTOMER_ONLY);
    assertTrue(((Compilation.Compiled) compilation).condition().test(null, RUNNER));
  }

  @Test
  void constantConditionsAreRecognisedAndOthersAreNot() {
    assertEquals(
        Boolean.FALSE,
        ((Compilation.Compiled) COMPILER.compile("1 > 2", ConditionScope.EVENT_AND_CUSTOMER))
            .constant());
    assertEquals(
        Boolean.TRUE,
        ((Compilation.Compiled)
                COMPILER.compile("true || event.name == 'x'", ConditionScope.EVENT_AND_CUSTOMER))
            .constant());
    assertNull(
        ((Compilation.Compiled)
                COMPILER.compile("event.name == 'x'", ConditionScope.EVENT_AND_CUSTOMER))
            .constant());
  }

  @Test
  void numbersFromJsonCompareWithIntLiterals() {
    // Jackson reads small JSON integers as Integer; CEL's int is a long.
    EventFacts order =
        new EventFacts("Order Completed", "web", Map.of("items", 2, "total", 59.0), NOON);
    assertTrue(
        compiled("event.properties.items > 1 && event.properties.items + 1 == 3")
            .test(order, RUNNER));
    assertTrue(compiled("type(event.properties.items) == int").test(order, RUNNER));
    assertFalse(compiled("event.properties.total > 100").test(order, RUNNER));
  }

  @Test
  void aNullPropertyDoesNotSpoilTheOthers() {
    Map<String, Object> properties = new HashMap<>(Map.of("category", "running-shoes"));
    properties.put("coupon", null);
    EventFacts view = new EventFacts("Product Viewed", "web", properties, NOON);
    assertTrue(compiled("event.properties.category == 'running-shoes'").test(view, RUNNER));
    assertTrue(compiled("has(event.properties.coupon)").test(view, RUNNER));
    assertFalse(compiled("event.properties.coupon == 'x'").test(view, RUNNER));
  }

  @Test
  void factsMapsBehaveAsCelMaps() {
    for (String holds :
        List.of(
            "'category' in event.properties && !('size' in event.properties)",
            "size(event.properties) == 2 && event.properties.size() == 2",
            "event.properties.exists(k, k == 'price') && event.properties.all(k, k != '')",
            "event.properties['category'] == 'running-shoes'",
            "customer.traits == {'tier': 'gold'} && customer.traits != {}",
            "customer.counters.exists(k, customer.counters[k] == 3)",
            "customer.counters.map(k, customer.counters[k]) == [3]",
            "type(event.properties) == map && type(customer.counters) == map",
            "event.properties.filter(k, k.startsWith('c')) == ['category']")) {
      assertTrue(compiled(holds).test(VIEW, RUNNER), holds);
    }
    assertFalse(compiled("customer.counters['Order Completed'] >= 0").test(VIEW, RUNNER));
  }

  @Test
  void traitReadsWithoutHasAreWarnedAtTheRead() {
    assertEquals(
        List.of(
            new CelWarning(
                1,
                15,
                "'customer.traits.segment' is read without has(): for customers"
                    + " without that trait the condition fails with an error, which counts as false but is slow;"
                    + " write 'has(customer.traits.segment) && ...'")),
        warnings(
            "customer.traits.segment == 'lapsed' && customer.counters['Order Completed'] >= 1"));
    assertEquals(
        List.of("plan", "tier"),
        warnedTraits("customer.traits['plan'] == 'trial' || customer.traits.tier == 'gold'"));
    // Guarded on the right comes too late: CEL evaluates the left side first.
    assertEquals(
        List.of("segment"),
        warnedTraits("customer.traits.segment == 'lapsed' && has(customer.traits.segment)"));
    assertEquals(List.of("address"), warnedTraits("has(customer.traits.address.city)"));
    assertEquals(
        List.of("tier"),
        warnedTraits("has(customer.traits.segment) || customer.traits.tier == 'gold'"));
  }

  @Test
  void guardedTraitReadsAreNotWarned() {
    for (String guarded :
        List.of(
            "has(customer.traits.segment) && customer.traits.segment == 'lapsed'",
            "has(customer.traits.segment) && customer.stage == '' && customer.traits['segment'] == 'lapsed'",
            "'segment' in customer.traits && customer.traits.segment == 'lapsed'",
            "!has(customer.traits.segment) || customer.traits.segment == 'lapsed'",
            "has(customer.traits.segment) ? customer.traits.segment == 'lapsed' : false",
            "!(has(customer.traits.a) && has(customer.traits.b)) || customer.traits.a == customer.traits.b",
            "has(customer.traits.address) && has(customer.traits.address.city)",
            "event.properties.segment == 'lapsed' && customer.counters['Order Completed'] >= 1")) {
      assertEquals(List.of(), warnings(guarded), guarded);
    }
  }

  private static List<CelWarning> warnings(String source) {
    Compilation compilation = COMPILER.compile(source, ConditionScope.EVENT_AND_CUSTOMER);
    return assertInstanceOf(Compilation.Compiled.class, compilation, compilation::toString)
        .warnings();
  }

  private static List<String> warnedTraits(String source) {
    return warnings(source).stream()
        .map(w -> w.message().replaceAll("^'customer\\.traits\\.([^']*)'.*$", "$1"))
        .toList();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "event.properties.price > 100.0 && customer.traits.tier == 'gold'",
        "has(event.properties.coupon)",
        "customer.counters['Order Completed'] >= 2",
        "event.timestamp > timestamp('2026-11-27T00:00:00Z')",
        "event.properties.items.exists(i, i.category == 'running-shoes')"
      })
  void theExamplesInTheLanguageReferenceCompile(String example) {
    assertInstanceOf(
        Compilation.Compiled.class, COMPILER.compile(example, ConditionScope.EVENT_AND_CUSTOMER));
  }
}
