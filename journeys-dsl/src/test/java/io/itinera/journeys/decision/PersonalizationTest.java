package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Action;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Action params and content are Liquid, rendered for the customer when the action is decided. */
class PersonalizationTest {

  static final String CART =
      """
      journey: cart
      version: 3
      entry: {event: Product Added}
      stages:
        added:
          enter:
            - channel: web
              type: show
              template: cart-reminder
              params:
                product: "{{ event.properties.name }}"
                plan: "{{ customer.group.traits.plan }}"
                where: "{{ journey.name }} v{{ journey.version }} {{ stage }} {{ arm }}"
              content:
                subject: "{{ customer.traits.first_name | default: 'there' }}, your cart"
                body: |-
                  Hi {{ customer.traits.first_name }},
                  {% for g in customer.groups %}{{ g.id }};{% endfor %}{{ customer.traits.nickname }}
      """;

  private static Touchpoint added(String product) {
    return TouchpointBuilder.track("Product Added")
        .customerId("ada")
        .messageId("m-1")
        .properties(Map.of("name", product))
        .build();
  }

  private static List<String> missing = new ArrayList<>();

  private static Decision decide(LoadedJourney journey, CustomerContext customer, Touchpoint tp) {
    missing.clear();
    return JourneyDecider.decide(
        CustomerJourneys.EMPTY,
        customer.recording(tp),
        new Input.TouchpointArrived(tp),
        JourneySet.of(
            List.of(journey),
            (name, action, variable) -> missing.add(name + "/" + action + ": " + variable)),
        TouchpointBuilder.RECEIVED_AT);
  }

  @Test
  void theActionCarriesTheCustomersFirstNameAndTheEventsProduct() {
    Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
    // In the order of the group calls: globex first, then acme, the current group.
    groups.put("globex", Map.of("plan", "free"));
    groups.put("acme", Map.of("plan", "enterprise"));
    CustomerContext ada = new CustomerContext("ada", Map.of("first_name", "Ada"), Map.of(), groups);
    PlannedAction action = decide(Timeline.load(CART), ada, added("Pegasus 41")).actions().get(0);
    assertEquals("Pegasus 41", action.params().get("product"));
    assertEquals("enterprise", action.params().get("plan"));
    assertEquals("cart v3 added treated", action.params().get("where"));
    assertEquals(new Action.Content("Ada, your cart", "Hi Ada,\nglobex;acme;"), action.content());
    assertEquals(List.of("cart/cart-reminder: customer.traits.nickname"), missing);
  }

  @Test
  void aMissingVariableRendersEmptyAndIsReported() {
    CustomerContext stranger = CustomerContext.of("ada");
    PlannedAction action =
        decide(Timeline.load(CART), stranger, added("Pegasus 41")).actions().get(0);
    assertEquals("", action.params().get("plan"));
    assertEquals(new Action.Content("there, your cart", "Hi ,\n"), action.content());
    assertEquals(
        List.of(
            "cart/cart-reminder: customer.group.traits.plan",
            "cart/cart-reminder: customer.traits.first_name",
            "cart/cart-reminder: customer.traits.nickname"),
        missing.stream().sorted().toList());
  }

  @Test
  void aTemplateStoppedByTheSandboxSuppressesTheActionWithTheReason() {
    LoadedJourney looping =
        Timeline.load(
            """
            journey: looping
            entry: {event: Product Added}
            stages:
              added:
                enter:
                  - channel: email
                    type: send
                    template: spam
                    content:
                      body: "{% for i in (1..100000000) %}spam {% endfor %}"
            """);
    Decision decision = decide(looping, CustomerContext.of("ada"), added("x"));
    assertEquals(List.of(), decision.actions());
    ActionSuppressed suppressed =
        decision.events().stream()
            .filter(ActionSuppressed.class::isInstance)
            .map(ActionSuppressed.class::cast)
            .findFirst()
            .orElseThrow();
    assertEquals(SuppressionReason.TEMPLATE_FAILED, suppressed.reason());
    assertTrue(suppressed.explanation().contains("loop iterations"), suppressed.explanation());
  }

  @Test
  void aTemplateErrorPointsAtItsCharacterInTheFile() {
    LoadResult result =
        Timeline.LOADER.load(
            "broken.journey.yaml",
            """
            journey: broken
            entry: {event: Product Added}
            stages:
              added:
                enter:
                  - channel: email
                    type: send
                    template: cart
                    params:
                      product: "Your {{ event.properties.name | shout }}"
                    content:
                      body: |-
                        Hello
                          {% if customer.traits.vip %}VIP
            """);
    List<String> errors =
        result.problems().stream()
            .filter(Diagnostic::isError)
            .map(d -> d.format("broken.journey.yaml"))
            .toList();
    assertEquals(2, errors.size(), errors.toString());
    // The quote is at column 20 of line 10; the filter's pipe 30 characters into the template.
    assertEquals(
        "broken.journey.yaml:10:51: template error in param product: no filter available named:"
            + " shout",
        errors.get(0));
    assertTrue(errors.get(1).startsWith("broken.journey.yaml:14:"), errors.get(1));
    assertTrue(errors.get(1).contains("template error in body"), errors.get(1));
    assertTrue(errors.get(1).contains("a tag left open"), errors.get(1));
  }

  @Test
  void anActionJournalledBeforeContentExistedReadsWithoutIt() throws Exception {
    PlannedAction rendered =
        new PlannedAction(
            "id-1",
            "cart",
            1,
            "added",
            "enter",
            "reminder",
            "email",
            "send",
            "reminder",
            null,
            Map.of("product", "Pegasus 41"),
            new Action.Content("Hi Ada", "Body"));
    JourneyEvent.ActionEmitted emitted =
        new JourneyEvent.ActionEmitted(rendered, TouchpointBuilder.RECEIVED_AT);
    var tree = ReplayTest.CBOR.valueToTree(emitted);
    assertEquals(
        emitted,
        ReplayTest.CBOR.readValue(
            ReplayTest.CBOR.writeValueAsBytes(tree), JourneyEvent.ActionEmitted.class));
    // What an older engine wrote: no content field at all.
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("action")).remove("content");
    JourneyEvent.ActionEmitted old =
        ReplayTest.CBOR.readValue(
            ReplayTest.CBOR.writeValueAsBytes(tree), JourneyEvent.ActionEmitted.class);
    assertEquals(null, old.action().content());
    assertEquals("Pegasus 41", old.action().params().get("product"));
  }

  @Test
  void aTimersActionReadingTheEventIsWarnedAbout() {
    LoadResult result =
        Timeline.LOADER.load(
            "timer.journey.yaml",
            """
            journey: timer
            entry: {event: Product Added}
            stages:
              added:
                on:
                  - absence: {event: Order Completed, within: 15m}
                    do:
                      - channel: web
                        type: show
                        template: reminder
                        params: {product: "{{ event.properties.name }}"}
            """);
    assertTrue(result.ok(), result.problems().toString());
    assertEquals(
        List.of(
            "timer.journey.yaml:8:13: warning: action 'reminder' is decided when a timer fires,"
                + " with no touchpoint: its templates' event.* renders empty; keep what it needs"
                + " in a trait"),
        result.warnings().stream().map(d -> d.format("timer.journey.yaml")).toList());
  }
}
