package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.ConsentChanged;
import io.itinera.journeys.load.LoadedJourney;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nothing goes to a channel without consent; a change applies at once, to pending actions too. */
class ConsentTest {

  static final LoadedJourney WELCOME =
      Timeline.load(
          """
      journey: welcome
      entry: {event: Signed Up}
      stages:
        new:
          enter:
            - {channel: email, type: send, template: hello}
            - {channel: web, type: show, template: tour}
            - {channel: email, type: send, template: tips, delay: 2d}
      """);

  static Timeline signedUp(Map<String, Object> consent) {
    Timeline customer = new Timeline("ann", WELCOME);
    customer.identify(Map.of("consent", consent));
    customer.track("Signed Up", "web");
    return customer;
  }

  @Test
  void messagingChannelsNeedAnOptIn() {
    Timeline customer = signedUp(Map.of());
    assertEquals(List.of("web tour"), customer.sent());
    ActionSuppressed hello = customer.events(ActionSuppressed.class).get(0);
    assertEquals(SuppressionReason.NO_CONSENT, hello.reason());
    assertEquals(
        "email needs the customer's opt-in, which they have not given", hello.explanation());
  }

  @Test
  void channelsInUseNeedNoOptInButRespectAnOptOut() {
    Timeline customer = signedUp(Map.of("email", true, "web", false));
    assertEquals(List.of("email hello"), customer.sent());
    assertEquals(List.of("tour NO_CONSENT"), customer.suppressed());
    assertEquals(
        "the customer opted out of web",
        customer.events(ActionSuppressed.class).get(0).explanation());
  }

  @Test
  void optOutAppliesToDelayedActionsAlreadyPending() {
    Timeline customer = signedUp(Map.of("email", true));
    customer.after(Duration.ofDays(1)).identify(Map.of("consent", Map.of("email", false)));
    customer.after(Duration.ofDays(1));
    assertEquals(List.of("email hello", "web tour"), customer.sent());
    assertEquals(List.of("tips NO_CONSENT"), customer.suppressed());
  }

  @Test
  void optingInAgainBeforeADelayedActionIsDueLetsItGo() {
    Timeline customer = signedUp(Map.of("email", true));
    customer
        .after(Duration.ofHours(1))
        .track("Consent Updated", "web", Map.of("consent", Map.of("email", false)));
    customer
        .after(Duration.ofHours(1))
        .track("Consent Updated", "web", Map.of("consent", Map.of("email", true)));
    customer.after(Duration.ofDays(2));
    assertEquals(List.of("email hello", "web tour", "email tips"), customer.sent());
  }

  @Test
  void consentIsRecordedOnlyWhenItChanges() {
    Timeline customer = signedUp(Map.of("email", true, "sms", false));
    customer.identify(Map.of("consent", Map.of("email", true, "sms", true)));
    customer.identify(Map.of("plan", "pro"));
    assertEquals(
        List.of("email true", "sms false", "sms true"),
        customer.events(ConsentChanged.class).stream()
            .map(e -> e.channel() + " " + e.granted())
            .toList());
    assertEquals(Map.of("email", true, "sms", true), customer.state().consent());
  }

  @Test
  void consentOfOtherTouchpointsIsNotConsent() {
    Timeline customer = signedUp(Map.of());
    customer.track("Order Completed", "web", Map.of("consent", Map.of("email", true)));
    assertEquals(Map.of(), customer.state().consent());
  }
}
