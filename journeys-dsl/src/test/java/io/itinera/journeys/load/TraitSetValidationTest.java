package io.itinera.journeys.load;

import static io.itinera.journeys.load.Journeys.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each misuse of an action's {@code set} is refused at load, at its line and column. */
class TraitSetValidationTest {

  private static String journey(String action) {
    return """
        journey: j
        entry: {event: A}
        stages:
          start:
            on:
              - event: B
                do:
        """
        + action.stripIndent().indent(10);
  }

  @Test
  void aPureSetNeedsNoChannelButItLoads() {
    assertEquals(List.of(), errors(journey("- set: {vip: true, tier: \"'gold'\", score: 3}")));
  }

  @Test
  void badCelIsLocatedInsideTheExpression() {
    assertEquals(
        List.of(
            "j.yaml:9:22: set score: 'customer.trait' is not a variable; did you mean"
                + " 'customer.traits'?"),
        errors(journey("- set:\n    score: customer.trait.x + 1")));
  }

  @Test
  void aBareWordIsExplainedAsTextWithoutCelQuotes() {
    assertEquals(
        List.of(
            "j.yaml:9:21: set tier: 'gold' is not a variable; a text value needs CEL's quotes"
                + " inside YAML's, e.g. tier: \"'gold'\""),
        errors(journey("- set:\n    tier: gold")));
  }

  @Test
  void aListIsNoTraitValue() {
    assertEquals(
        List.of(
            "j.yaml:9:22: set tags: this gives a list, but a trait is set to a string, a"
                + " number, a bool or null; e.g. 'gold', 3, true"),
        errors(journey("- set:\n    tags: \"[1, 2]\"")));
  }

  @Test
  void emptyAndReservedTraitNamesAreRefused() {
    assertEquals(
        List.of(
            "j.yaml:9:19: a trait name is empty; name the trait to set",
            "j.yaml:10:24: 'consent' cannot be set by a journey: only the customer states consent,"
                + " in their identify calls",
            "j.yaml:11:26: 'plan tier' is not a trait name a condition can read; use one without"
                + " spaces or dots, e.g. trial_nudged"),
        errors(
            journey(
                "- set:\n    \"\": true\n    consent: \"{'email': true}\"\n    plan tier: \"'x'\"")));
  }

  @Test
  void anActionWithAChannelStillNeedsItsTypeAndTemplate() {
    assertEquals(
        List.of(
            "j.yaml:8:13: missing 'type'; say what the channel does, e.g. type: send",
            "j.yaml:8:13: missing 'template'; name the template the channel renders, e.g."
                + " template: cart-reminder"),
        errors(journey("- channel: email\n  set: {vip: true}")));
  }

  @Test
  void aSetCannotWaitNorCarryWhatOnlyAMessageHas() {
    assertEquals(
        List.of(
            "j.yaml:9:20: 'set' changes traits when the action is decided and cannot wait; put the"
                + " change on an action without a wait, or in the stage the wait leads to",
            "j.yaml:10:20: this action only sets traits and sends nothing, so it carries no offer;"
                + " add channel, type and template or remove 'offer'"),
        errors(journey("- set: {vip: true}\n  delay: 1h\n  offer: VIP10")));
  }

  @Test
  void anEmptySetIsRefused() {
    assertEquals(
        List.of(
            "j.yaml:8:18: 'set' is empty; name a trait and its new value, e.g. set: { onboarded:"
                + " true }"),
        errors(journey("- set: {}")));
  }

  @Test
  void aTimerCannotReadTheEvent() {
    assertEquals(
        List.of(
            "j.yaml:11:25: set last: 'event.name' is not a variable; without a touchpoint a"
                + " condition can only use customer.traits, customer.stage, customer.counters,"
                + " customer.group.id, customer.group.traits, customer.groups and entry.data"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - absence: {event: B, within: 1d}
                    do:
                      - channel: email
                        type: send
                        template: t
                        set: {last: event.name}
            """));
  }
}
