package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.journeys.decision.JourneyEvent.ActionDeferred;
import io.itinera.journeys.load.LoadedJourney;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quiet hours hold actions until the window ends, in the zone the window is written for. */
class QuietHoursTest {

  static final String YAML =
      """
      journey: shipping
      entry: {event: Order Placed}
      quietHours:
        - {channels: [sms], from: "21:00", to: "08:00", zone: customer}
        - {channels: [push], from: "12:00", to: "14:00", zone: Europe/Paris}
      stages:
        waiting:
          on:
            - event: Order Shipped
              do:
                - {channel: sms, type: send, template: shipped-sms}
                - {channel: push, type: push, template: shipped-push}
                - {channel: web, type: show, template: shipped-banner}
      """;
  static final LoadedJourney SHIPPING = Timeline.load(YAML);

  static Timeline customer(Map<String, Object> traits) {
    Timeline customer = new Timeline("buyer-1", SHIPPING);
    customer.identify(traits);
    customer.track("Order Placed", "web");
    return customer;
  }

  static Map<String, Object> consentingIn(String zone) {
    return Map.of("timezone", zone, "consent", Map.of("sms", true, "push", true));
  }

  @Test
  void quietHoursDeferSmsToMorningInCustomerTimeZone() {
    Timeline tokyo = customer(consentingIn("Asia/Tokyo"));
    // 13:30 UTC is 22:30 in Tokyo.
    tokyo.at(Instant.parse("2026-11-23T13:30:00Z")).track("Order Shipped", "server");
    assertEquals(List.of("push shipped-push", "web shipped-banner"), tokyo.sent());
    ActionDeferred sms = tokyo.deferred().get(0);
    assertEquals(Instant.parse("2026-11-23T23:00:00Z"), sms.until(), "08:00 in Tokyo");
    assertEquals(
        "quiet hours 21:00-08:00 for sms in Asia/Tokyo; it goes at 08:00 there", sms.explanation());
    tokyo.at(Instant.parse("2026-11-23T23:00:00Z"));
    assertEquals(
        List.of("push shipped-push", "web shipped-banner", "sms shipped-sms"), tokyo.sent());
  }

  @Test
  void theSameMomentIsNotQuietWhereItIsDay() {
    Timeline newYork = customer(consentingIn("America/New_York"));
    newYork.at(Instant.parse("2026-11-23T13:30:00Z")).track("Order Shipped", "server");
    assertEquals(List.of(), newYork.deferred());
  }

  @Test
  void withoutATimezoneTraitQuietHoursAreInUtc() {
    Timeline unknown = customer(Map.of("consent", Map.of("sms", true)));
    unknown.at(Instant.parse("2026-11-23T07:59:00Z")).track("Order Shipped", "server");
    assertEquals(Instant.parse("2026-11-23T08:00:00Z"), unknown.deferred().get(0).until());
  }

  @Test
  void aWindowWithAZoneOfItsOwnIgnoresTheCustomersZone() {
    Timeline tokyo = customer(consentingIn("Asia/Tokyo"));
    // 11:30 UTC is 12:30 in Paris: inside the push window there, whatever the customer's zone.
    tokyo.at(Instant.parse("2026-11-23T11:30:00Z")).track("Order Shipped", "server");
    assertEquals(
        List.of("shipped-push"),
        tokyo.deferred().stream().map(d -> d.action().template()).toList());
    assertEquals(
        Instant.parse("2026-11-23T13:00:00Z"), tokyo.deferred().get(0).until(), "14:00 in Paris");
  }

  @Test
  void quietHoursEndAtLocalMorningAcrossADaylightSavingChange() {
    Timeline newYork = customer(consentingIn("America/New_York"));
    // 22:00 EST on 7 March 2026; clocks go forward that night, so 08:00 is EDT (UTC-4).
    newYork.at(Instant.parse("2026-03-08T03:00:00Z")).track("Order Shipped", "server");
    assertEquals(Instant.parse("2026-03-08T12:00:00Z"), newYork.deferred().get(0).until());
  }

  @Test
  void aDeferredActionIsCheckedAgainWhenItGoesOut() {
    Timeline tokyo = customer(consentingIn("Asia/Tokyo"));
    tokyo.at(Instant.parse("2026-11-23T13:30:00Z")).track("Order Shipped", "server");
    tokyo
        .at(Instant.parse("2026-11-23T20:00:00Z"))
        .track("Consent Updated", "web", Map.of("consent", Map.of("sms", false)));
    tokyo.at(Instant.parse("2026-11-24T00:00:00Z"));
    assertEquals(List.of("shipped-sms NO_CONSENT"), tokyo.suppressed());
  }
}
