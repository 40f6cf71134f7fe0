package io.itinera.journeys.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A segment entry's mistakes are reported at the line and column where they are. */
class EntryByRunsValidationTest {

  private static String journey(String entry) {
    return """
        journey: j
        entry:
        %s
        stages:
          miss-you:
            enter: [{channel: email, type: send, template: we-miss-you}]
        """
        .formatted(entry.indent(2).stripTrailing());
  }

  @Test
  void aDailySegmentInTheCustomersZoneLoads() {
    assertEquals(
        List.of(),
        Journeys.problems(
            journey(
                """
                segment: "customer.lastSeen < now - duration('1440h')"
                schedule: {every: 1d, at: "09:00", zone: customer}
                """)));
  }

  @Test
  void aCronAndABroadcastLoad() {
    assertEquals(
        List.of(),
        Journeys.problems(
            journey(
                """
                segment: "'Order Completed' in customer.counters"
                schedule: {cron: "0 9 * * 1", zone: Europe/Paris}
                """)));
    assertEquals(
        List.of(),
        Journeys.problems(
            journey(
                """
                segment: "has(customer.traits.plan) && customer.traits.plan == 'pro'"
                broadcast: true
                """)));
  }

  @Test
  void aSegmentWithoutASchedule() {
    assertEquals(
        List.of(
            "j.yaml:3:3: a segment needs a 'schedule' (e.g. schedule: {every: 1d, at: \"09:00\"})"
                + " or 'broadcast: true' for a single run"),
        Journeys.errors(journey("segment: \"customer.lastSeen < now\"")));
  }

  @Test
  void aSegmentBesideATouchpointEntry() {
    assertEquals(
        List.of(
            "j.yaml:3:3: 'event' enters on a touchpoint, 'segment' through runs over the customer"
                + " index; use one or the other"),
        Journeys.errors(
            journey(
                """
                event: Product Viewed
                segment: "customer.lastSeen < now"
                schedule: {every: 1d}
                """)));
  }

  @Test
  void aBadCronIsReportedAtIt() {
    List<String> errors =
        Journeys.errors(
            journey(
                """
                segment: "customer.lastSeen < now"
                schedule: {cron: "0 25 * * *"}
                """));
    assertEquals(1, errors.size(), errors::toString);
    assertEquals(
        true,
        errors.get(0).startsWith("j.yaml:4:20: '0 25 * * *' is not a cron"),
        errors::toString);
  }

  @Test
  void aScheduleMixingCronAndEveryAndAShortStep() {
    assertEquals(
        List.of(
            "j.yaml:4:25: a cron expression says the times itself; drop 'every' and 'at', or drop"
                + " 'cron'"),
        Journeys.errors(
            journey(
                """
                segment: "customer.lastSeen < now"
                schedule: {every: 1d, cron: "0 9 * * *"}
                """)));
    assertEquals(
        List.of(
            "j.yaml:4:21: runs every 5 minutes would overlap; a schedule runs at most every 15m"),
        Journeys.errors(
            journey(
                """
                segment: "customer.lastSeen < now"
                schedule: {every: 5m}
                """)));
  }

  @Test
  void aSegmentReadingTheTouchpointOrABroadcastWithASchedule() {
    assertEquals(
        List.of(
            "j.yaml:3:13: condition error: 'event.name' is not a variable; an entry segment can"
                + " use customer.traits, customer.counters, customer.lastSeen and now"),
        Journeys.errors(
            journey(
                """
                segment: "event.name == 'x'"
                schedule: {every: 1d}
                """)));
    assertEquals(
        List.of(
            "j.yaml:5:3: a broadcast is a single run and takes no 'schedule'; remove one of them"),
        Journeys.errors(
            journey(
                """
                segment: "customer.lastSeen < now"
                schedule: {every: 1d}
                broadcast: true
                """)));
  }
}
