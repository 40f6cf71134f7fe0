package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.BranchTaken;
import io.itinera.journeys.load.LoadedJourney;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Branches on entering a stage and when an absence timer fires, and guards on actions: the first
 * arm whose condition holds is taken, else the otherwise arm, and the journal says which.
 */
class BranchTest {

  static final LoadedJourney ONBOARDING =
      Timeline.load(
          """
          journey: onboarding
          entry: {event: Signed Up}
          stages:
            welcome:
              enter:
                - {channel: email, type: send, template: welcome}
                - {channel: email, type: send, template: vip-hello, when: "customer.traits.plan == 'vip'"}
              branch:
                - name: referred
                  when: "has(event.properties.referrer)"
                  do: [{channel: email, type: send, template: thanks-referrer}]
                  goto: referred
                - name: big
                  when: "customer.traits.seats > 50"
                  goto: sales
                - otherwise: true
                  do: [{channel: web, type: show, template: tour}]
              on:
                - name: two days later
                  absence: {event: Project Created, within: 2d}
                  do: [{channel: email, type: send, template: nudge, when: "customer.traits.plan != 'free'"}]
                  branch:
                    - name: vip
                      when: "customer.traits.plan == 'vip'"
                      do: [{channel: email, type: send, template: vip-call}]
                      goto: sales
                    - otherwise: true
                      do: [{channel: email, type: send, template: tips}]
            referred:
              on:
                - {event: Project Created}
            sales:
              on:
                - {event: Project Created}
          """);

  @Test
  void theFirstArmWhoseConditionHoldsIsTakenOnEntry() {
    Timeline customer = consenting("c-1", ONBOARDING);
    customer.identify(Map.of("seats", 80));
    customer.track("Signed Up", "web", Map.of("referrer", "r-9"));
    assertEquals("referred", customer.stage("onboarding"));
    assertEquals(List.of("email welcome", "email thanks-referrer"), customer.sent());
    assertEquals(List.of("referred"), arms(customer));
    assertEquals(
        "branch referred", customer.events(JourneyEvent.StageEntered.class).get(0).trigger());
  }

  @Test
  void aLaterArmIsTakenWhenTheFirstDoesNotHold() {
    Timeline customer = consenting("c-2", ONBOARDING);
    customer.identify(Map.of("seats", 80));
    customer.track("Signed Up", "web");
    assertEquals("sales", customer.stage("onboarding"));
    assertEquals(List.of("big"), arms(customer));
    assertTrue(customer.state().timers().isEmpty(), "welcome's absence timer is not armed");
  }

  @Test
  void theOtherwiseArmIsTakenWhenNoneHolds() {
    Timeline customer = consenting("c-3", ONBOARDING);
    customer.track("Signed Up", "web");
    assertEquals("welcome", customer.stage("onboarding"));
    assertEquals(List.of("otherwise"), arms(customer));
    assertEquals(List.of("email welcome", "web tour"), customer.sent());
    assertEquals(1, customer.state().timers().size());
  }

  @Test
  void aGuardedEnterActionGoesOutOnlyWhenItsConditionHolds() {
    Timeline vip = consenting("c-4", ONBOARDING);
    vip.identify(Map.of("plan", "vip"));
    vip.track("Signed Up", "web");
    assertEquals(List.of("email welcome", "email vip-hello", "web tour"), vip.sent());
  }

  @Test
  void theTimerBranchLooksAtTheCustomerWhenItFires() {
    Timeline customer = consenting("c-5", ONBOARDING);
    customer.identify(Map.of("plan", "free"));
    customer.track("Signed Up", "web");
    customer.after(Duration.ofDays(1)).identify(Map.of("plan", "vip"));
    customer.after(Duration.ofDays(1));
    assertEquals("sales", customer.stage("onboarding"));
    assertEquals(List.of("otherwise", "vip"), arms(customer));
    assertEquals(
        List.of("email welcome", "web tour", "email nudge", "email vip-call"), customer.sent());
  }

  @Test
  void theTimerBranchTakesOtherwiseAndTheGuardHoldsBackTheNudge() {
    Timeline customer = consenting("c-6", ONBOARDING);
    customer.identify(Map.of("plan", "free"));
    customer.track("Signed Up", "web");
    customer.after(Duration.ofDays(2));
    assertEquals("welcome", customer.stage("onboarding"));
    assertEquals(List.of("otherwise", "otherwise"), arms(customer));
    assertEquals(List.of("email welcome", "web tour", "email tips"), customer.sent());
    BranchTaken onTimer = customer.events(BranchTaken.class).get(1);
    assertEquals("two days later", onTimer.trigger());
  }

  @Test
  void aDelayedActionsGuardIsCheckedWhenItsTimerFires() {
    LoadedJourney journey =
        Timeline.load(
            """
            journey: reminder
            entry: {event: Cart Updated}
            stages:
              cart:
                enter:
                  - channel: email
                    type: send
                    template: cart-reminder
                    delay: 1h
                    when: "customer.traits.subscribed == true"
            """);
    Timeline subscribed = consenting("c-7", journey);
    subscribed.track("Cart Updated", "web");
    subscribed.after(Duration.ofMinutes(30)).identify(Map.of("subscribed", true));
    subscribed.after(Duration.ofHours(1));
    assertEquals(List.of("email cart-reminder"), subscribed.sent());

    Timeline never = consenting("c-8", journey);
    never.identify(Map.of("subscribed", true));
    never.track("Cart Updated", "web");
    never.after(Duration.ofMinutes(30)).identify(Map.of("subscribed", false));
    never.after(Duration.ofHours(1));
    assertEquals(List.of(), never.sent());
    assertTrue(never.state().timers().isEmpty());
  }

  private static List<String> arms(Timeline customer) {
    return customer.events(BranchTaken.class).stream().map(BranchTaken::arm).toList();
  }

  /** A customer who opted in to e-mail, so only the journey decides what they get. */
  private static Timeline consenting(String id, LoadedJourney journey) {
    Timeline customer = new Timeline(id, journey);
    customer.identify(Map.of("consent", Map.of("email", true)));
    return customer;
  }
}
