package io.itinera.journeys.render;

import static io.itinera.journeys.model.JourneyBuilder.absence;
import static io.itinera.journeys.model.JourneyBuilder.action;
import static io.itinera.journeys.model.JourneyBuilder.touchpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.JourneyBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MermaidRendererTest {

  private final Journey cart =
      JourneyBuilder.journey("cart")
          .enterOn("Product Added", "event.properties.price > 50.0")
          .stage(
              "in-cart",
              s ->
                  s.on(touchpoint("Order Completed").goTo("bought"))
                      .on(
                          absence("Order Completed", Duration.ofMinutes(15))
                              .then(
                                  action("email", "send", "cart-reminder").offer("free-shipping"))))
          .stage(
              "bought",
              s -> s.enter(action("email", "send", "shoe-care-tips").after(Duration.ofDays(1))))
          .exitOn("Unsubscribed")
          .build();

  @Test
  void drawsStagesTransitionsAndActions() {
    List<String> lines = MermaidRenderer.render(cart).lines().toList();
    assertEquals("stateDiagram-v2", lines.get(3));
    assertTrue(lines.contains("    state \"in-cart\" as s_in_cart"));
    assertTrue(
        lines.contains("    [*] --> s_in_cart : Product Added [event.properties.price > 50.0]"));
    assertTrue(lines.contains("    s_in_cart --> s_bought : Order Completed"));
    assertTrue(lines.contains("    s_in_cart --> s_in_cart : no Order Completed in 15m"));
    assertTrue(lines.contains("    s_bought --> [*]"));
    assertTrue(
        lines.contains(
            "        on no Order Completed in 15m: email send cart-reminder (offer free-shipping)"));
    assertTrue(lines.contains("        on enter: email send shoe-care-tips after 1d"));
    assertTrue(lines.contains("        exits from any stage on: Unsubscribed"));
  }

  @Test
  void eachArmOfASplitIsAnEdgeToWhereItGoes() {
    Journey tested =
        JourneyBuilder.journey("tested")
            .enterOn("Product Added")
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
            .stage("reminded", s -> s)
            .stage("called", s -> s)
            .build();
    String diagram = MermaidRenderer.render(tested);
    assertTrue(diagram.contains("s_carted --> s_reminded : Checkout Started [offerː a]"), diagram);
    assertTrue(diagram.contains("s_carted --> s_called : Checkout Started [offerː b]"), diagram);
    assertTrue(!diagram.contains("s_carted --> [*]"), diagram);
  }

  @Test
  void characterThatMermaidReadsAsSyntaxAreReplacedInLabels() {
    Journey odd =
        JourneyBuilder.journey("odd")
            .enterOn("A")
            .stage("s", s -> s.on(touchpoint("Page: Viewed; #1").then(action("web", "show", "t"))))
            .build();
    String diagram = MermaidRenderer.render(odd);
    assertTrue(diagram.contains("s_s --> s_s : Page\u02d0 Viewed, \u266f1\n"), diagram);
  }

  @Test
  void drawsBranchesAsChoiceNodesWithAnEdgePerArm() {
    Journey branching =
        io.itinera.journeys.parse.JourneyParser.parse(
                """
            journey: b
            entry: {event: A}
            stages:
              start:
                branch:
                  - {name: big, when: "customer.traits.seats > 50", goto: sales}
                  - {otherwise: true, do: [{channel: web, type: show, template: tour}]}
                on:
                  - name: later
                    absence: {event: B, within: 2d}
                    branch:
                      - {name: vip, when: "customer.traits.vip == true", goto: sales}
                      - {otherwise: true, do: [{channel: email, type: send, template: tips, delay: {until: "10:00", zone: customer}}]}
              sales: {}
            """)
            .journey();
    List<String> lines = MermaidRenderer.render(branching).lines().toList();
    assertTrue(lines.contains("    state s_start_enter_branch <<choice>>"), lines::toString);
    assertTrue(lines.contains("    s_start --> s_start_enter_branch : on enter"));
    assertTrue(
        lines.contains("    s_start_enter_branch --> s_sales : big [customer.traits.seats > 50]"));
    assertTrue(lines.contains("    s_start_enter_branch --> s_start : otherwise"));
    assertTrue(lines.contains("    state s_start_on0_branch <<choice>>"));
    assertTrue(lines.contains("    s_start --> s_start_on0_branch : later"));
    assertTrue(lines.contains("    s_start_on0_branch --> s_start : otherwise"));
    assertTrue(lines.contains("        on enter, otherwise: web show tour"), lines::toString);
    assertTrue(
        lines.contains("        on later, otherwise: email send tips at 10ː00 customer"),
        lines::toString);
  }
}
