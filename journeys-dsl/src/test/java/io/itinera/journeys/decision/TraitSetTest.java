package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.TraitsChanged;
import io.itinera.journeys.load.LoadedJourney;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An action's {@code set} changes the customer's traits, journalled, seen by what comes after. */
class TraitSetTest {

  /** Counts sign-ins into a trait and remembers the plan; sends a tip on the side. */
  static final LoadedJourney TRIAL =
      Timeline.load(
          """
          journey: trial
          priority: 10
          entry: {event: Trial Started}
          stages:
            signup:
              enter:
                - set:
                    trial_stage: "'signup'"
                    coupon: null
              on:
                - event: Signed In
                  do:
                    - name: count logins
                      set:
                        logins: "has(customer.traits.logins) ? customer.traits.logins + 1 : 1"
                        last_channel: event.channel
                    - channel: email
                      type: send
                      template: first-login-tips
                      set: {tipped: true}
                  goto: active
            active:
              enter:
                - set: {trial_stage: "'active'"}
              on:
                - event: Trial Ended
                  do:
                    - set: {nickname: customer.traits.missing}
          """);

  /** Of lower priority: reads what the trial journey sets, in the same decision. */
  static final LoadedJourney ACTIVATED =
      Timeline.load(
          """
          journey: activated
          priority: 1
          entry:
            event: Signed In
            when: "has(customer.traits.trial_stage) && customer.traits.trial_stage == 'active'"
          stages:
            welcome:
              enter:
                - channel: app
                  type: show
                  template: activated-banner
          """);

  @Test
  void aTemplateDecidedAfterASetReadsTheNewValue() {
    LoadedJourney upgrade =
        Timeline.load(
            """
            journey: upgrade
            entry: {event: Upgraded}
            stages:
              gold:
                enter:
                  - set: {tier: "'gold'"}
                  - channel: email
                    type: send
                    template: welcome-tier
                    params: {tier: "{{ customer.traits.tier }}"}
            """);
    Timeline bo = new Timeline("bo", upgrade);
    bo.identify(Map.of("tier", "silver", "consent", Map.of("email", true)));
    Decision upgraded = bo.track("Upgraded", "web");
    assertEquals("gold", upgraded.actions().get(0).params().get("tier"), upgraded.toString());
  }

  @Test
  void setChangesTraitsAndAJourneyDecidedAfterItSeesThemInTheSameDecision() {
    Timeline ana = new Timeline("ana", TRIAL, ACTIVATED);
    ana.identify(Map.of("coupon", "SPRING", "consent", Map.of("email", true)));
    ana.track("Trial Started", "web");
    assertEquals("signup", ana.customer().traits().get("trial_stage"));
    assertFalse(ana.customer().traits().containsKey("coupon"), "null removes the trait");

    Decision signedIn = ana.after(Duration.ofMinutes(5)).track("Signed In", "app");
    Map<String, Object> traits = ana.customer().traits();
    assertEquals(1L, traits.get("logins"));
    assertEquals("app", traits.get("last_channel"), "the expression read the touchpoint");
    assertEquals(true, traits.get("tipped"));
    assertEquals("active", traits.get("trial_stage"), "the next stage's enter action set it");
    assertEquals(
        List.of("email first-login-tips", "app activated-banner"),
        ana.sent(),
        "the lower-priority journey saw trial_stage == 'active' set earlier in this decision");
    TraitsChanged counted =
        signedIn.events().stream()
            .filter(TraitsChanged.class::isInstance)
            .map(TraitsChanged.class::cast)
            .findFirst()
            .orElseThrow();
    assertEquals("trial", counted.journey());
    assertEquals("signup", counted.stage());
    assertEquals("Signed In", counted.trigger());
    assertEquals("count logins", counted.action());
    assertEquals(Map.of("logins", 1L, "last_channel", "app"), counted.traits());
  }

  @Test
  void anExpressionThatFailsLeavesTheTraitAndAnUnchangedValueIsNotJournalled() {
    Timeline ben = new Timeline("ben", TRIAL);
    ben.track("Trial Started", "web");
    ben.track("Signed In", "web");
    int changes = ben.events(TraitsChanged.class).size();
    Decision ended = ben.track("Trial Ended", "server");
    assertTrue(
        ended.events().stream().noneMatch(TraitsChanged.class::isInstance), ended.toString());
    assertNull(ben.customer().traits().get("nickname"));
    assertEquals(changes, ben.events(TraitsChanged.class).size());
  }

  @Test
  void aNumberEqualToTheOneHeldIsNoChange() {
    LoadedJourney scores =
        Timeline.load(
            """
            journey: scores
            entry: {event: Scored}
            stages:
              scored:
                enter:
                  - set: {score: 3, ratio: 0.5}
                on:
                  - {event: Reset, goto: scored}
            """);
    Timeline dan = new Timeline("dan", scores);
    dan.identify(Map.of("score", 3, "ratio", 0.5));
    Decision scored = dan.track("Scored", "web");
    assertTrue(
        scored.events().stream().noneMatch(TraitsChanged.class::isInstance), scored.toString());
  }

  @Test
  void aHeldOutCustomerIsSentNothingButItsTraitsAreSetAlike() {
    LoadedJourney held =
        Timeline.load(
            """
            journey: held
            holdout: 99.99%
            entry: {event: Trial Started}
            stages:
              signup:
                enter:
                  - channel: email
                    type: send
                    template: welcome
                    set: {welcomed: true}
            """);
    String customer = HoldoutTest.heldOutOf("held");
    Timeline cy = new Timeline(customer, held);
    cy.identify(Map.of("consent", Map.of("email", true)));
    cy.track("Trial Started", "web");
    assertEquals(List.of(), cy.sent());
    assertEquals(true, cy.customer().traits().get("welcomed"));
  }

  @Test
  void aConditionReadsTheCustomersLatestGroupAndAllTheirGroups() {
    LoadedJourney accounts =
        Timeline.load(
            """
            journey: accounts
            entry:
              event: Trial Started
              when: >-
                has(customer.group.traits.plan) && customer.group.traits.plan == 'enterprise'
                && customer.group.id == 'globex' && size(customer.groups) == 2
                && customer.groups.initech.seats == 5
            stages:
              in: {}
            """);
    Timeline dee = new Timeline("dee", accounts);
    dee.group("globex", Map.of("plan", "enterprise"));
    dee.group("initech", Map.of("plan", "free", "seats", 5));
    dee.track("Trial Started", "web");
    assertEquals(
        List.of(),
        dee.events(JourneyEvent.JourneyEntered.class),
        "initech is her latest group, and it is on the free plan");

    Timeline eve = new Timeline("eve", accounts);
    eve.group("initech", Map.of("plan", "free", "seats", 5));
    eve.group("globex", Map.of("plan", "starter"));
    eve.group("globex", Map.of("plan", "enterprise"));
    eve.track("Trial Started", "web");
    assertEquals(
        1,
        eve.events(JourneyEvent.JourneyEntered.class).size(),
        "globex, re-grouped last, now on enterprise");
  }
}
