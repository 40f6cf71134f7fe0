package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.TimerScheduled;
import io.itinera.journeys.decision.WaitResolution.Due;
import io.itinera.journeys.decision.WaitResolution.Skipped;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Wait;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Waits for a time of day in the customer's zone, across daylight-saving changes, and waits
 * relative to a date trait, resolved with fixed clocks.
 */
class WaitResolutionTest {

  private static Action until(String at, String zone, Duration after) {
    return new Action(
        null,
        "email",
        "send",
        "tips",
        null,
        Map.of(),
        after,
        null,
        new Wait.UntilTimeOfDay(LocalTime.parse(at), zone),
        null,
        Map.of());
  }

  private static Action relative(String trait, Duration offset) {
    return new Action(
        null,
        "email",
        "send",
        "trial-ending",
        null,
        Map.of(),
        Duration.ZERO,
        null,
        new Wait.RelativeToTrait(trait, offset),
        null,
        Map.of());
  }

  private static Instant due(Action action, Map<String, Object> traits, String now) {
    return ((Due) WaitResolution.resolve(action, traits, "UTC", Instant.parse(now))).at();
  }

  @Test
  void tenInBerlinIsNineUtcInWinterAndEightInSummer() {
    Map<String, Object> berlin = Map.of("timezone", "Europe/Berlin");
    Action ten = until("10:00", "customer", Duration.ZERO);
    // Europe moves its clocks forward on Sunday 29 March 2026, at 01:00 UTC.
    assertEquals(Instant.parse("2026-03-28T09:00:00Z"), due(ten, berlin, "2026-03-28T07:00:00Z"));
    assertEquals(Instant.parse("2026-03-29T08:00:00Z"), due(ten, berlin, "2026-03-28T09:30:00Z"));
    assertEquals(Instant.parse("2026-03-30T08:00:00Z"), due(ten, berlin, "2026-03-29T08:00:00Z"));
    // and back on Sunday 25 October 2026.
    assertEquals(Instant.parse("2026-10-25T09:00:00Z"), due(ten, berlin, "2026-10-24T09:00:00Z"));
  }

  @Test
  void tenInLosAngelesFollowsAmericasOwnChangeDate() {
    Map<String, Object> la = Map.of("timezone", "America/Los_Angeles");
    Action ten = until("10:00", "customer", Duration.ZERO);
    // The United States move forward on Sunday 8 March 2026, three weeks before Europe.
    assertEquals(Instant.parse("2026-03-07T18:00:00Z"), due(ten, la, "2026-03-07T12:00:00Z"));
    assertEquals(Instant.parse("2026-03-08T17:00:00Z"), due(ten, la, "2026-03-07T18:00:00Z"));
    // and back on Sunday 1 November 2026.
    assertEquals(Instant.parse("2026-11-01T18:00:00Z"), due(ten, la, "2026-10-31T17:30:00Z"));
  }

  @Test
  void aTimeTheClockSkipsIsTakenAfterTheGap() {
    Action halfPastTwo = until("02:30", "Europe/Berlin", Duration.ZERO);
    // 02:30 does not exist in Berlin on 29 March 2026: 03:30 CEST, 01:30 UTC.
    assertEquals(
        Instant.parse("2026-03-29T01:30:00Z"), due(halfPastTwo, Map.of(), "2026-03-28T12:00:00Z"));
  }

  @Test
  void theFixedDelayComesFirst() {
    Action afterADay = until("10:00", "UTC", Duration.ofDays(1));
    assertEquals(
        Instant.parse("2026-03-03T10:00:00Z"), due(afterADay, Map.of(), "2026-03-01T11:00:00Z"));
  }

  @Test
  void anInvalidOrMissingZoneFallsBackToTheJourneysZoneAndSaysSo() {
    Action ten = until("10:00", "customer", Duration.ZERO);
    Due due =
        (Due)
            WaitResolution.resolve(
                ten,
                Map.of("timezone", "Mars/Olympus"),
                "Asia/Tokyo",
                Instant.parse("2026-03-01T00:00:00Z"));
    assertEquals(Instant.parse("2026-03-01T01:00:00Z"), due.at());
    assertTrue(due.explanation().contains("'Mars/Olympus' is not a zone"), due.explanation());
    Due none =
        (Due)
            WaitResolution.resolve(
                ten, Map.of(), "Asia/Tokyo", Instant.parse("2026-03-01T00:00:00Z"));
    assertEquals(Instant.parse("2026-03-01T01:00:00Z"), none.at());
  }

  @Test
  void threeDaysBeforeADateTrait() {
    Action reminder = relative("trial_ends", Duration.ofDays(-3));
    assertEquals(
        Instant.parse("2026-03-11T09:00:00Z"),
        due(reminder, Map.of("trial_ends", "2026-03-14T09:00:00Z"), "2026-03-01T00:00:00Z"));
    // A date alone is the start of that day in the customer's zone.
    assertEquals(
        Instant.parse("2026-03-10T23:00:00Z"),
        due(
            reminder,
            Map.of("trial_ends", "2026-03-14", "timezone", "Europe/Berlin"),
            "2026-03-01T00:00:00Z"));
  }

  @Test
  void aMissingOrPastDateSkipsTheAction() {
    Action reminder = relative("trial_ends", Duration.ofDays(-3));
    Instant now = Instant.parse("2026-03-13T00:00:00Z");
    Skipped missing = (Skipped) WaitResolution.resolve(reminder, Map.of(), "UTC", now);
    assertEquals(SuppressionReason.DATE_MISSING, missing.reason());
    Skipped past =
        (Skipped)
            WaitResolution.resolve(
                reminder, Map.of("trial_ends", "2026-03-14T09:00:00Z"), "UTC", now);
    assertEquals(SuppressionReason.DATE_PASSED, past.reason());
    assertInstanceOf(
        Skipped.class,
        WaitResolution.resolve(reminder, Map.of("trial_ends", "next week"), "UTC", now));
  }

  @Test
  void theDeciderArmsATimerAtTheResolvedInstantAndSendsThen() {
    LoadedJourney journey =
        Timeline.load(
            """
            journey: trial
            zone: Europe/Berlin
            entry: {event: Trial Started}
            stages:
              trial:
                enter:
                  - {channel: email, type: send, template: morning, delay: {until: "10:00", zone: customer}}
                  - {channel: email, type: send, template: ending, delay: {before: 3d, trait: trial_ends}}
                on:
                  - {event: Subscribed}
            """);
    Timeline customer = consenting("t-1", journey);
    customer.identify(Map.of("trial_ends", "2026-12-01T12:00:00Z"));
    customer.track("Trial Started", "web");
    List<TimerScheduled> timers = customer.events(TimerScheduled.class);
    // Monday 23 November 2026, 14:00 UTC: the next 10:00 in Berlin is 09:00 UTC on Tuesday.
    assertEquals(Instant.parse("2026-11-24T09:00:00Z"), timers.get(0).timer().due());
    assertTrue(timers.get(0).explanation().contains("Europe/Berlin, the journey's zone"));
    assertEquals(Instant.parse("2026-11-28T12:00:00Z"), timers.get(1).timer().due());
    customer.after(Duration.ofDays(1));
    assertEquals(List.of("email morning"), customer.sent());
    customer.after(Duration.ofDays(4));
    assertEquals(List.of("email morning", "email ending"), customer.sent());

    Timeline lapsed = consenting("t-2", journey);
    lapsed.track("Trial Started", "web");
    ActionSuppressed skipped = lapsed.events(ActionSuppressed.class).get(0);
    assertEquals(SuppressionReason.DATE_MISSING, skipped.reason());
  }

  /** A customer who opted in to e-mail, so only the journey decides what they get. */
  private static Timeline consenting(String id, LoadedJourney journey) {
    Timeline customer = new Timeline(id, journey);
    customer.identify(Map.of("consent", Map.of("email", true)));
    return customer;
  }
}
