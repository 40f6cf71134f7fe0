package io.itinera.journeys.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.template.TemplateCompiler.Compilation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateCompilerTest {

  private static final TemplateCompiler COMPILER = new TemplateCompiler();

  private static final Map<String, Object> VARIABLES =
      Map.of(
          "customer",
          Map.of("traits", Map.of("first_name", "Ada")),
          "event",
          Map.of("name", "Cart Added", "properties", Map.of("name", "Pegasus 41")));

  private static CompiledTemplate compiled(String source) {
    return assertInstanceOf(Compilation.Compiled.class, COMPILER.compile(source)).template();
  }

  private static Compilation.Failed failed(String source) {
    return assertInstanceOf(Compilation.Failed.class, COMPILER.compile(source));
  }

  @Test
  void rendersTheCustomersFirstNameAndTheEventsProduct() {
    Rendering rendering =
        compiled("{{ customer.traits.first_name }}, your {{ event.properties.name }} waits")
            .render(VARIABLES);
    assertEquals("Ada, your Pegasus 41 waits", rendering.text());
    assertTrue(rendering.completed());
    assertEquals(List.of(), rendering.missing());
  }

  @Test
  void aMissingVariableRendersEmptyAndIsReportedUnlessDefaulted() {
    Rendering rendering =
        compiled("Hi {{ customer.traits.nickname }}{{ customer.traits.title | default: \"you\" }}")
            .render(VARIABLES);
    assertEquals("Hi you", rendering.text());
    assertEquals(List.of("customer.traits.nickname"), rendering.missing());
  }

  @Test
  void textWithoutLiquidIsKeptAsItIs() {
    assertEquals("free-shipping", compiled("free-shipping").render(Map.of()).text());
  }

  @Test
  void aSyntaxErrorHasItsLineAndColumnInTheTemplate() {
    Compilation.Failed failed = failed("Hello\n  {% if x %}no end");
    assertEquals(2, failed.line());
    assertEquals(18, failed.column(), "where the text ends without its endif");
    assertNotNull(failed.message());
    Compilation.Failed unclosed = failed("Hi {{ customer.traits.first_name ");
    assertEquals(1, unclosed.line());
    assertEquals(33, unclosed.column(), "where the text ends without its }}");
  }

  @Test
  void anUnknownFilterIsAnErrorAtItsPlace() {
    Compilation.Failed failed = failed("ab\ncd {{ x | shout }}");
    assertEquals(2, failed.line());
    assertTrue(failed.message().contains("shout"), failed.message());
  }

  @Test
  void includeIsRefused() {
    Compilation.Failed failed = failed("x {% include 'secrets' %}");
    assertTrue(failed.message().contains("include"), failed.message());
    assertEquals(2, failed.column());
  }

  @Test
  void aHugeLoopIsStopped() {
    Rendering rendering = compiled("{% for i in (1..100000000) %}x{% endfor %}").render(VARIABLES);
    assertEquals("over 1000 loop iterations", rendering.stopped());
    assertEquals("", rendering.text());
  }

  @Test
  void nestedLoopsCountTogether() {
    Rendering rendering =
        compiled("{% for i in (1..900) %}{% for j in (1..900) %}{% endfor %}{% endfor %}")
            .render(VARIABLES);
    assertTrue(rendering.stopped().contains("iterations"), rendering.stopped());
  }

  @Test
  void aStringDoubledInALoopIsStoppedBeforeItFillsTheHeap() {
    Rendering rendering =
        compiled(
                "{% assign s = \"ab\" %}{% for i in (1..60) %}{% assign s = s | append: s %}"
                    + "{% endfor %}{{ s }}")
            .render(VARIABLES);
    assertTrue(rendering.stopped().contains("characters"), rendering.stopped());
  }

  @Test
  void aSlowRenderingIsStoppedByTheClock() {
    TemplateCompiler strict =
        new TemplateCompiler(
            new TemplateLimits(1_000_000, 1 << 20, java.time.Duration.ofMillis(1)));
    CompiledTemplate slow =
        ((Compilation.Compiled)
                strict.compile(
                    "{% for i in (1..1000) %}{% for j in (1..900) %}{{ j | append: i }}"
                        + "{% endfor %}{% endfor %}"))
            .template();
    Rendering rendering = slow.render(VARIABLES);
    assertEquals("rendering took over 1 ms", rendering.stopped());
  }

  @Test
  void noJavaObjectIsReachableFromTheVariables() {
    Rendering rendering =
        compiled(
                "[{{ customer.traits.first_name.class }}][{{ customer.traits.first_name.bytes }}]"
                    + "[{{ customer.traits.class.name }}][{{ customer.getClass }}]"
                    + "[{{ customer.traits.first_name.size }}]")
            .render(VARIABLES);
    assertEquals("[][][][][3]", rendering.text());
  }
}
