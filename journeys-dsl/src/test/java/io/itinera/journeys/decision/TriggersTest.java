package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.GoalReached;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import io.itinera.journeys.decision.JourneyEvent.JourneyExited;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Entry, stages, the three kinds of trigger, delays, goal, exits, completion and re-entry. */
class TriggersTest {

  static final String TRIAL_YAML =
      """
      journey: trial
      version: 1
      entry: {event: Trial Started, when: "event.properties.plan == 'business'"}
      goal: {name: subscribed, event: Subscription Started, within: 14d}
      exit:
        - event: Account Deleted
      stages:
        signup:
          enter: [{channel: web, type: show, template: welcome}]
          on:
            - event: Signed In
              goto: active
            - absence: {event: Signed In, within: 2d}
              do: [{channel: web, type: show, template: nudge}]
        active:
          on:
            - name: big report
              event: Report Created
              when: "event.properties.pages > 10"
              do: [{channel: web, type: show, template: big-report}]
            - event: Report Created
              do: [{channel: web, type: show, template: report}]
            - event: Subscription Started
              goto: customer
        customer:
          enter: [{channel: web, type: show, template: thanks, delay: 1h}]
      """;
  static final LoadedJourney TRIAL = Timeline.load(TRIAL_YAML);
  static final Map<String, Object> BUSINESS = Map.of("plan", "business");

  static Timeline started() {
    Timeline customer = new Timeline("acme-1", TRIAL);
    customer.track("Trial Started", "web", BUSINESS);
    return customer;
  }

  static Timeline active() {
    Timeline customer = started();
    customer.after(Duration.ofHours(1)).track("Signed In", "app");
    return customer;
  }

  @Test
  void entryNeedsItsConditionToHold() {
    Timeline customer = new Timeline("acme-1", TRIAL);
    customer.track("Trial Started", "web", Map.of("plan", "starter"));
    assertEquals(null, customer.stage("trial"));
    customer.track("Trial Started", "web", BUSINESS);
    assertEquals("signup", customer.stage("trial"));
    JourneyEntered entered = customer.events(JourneyEntered.class).get(0);
    assertEquals(1, entered.version());
    assertEquals("acme-1-m2", entered.cause());
  }

  @Test
  void enterActionsGoOutWhenTheStageIsEntered() {
    assertEquals(List.of("web welcome"), started().sent());
  }

  @Test
  void touchpointTriggerWithAConditionFiresOnlyWhenItHolds() {
    Timeline customer = active();
    customer.track("Report Created", "app", Map.of("pages", 20L));
    customer.track("Report Created", "app", Map.of("pages", 3L));
    customer.track("Report Created", "app", Map.of());
    assertEquals(
        List.of("web welcome", "web big-report", "web report", "web report"), customer.sent());
  }

  @Test
  void absenceTimerFiresOnceAndNotAfterCancellation() {
    Timeline quiet = started();
    PendingTimer nudge = quiet.state().timers().get(0);
    assertEquals(PendingTimer.Kind.ABSENCE, nudge.kind());
    assertEquals(quiet.now().plus(Duration.ofDays(2)), nudge.due());
    quiet.after(Duration.ofDays(2));
    assertEquals(List.of("web welcome", "web nudge"), quiet.sent());
    assertTrue(
        quiet.timerDue(nudge.id()).events().isEmpty(), "a timer that fired never fires again");

    Timeline signedIn = started();
    signedIn.after(Duration.ofDays(1)).track("Signed In", "web");
    assertEquals(
        List.of("Signed In arrived"),
        signedIn.events(TimerCancelled.class).stream().map(TimerCancelled::reason).toList());
    signedIn.after(Duration.ofDays(2));
    assertTrue(signedIn.timerDue(nudge.id()).events().isEmpty(), "a cancelled timer never fires");
    assertEquals(List.of("web welcome"), signedIn.sent());
  }

  @Test
  void aTimerAskedAboutBeforeItIsDueWaits() {
    Timeline customer = started();
    PendingTimer nudge = customer.state().timers().get(0);
    customer.after(Duration.ofDays(1));
    assertTrue(customer.timerDue(nudge.id()).events().isEmpty());
    assertEquals(List.of(nudge), customer.state().timers());
  }

  @Test
  void otherTouchpointsDoNotStopTheAbsenceTimer() {
    Timeline customer = started();
    customer.after(Duration.ofHours(5)).track("Report Created", "app");
    customer.after(Duration.ofDays(2));
    assertEquals(List.of("web welcome", "web nudge"), customer.sent());
  }

  @Test
  void delayedActionGoesOutAfterItsDelayAndTheJourneyThenCompletes() {
    Timeline customer = active();
    customer.after(Duration.ofDays(1)).track("Subscription Started", "web");
    assertEquals("customer", customer.stage("trial"));
    assertEquals(PendingTimer.Kind.DELAYED_ACTION, customer.state().timers().get(0).kind());
    customer.after(Duration.ofMinutes(59));
    assertEquals(List.of("web welcome"), customer.sent());
    customer.after(Duration.ofMinutes(1));
    assertEquals(List.of("web welcome", "web thanks"), customer.sent());
    assertEquals(null, customer.stage("trial"));
    assertEquals(
        List.of("completed"),
        customer.events(JourneyExited.class).stream().map(JourneyExited::reason).toList());
  }

  @Test
  void exitCancelsPendingTimersAndDelayedActionsAtOnce() {
    Timeline customer = active();
    customer.after(Duration.ofDays(1)).track("Subscription Started", "web");
    customer.after(Duration.ofMinutes(10)).track("Account Deleted", "support");
    assertEquals(List.of(), customer.state().timers());
    assertEquals(
        List.of("exit on Account Deleted"),
        customer.events(JourneyExited.class).stream().map(JourneyExited::reason).toList());
    customer.after(Duration.ofDays(1));
    assertEquals(List.of("web welcome"), customer.sent());
  }

  @Test
  void goalIsRecordedOnceAndOnlyWithinItsWindow() {
    Timeline onTime = active();
    onTime.after(Duration.ofDays(13)).track("Subscription Started", "web");
    onTime.after(Duration.ofMinutes(1)).track("Subscription Started", "web");
    assertEquals(1, onTime.events(GoalReached.class).size());

    Timeline late = active();
    late.after(Duration.ofDays(15)).track("Subscription Started", "web");
    assertEquals(List.of(), late.events(GoalReached.class));
    assertEquals("customer", late.stage("trial"), "a late conversion still moves the customer on");
  }

  @Test
  void reachingTheGoalCancelsWhatWasPending() {
    Timeline customer = started();
    customer.after(Duration.ofHours(2)).track("Subscription Started", "web");
    assertEquals(
        List.of("goal subscribed reached"),
        customer.events(TimerCancelled.class).stream().map(TimerCancelled::reason).toList());
    customer.after(Duration.ofDays(3));
    assertEquals(List.of("web welcome"), customer.sent());
  }

  @Test
  void withoutReEntryACustomerWhoLeftNeverComesBack() {
    Timeline customer = started();
    customer.track("Account Deleted", "support");
    customer.after(Duration.ofDays(400)).track("Trial Started", "web", BUSINESS);
    assertEquals(null, customer.stage("trial"));
  }

  @Test
  void reEntryAlwaysLetsTheCustomerStraightBackIn() {
    LoadedJourney again =
        Timeline.load(TRIAL_YAML.replace("version: 1", "version: 1\nreEntry: always"));
    Timeline customer = new Timeline("acme-1", again);
    customer.track("Trial Started", "web", BUSINESS);
    customer.track("Account Deleted", "support");
    customer.after(Duration.ofMinutes(1)).track("Trial Started", "web", BUSINESS);
    assertEquals("signup", customer.stage("trial"));
    assertEquals(2, customer.events(JourneyEntered.class).size());
  }

  @Test
  void customersStayOnTheVersionTheyEnteredUntilTheyLeave() {
    LoadedJourney v2 =
        Timeline.load(
            TRIAL_YAML
                .replace("version: 1", "version: 2")
                .replace("template: report", "template: report-v2"));
    Timeline inFlight = active();
    Decision onV1 =
        JourneyDecider.decide(
            inFlight.state(),
            inFlight.customer(),
            new Input.TouchpointArrived(touchpoint("Report Created")),
            List.of(TRIAL, v2),
            inFlight.now());
    assertEquals(List.of("report"), onV1.actions().stream().map(PlannedAction::template).toList());
    assertEquals(1, onV1.actions().get(0).version());

    Timeline newcomer = new Timeline("acme-2", TRIAL, v2);
    newcomer.track("Trial Started", "web", BUSINESS);
    newcomer.track("Signed In", "web");
    newcomer.track("Report Created", "web");
    assertEquals(2, newcomer.state().journeys().get("trial").version());
    assertEquals(List.of("web welcome", "web report-v2"), newcomer.sent());
  }

  @Test
  void aVersionNoLongerDeployedHandsItsCustomersToTheLatestOrLetsThemLeave() {
    Timeline customer = active();
    LoadedJourney renamed =
        Timeline.load(TRIAL_YAML.replace("version: 1", "version: 2").replace("active", "using"));
    CustomerJourneys onV1 = customer.state();
    Decision decision =
        JourneyDecider.decide(
            onV1,
            customer.customer(),
            new Input.TouchpointArrived(touchpoint("Report Created")),
            List.of(renamed),
            customer.now());
    assertEquals(
        List.of("stage active is not in version 2"),
        decision.events().stream()
            .filter(JourneyExited.class::isInstance)
            .map(e -> ((JourneyExited) e).reason())
            .toList());
  }

  @Test
  void severalJourneysRunSideBySide() {
    LoadedJourney survey =
        Timeline.load(
            """
        journey: survey
        entry: {event: Trial Started}
        stages:
          ask:
            enter: [{channel: app, type: show, template: survey}]
        """);
    Timeline customer = new Timeline("acme-1", TRIAL, survey);
    customer.track("Trial Started", "web", BUSINESS);
    assertEquals("signup", customer.stage("trial"));
    assertEquals(
        List.of("app survey", "web welcome"),
        customer.sent(),
        "equal priorities are served by name");
    assertEquals(
        null,
        customer.stage("survey"),
        "survey completed at once: a final stage with nothing pending");
  }

  @Test
  void anEntryOnTraitsAloneEntersOnTheFirstTouchpointAfterWhichItHolds() {
    Timeline lapsed =
        new Timeline(
            "lee",
            io.itinera.journeys.load.Journeys.LOADER
                .load(
                    "lapsed.yaml",
                    """
                    journey: win-back
                    entry:
                      when: "has(customer.traits.segment) && customer.traits.segment == 'lapsed' && customer.counters['Order Completed'] >= 1"
                    stages:
                      miss-you:
                        enter: [{channel: email, type: send, template: we-miss-you}]
                        on: [{event: Order Completed, goto: won-back}]
                      won-back: {}
                    """)
                .loaded());
    lapsed.identify(Map.of("segment", "lapsed", "consent", Map.of("email", true)));
    assertEquals(
        null,
        lapsed.stage("win-back"),
        "no order yet: customer.counters['Order Completed'] is missing");
    lapsed.after(Duration.ofDays(1)).track("Order Completed", "web");
    assertEquals(
        "miss-you", lapsed.stage("win-back"), "the order is counted before the entry is checked");
    assertEquals(List.of("email we-miss-you"), lapsed.sent());
  }

  @Test
  void decidingTheSameTouchpointAgainGivesTheSameIds() {
    Timeline customer = active();
    Input report = new Input.TouchpointArrived(touchpoint("Report Created"));
    Decision first =
        JourneyDecider.decide(
            customer.state(), customer.customer(), report, List.of(TRIAL), customer.now());
    Decision again =
        JourneyDecider.decide(
            customer.state(), customer.customer(), report, List.of(TRIAL), customer.now());
    assertEquals(first, again);
    Decision otherCustomer =
        JourneyDecider.decide(
            customer.state(), CustomerContext.of("acme-2"), report, List.of(TRIAL), customer.now());
    assertNotEquals(first.actions().get(0).id(), otherCustomer.actions().get(0).id());
  }

  static Touchpoint touchpoint(String event) {
    return TouchpointBuilder.track(event)
        .messageId("redelivered-1")
        .userId("acme-1")
        .channel("app")
        .at(Timeline.MONDAY)
        .build();
  }
}
