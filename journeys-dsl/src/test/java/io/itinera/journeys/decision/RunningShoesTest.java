package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.GoalReached;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.load.LoadedJourney;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seeds' running-shoe story, decision by decision, on the sample journey itself. */
class RunningShoesTest {

  static final LoadedJourney SHOES = Timeline.sample("running-shoes");
  static final Map<String, Object> RUNNING = Map.of("category", "running-shoes");

  /** Not in the sample's 10% holdout (see HoldoutTest for one who is). */
  static final String RUNNER = "runner-42";

  static Timeline runner() {
    Timeline runner = new Timeline(RUNNER, SHOES);
    runner.identify(
        Map.of("timezone", "America/New_York", "consent", Map.of("email", true, "sms", true)));
    return runner;
  }

  @Test
  void theRunnerIsNotInTheHoldout() {
    assertFalse(Holdout.isHeldOut(RUNNER, "running-shoes", 10));
  }

  @Test
  void aViewOfRunningShoesEntersAtAwarenessWithoutFiringItsTriggers() {
    Timeline runner = runner();
    runner.track("Product Viewed", "web", Map.of("category", "sandals"));
    assertEquals(null, runner.stage("running-shoes"));
    runner.track("Product Viewed", "web", RUNNING);
    assertEquals("awareness", runner.stage("running-shoes"));
    runner.after(Duration.ofMinutes(2)).track("Product Viewed", "web", RUNNING);
    assertEquals("consideration", runner.stage("running-shoes"));
  }

  @Test
  void threeViewsInTenMinutesShowTheDiscountPopupOnWeb() {
    Timeline runner = runner();
    runner.track("Product Viewed", "web", RUNNING);
    runner.after(Duration.ofMinutes(4)).track("Product Viewed", "web", RUNNING);
    assertEquals(List.of(), runner.sent());
    Decision third = runner.after(Duration.ofMinutes(5)).track("Product Viewed", "web", RUNNING);
    assertEquals(
        List.of("discount-popup"), third.actions().stream().map(PlannedAction::template).toList());
    PlannedAction popup = third.actions().get(0);
    assertEquals("web", popup.channel());
    assertEquals("running-10-off", popup.offer());
    assertEquals(Map.of("percent", "10"), popup.params());
    assertEquals("3x Product Viewed in 10m", popup.trigger());
  }

  @Test
  void viewsSpreadOverMoreThanTenMinutesShowNothing() {
    Timeline runner = runner();
    runner.track("Product Viewed", "web", RUNNING);
    runner.after(Duration.ofMinutes(6)).track("Product Viewed", "web", RUNNING);
    runner.after(Duration.ofMinutes(6)).track("Product Viewed", "web", RUNNING);
    assertEquals(List.of(), runner.sent());
    runner.after(Duration.ofMinutes(1)).track("Product Viewed", "web", RUNNING);
    assertEquals(List.of("web discount-popup"), runner.sent());
  }

  @Test
  void theCountWindowKeepsNoMoreTouchpointsThanTheTriggerNeeds() {
    Timeline runner = runner();
    for (int view = 0; view < 8; view++) {
      runner
          .after(Duration.ofSeconds(10))
          .track("Product Viewed", "web", Map.of("category", "sandals"));
    }
    assertEquals(
        3,
        runner
            .state()
            .counted("running-shoes", "consideration", "3x Product Viewed in 10m")
            .size());
  }

  @Test
  void addToCartWithoutPurchaseSendsTheReminderWithFreeShippingAfter15Minutes() {
    Timeline runner = inDecision();
    runner.after(Duration.ofMinutes(14).plusSeconds(59));
    assertEquals(List.of(), runner.sent());
    runner.after(Duration.ofSeconds(1));
    assertEquals(List.of("email cart-reminder"), runner.sent());
    assertEquals("free-shipping", runner.emitted().get(0).action().offer());
    assertEquals(runner.now(), runner.emitted().get(0).at());
  }

  @Test
  void purchaseOnAnyChannelCancelsPendingCartReminder() {
    Timeline runner = inDecision();
    PendingTimer reminder = runner.state().timers().get(0);
    runner.after(Duration.ofMinutes(6)).track("Order Completed", "app");
    assertEquals(
        List.of(),
        runner.state().timers().stream().filter(t -> t.id().equals(reminder.id())).toList());
    assertEquals(
        List.of(reminder.id()),
        runner.events(TimerCancelled.class).stream().map(e -> e.timer().id()).toList());
    assertEquals(
        List.of("purchase"),
        runner.events(GoalReached.class).stream().map(GoalReached::goal).toList());
    runner.after(Duration.ofHours(1));
    assertEquals(List.of(), runner.sent());
    assertTrue(runner.timerDue(reminder.id()).events().isEmpty(), "a cancelled timer never fires");
    assertEquals("onboarding", runner.stage("running-shoes"));
  }

  @Test
  void shoeCareTipsGoOutADayAfterThePurchase() {
    Timeline runner = inDecision();
    runner.after(Duration.ofMinutes(5)).track("Order Completed", "pos");
    runner.after(Duration.ofHours(23));
    assertEquals(List.of(), runner.sent());
    runner.after(Duration.ofHours(1));
    assertEquals(List.of("email shoe-care-tips"), runner.sent());
    assertEquals(PlannedAction.ON_ENTER, runner.emitted().get(0).action().trigger());
  }

  @Test
  void sameOfferNeverTwiceWithin24Hours() {
    Timeline runner = runner();
    for (int view = 0; view < 6; view++) {
      runner.after(Duration.ofMinutes(1)).track("Product Viewed", "web", RUNNING);
    }
    assertEquals(List.of("web discount-popup"), runner.sent());
    assertEquals(List.of("discount-popup OFFER_COOLDOWN"), runner.suppressed());
    runner.after(Duration.ofHours(24));
    for (int view = 0; view < 3; view++) {
      runner.after(Duration.ofMinutes(1)).track("Product Viewed", "web", RUNNING);
    }
    assertEquals(List.of("web discount-popup", "web discount-popup"), runner.sent());
  }

  @Test
  void quietHoursDeferSmsToMorningInCustomerTimeZone() {
    Timeline runner = inDecision();
    runner.after(Duration.ofMinutes(5)).track("Order Completed", "web");
    // 03:30 UTC is 22:30 in New York the evening before: inside the 21:00-08:00 quiet hours.
    runner.at(Instant.parse("2026-11-24T03:30:00Z")).track("Order Shipped", "server");
    assertEquals(List.of(), runner.sent());
    assertEquals(Instant.parse("2026-11-24T13:00:00Z"), runner.deferred().get(0).until());
    runner.at(Instant.parse("2026-11-24T12:59:59Z"));
    assertEquals(List.of(), runner.sent());
    runner.at(Instant.parse("2026-11-24T13:00:00Z"));
    assertEquals(List.of("sms order-shipped"), runner.sent());
    assertEquals(runner.deferred().get(0).action().id(), runner.emitted().get(0).action().id());
  }

  @Test
  void smsOutsideQuietHoursGoesAtOnce() {
    Timeline runner = inDecision();
    runner.after(Duration.ofMinutes(5)).track("Order Completed", "web");
    runner.at(Instant.parse("2026-11-24T13:30:00Z")).track("Order Shipped", "server");
    assertEquals(List.of("sms order-shipped"), runner.sent());
  }

  @Test
  void unsubscribingExitsAndCancelsEverythingPending() {
    Timeline runner = inDecision();
    runner.after(Duration.ofMinutes(5)).track("Order Completed", "web");
    assertEquals(1, runner.state().timers().size(), "the shoe-care tips are pending");
    runner.after(Duration.ofMinutes(5)).track("Unsubscribed", "email");
    assertEquals(List.of(), runner.state().timers());
    assertEquals(null, runner.stage("running-shoes"));
    assertEquals(runner.now(), runner.state().leftAt().get("running-shoes"));
    runner.after(Duration.ofDays(2));
    assertEquals(List.of(), runner.sent());
  }

  @Test
  void theWholeLifecycleEndsInAdvocacyAndCompletes() {
    Timeline runner = inDecision();
    runner.after(Duration.ofMinutes(5)).track("Order Completed", "web");
    runner.after(Duration.ofDays(3)).track("Order Completed", "app");
    runner.after(Duration.ofDays(15));
    assertEquals(
        List.of("consideration", "decision", "onboarding", "retention", "advocacy"),
        runner.stages("running-shoes"));
    assertEquals(
        List.of("email shoe-care-tips", "app loyalty-welcome", "email review-invitation"),
        runner.sent());
    assertEquals(
        null,
        runner.stage("running-shoes"),
        "a final stage with nothing pending completes the journey");
  }

  @Test
  void reEntryWaitsNinetyDaysAfterLeaving() {
    Timeline runner = inDecision();
    runner.after(Duration.ofMinutes(1)).track("Unsubscribed", "email");
    runner.after(Duration.ofDays(89)).track("Product Viewed", "web", RUNNING);
    assertEquals(null, runner.stage("running-shoes"));
    runner.after(Duration.ofDays(1)).track("Product Viewed", "web", RUNNING);
    assertEquals("awareness", runner.stage("running-shoes"));
  }

  /** Viewed twice, then added to the cart: in decision, with the reminder pending. */
  static Timeline inDecision() {
    Timeline runner = runner();
    runner.track("Product Viewed", "web", RUNNING);
    runner.after(Duration.ofMinutes(1)).track("Product Viewed", "web", RUNNING);
    runner.after(Duration.ofMinutes(1)).track("Product Added", "web");
    assertEquals("decision", runner.stage("running-shoes"));
    return runner;
  }
}
