package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import io.itinera.journeys.entry.IndexedCustomer;
import io.itinera.journeys.entry.RunSchedule;
import io.itinera.journeys.entry.SegmentMatch;
import io.itinera.journeys.load.Journeys;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.EntrySchedule;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Entry without a touchpoint: a run's segment over the indexed customer, the decider's own rules
 * when a run or the entries API asks it to enter someone, and the schedule's instants.
 */
class EntryRequestedTest {

  private static final Instant NOW = Instant.parse("2026-05-10T09:00:00Z");

  private static LoadedJourney load(String yaml) {
    LoadResult result = Journeys.LOADER.load("j.yaml", yaml);
    assertTrue(result.ok(), result.problems()::toString);
    return result.loaded();
  }

  private static final LoadedJourney WIN_BACK =
      load(
          """
          journey: lapsed
          entry:
            segment: "'Order Completed' in customer.counters && customer.lastSeen < now - duration('1440h')"
            schedule: {every: 1d, at: "09:00", zone: customer}
          stages:
            miss-you:
              enter:
                - {channel: email, type: send, template: we-miss-you}
              on:
                - event: Email Opened
                  when: "has(entry.data.coupon) && entry.data.coupon == 'C15'"
                  goto: opened
            opened:
              enter:
                - {channel: email, type: send, template: thanks}
          """);

  private static IndexedCustomer customer(String id, Instant lastSeen, Map<String, Object> traits) {
    return new IndexedCustomer(id, traits, Map.of("Order Completed", 1L), lastSeen, Map.of());
  }

  private static Touchpoint track(String event, String channel) {
    return TouchpointBuilder.track(event)
        .messageId("m1")
        .userId("someone")
        .channel(channel)
        .at(NOW)
        .build();
  }

  @Test
  void aRunMatchesBuyersSilentForSixtyDaysAtNineInTheirZone() {
    Instant silent = NOW.minus(Duration.ofDays(61));
    assertTrue(SegmentMatch.matches(WIN_BACK, customer("a", silent, Map.of()), NOW));
    assertEquals(
        false,
        SegmentMatch.matches(
            WIN_BACK, customer("b", NOW.minus(Duration.ofDays(59)), Map.of()), NOW),
        "seen 59 days ago");
    assertEquals(
        false,
        SegmentMatch.matches(
            WIN_BACK, customer("c", silent, Map.of("timezone", "America/Chicago")), NOW),
        "it is 04:00 in Chicago");
    assertTrue(
        SegmentMatch.matches(
            WIN_BACK,
            customer("c", silent, Map.of("timezone", "America/Chicago")),
            Instant.parse("2026-05-10T14:00:00Z")));
    assertEquals(
        false,
        SegmentMatch.matches(
            WIN_BACK, new IndexedCustomer("d", Map.of(), Map.of(), silent, Map.of()), NOW),
        "never bought");
    assertEquals(
        false,
        SegmentMatch.matches(
            WIN_BACK,
            new IndexedCustomer(
                "e", Map.of(), Map.of("Order Completed", 2L), silent, Map.of("lapsed", "m1")),
            NOW),
        "already in the journey, as the index knows");
    assertTrue(
        SegmentMatch.matches(
            WIN_BACK,
            new IndexedCustomer(
                "e", Map.of(), Map.of("Order Completed", 2L), silent, Map.of("lapsed", "run:1")),
            NOW,
            "run:1"),
        "entered by this very run before it was cut short: asked again, counted once");
  }

  @Test
  void anEntryRequestEntersOnceWithItsDataWhichConditionsRead() {
    JourneySet set = JourneySet.of(List.of(WIN_BACK));
    CustomerContext who = CustomerContext.of("someone");
    Decision entered =
        JourneyDecider.decide(
            CustomerJourneys.EMPTY,
            who,
            new Input.EntryRequested("lapsed", "run:1", Map.of("coupon", "C15")),
            set,
            NOW);
    JourneyEntered entry = (JourneyEntered) entered.events().get(0);
    assertEquals(Map.of("coupon", "C15"), entry.data());
    assertTrue(
        entered.events().stream()
            .anyMatch(
                e -> e instanceof JourneyEvent.ActionSuppressed || e instanceof ActionEmitted),
        "the stage's enter action is decided on entry: " + entered.events());
    CustomerJourneys in = entered.applyTo(CustomerJourneys.EMPTY);
    assertEquals(Map.of("coupon", "C15"), in.journeys().get("lapsed").entryData());

    Decision again =
        JourneyDecider.decide(
            in, who, new Input.EntryRequested("lapsed", "run:2", Map.of()), set, NOW);
    assertEquals(List.of(), again.events(), "already in: a second run enters no one twice");

    Decision opened =
        JourneyDecider.decide(
            in, who, new Input.TouchpointArrived(track("Email Opened", "email")), set, NOW);
    assertTrue(
        opened.events().stream()
            .anyMatch(e -> e instanceof JourneyEvent.StageEntered s && s.to().equals("opened")),
        "entry.data.coupon is read by the trigger's condition: " + opened.events());
  }

  @Test
  void aTouchpointNeverEntersASegmentJourney() {
    Decision decision =
        JourneyDecider.decide(
            CustomerJourneys.EMPTY,
            CustomerContext.of("someone"),
            new Input.TouchpointArrived(track("Order Completed", "web")),
            JourneySet.of(List.of(WIN_BACK)),
            NOW);
    assertEquals(List.of(), decision.events());
  }

  @Test
  void schedulesGiveTheirNextInstants() {
    Instant after = Instant.parse("2026-03-28T08:30:00Z");
    assertEquals(
        Instant.parse("2026-03-28T09:00:00Z"),
        RunSchedule.next(
                new EntrySchedule.Every(Duration.ofDays(1), LocalTime.of(9, 0), null), after)
            .orElseThrow());
    // Berlin moves to summer time on 2026-03-29: 09:00 there is 08:00Z that day.
    assertEquals(
        Instant.parse("2026-03-29T07:00:00Z"),
        RunSchedule.next(
                new EntrySchedule.Every(Duration.ofDays(1), LocalTime.of(9, 0), "Europe/Berlin"),
                after)
            .orElseThrow());
    assertEquals(
        Instant.parse("2026-03-28T09:00:00Z"),
        RunSchedule.next(
                new EntrySchedule.Every(Duration.ofDays(1), LocalTime.of(9, 0), "customer"), after)
            .orElseThrow(),
        "zone customer: hourly, at at's minute");
    assertEquals(
        Instant.parse("2026-03-30T09:00:00Z"),
        RunSchedule.next(new EntrySchedule.Cron("0 9 * * 1", null), after).orElseThrow(),
        "the next Monday at 09:00");
    assertEquals(
        Instant.parse("2026-03-28T12:00:00Z"),
        RunSchedule.next(new EntrySchedule.Every(Duration.ofHours(6), null, null), after)
            .orElseThrow());
    assertTrue(RunSchedule.next(new EntrySchedule.Once(), after).isEmpty());
  }
}
