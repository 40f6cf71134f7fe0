package io.itinera.journeys.render;

import static io.itinera.journeys.model.JourneyBuilder.action;
import static io.itinera.journeys.model.JourneyBuilder.touchpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.JourneyBuilder;
import io.itinera.journeys.render.SvgRenderer.Counts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgRendererTest {

  private final Journey split =
      JourneyBuilder.journey("checkout")
          .enterOn("Cart <Viewed> & \"more\"")
          .stage(
              "carted",
              s ->
                  s.on(
                      touchpoint("Checkout Started")
                          .goTo("reminded")
                          .split(
                              JourneyBuilder.split(
                                  "offer",
                                  JourneyBuilder.arm("a", 50, null, action("web", "show", "a")),
                                  JourneyBuilder.arm("b", 50, "called")))))
          .stage("reminded", s -> s.on(touchpoint("Back").goTo("carted")))
          .stage("called", s -> s)
          .build();

  @Test
  void drawsStagesWithCountsAndEachArmOfASplitAsItsOwnArrow() throws Exception {
    String svg =
        SvgRenderer.render(
            split,
            new Counts(
                Map.of("carted", 12L, "reminded", 7L),
                Map.of(Counts.transition("carted", "reminded"), 7L)));
    Document image = parse(svg);
    assertEquals("svg", image.getDocumentElement().getTagName());
    assertEquals(3, image.getElementsByTagName("rect").getLength());
    assertTrue(svg.contains(">12 entered</text>"), svg);
    assertTrue(svg.contains(">Checkout Started [offer: a] \u00b7 7</text>"), svg);
    assertTrue(svg.contains(">Checkout Started [offer: b]</text>"), svg);
    assertTrue(svg.contains(">Back</text>"), "a backward arrow is drawn too: " + svg);
    assertTrue(svg.contains("stroke-dasharray"), "arms are dashed");
  }

  @Test
  void namesAreEscapedAndTheImageHoldsNoScriptOrStyle() throws Exception {
    String svg = SvgRenderer.render(split, Counts.NONE);
    parse(svg);
    assertTrue(svg.contains("entry: Cart &lt;Viewed&gt; &amp; &quot;more&quot;"), svg);
    assertFalse(svg.contains("<script"));
    assertFalse(svg.contains("style="));
    assertFalse(svg.contains("entered</text>"), "no counts, no figures");
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }
}
