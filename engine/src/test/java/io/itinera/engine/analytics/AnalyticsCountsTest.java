package io.itinera.engine.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerEvent.CustomerErased;
import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.ArmAssigned;
import io.itinera.journeys.decision.JourneyEvent.GoalReached;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import io.itinera.journeys.decision.JourneyEvent.JourneyExited;
import io.itinera.journeys.decision.JourneyEvent.StageEntered;
import io.itinera.journeys.decision.PlannedAction;
import io.itinera.journeys.decision.SuppressionReason;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a group of journal events adds to the analytics tables, without a database. */
class AnalyticsCountsTest {

  private static final Instant ENTRY = Instant.parse("2026-12-07T23:59:00Z");
  private static final LocalDate DAY = LocalDate.parse("2026-12-07");

  private final AnalyticsCounts counts = new AnalyticsCounts(Map.of(), Map.of());

  @Test
  void timeInStageBucketsAreLog2OfSeconds() {
    assertEquals(0, AnalyticsCounts.bucket(ENTRY, ENTRY.plusMillis(999)));
    assertEquals(1, AnalyticsCounts.bucket(ENTRY, ENTRY.plusSeconds(1)));
    assertEquals(2, AnalyticsCounts.bucket(ENTRY, ENTRY.plusSeconds(2)));
    assertEquals(2, AnalyticsCounts.bucket(ENTRY, ENTRY.plusSeconds(3)));
    assertEquals(3, AnalyticsCounts.bucket(ENTRY, ENTRY.plusSeconds(4)));
    assertEquals(11, AnalyticsCounts.bucket(ENTRY, ENTRY.plusSeconds(1_024)));
    assertEquals(0, AnalyticsCounts.bucket(ENTRY, ENTRY.minusSeconds(5)), "clock skew: under 1 s");
  }

  @Test
  void aCustomerIsCountedForAllAndUnderEachSegmentInTheirEntryDaysCohort() {
    decide(
        new JourneyEntered("shoes", 2, "browsing", false, "m1", ENTRY, List.of("runners", "vip")),
        // The next day: still the cohort of the entry day.
        new StageEntered("shoes", "browsing", "cart", "added", ENTRY.plusSeconds(300)));
    Map<String, Long> got = flat();
    for (String segment : List.of("", "runners", "vip")) {
      assertEquals(1L, got.get("JOURNEY[shoes, 2026-12-07, 2, treated]/" + segment + "/entered"));
      assertEquals(
          1L, got.get("STAGE[shoes, 2026-12-07, 2, treated, browsing]/" + segment + "/moved_on"));
      assertEquals(
          1L, got.get("STAGE[shoes, 2026-12-07, 2, treated, cart]/" + segment + "/entered"));
      assertEquals(
          1L,
          got.get(
              "TRANSITION[shoes, 2026-12-07, 2, treated, browsing, cart]/" + segment + "/moved"));
      assertEquals(
          1L,
          got.get(
              "STAGE_TIME[shoes, 2026-12-07, 2, treated, browsing, 9]/" + segment + "/customers"),
          "300 s is in [256, 512)");
    }
    CustomerJourney row = counts.changedJourneys().get(0);
    assertEquals("cart", row.stage());
    assertEquals(DAY, row.enteredDay());
  }

  @Test
  void anExitIsADropOffButCompletingTheFinalStageIsNot() {
    decide(
        new JourneyEntered("a", 1, "one", true, "m1", ENTRY, List.of()),
        new JourneyExited("a", 1, "exit on Unsubscribed", ENTRY.plusSeconds(1)));
    counts.add(
        "c-2",
        decision(
            new JourneyEntered("a", 1, "one", true, "m2", ENTRY, List.of()),
            new JourneyExited("a", 1, "completed", ENTRY)));
    Map<String, Long> got = flat();
    assertEquals(1L, got.get("STAGE[a, 2026-12-07, 1, holdout, one]//dropped"));
    assertEquals(2L, got.get("JOURNEY[a, 2026-12-07, 1, holdout]//exited"));
    assertEquals(1L, got.get("STAGE_TIME[a, 2026-12-07, 1, holdout, one, 0]//customers"));
    assertEquals(1L, got.get("STAGE_TIME[a, 2026-12-07, 1, holdout, one, 1]//customers"));
  }

  @Test
  void aGoalCountsForTheCohortTheStageAndEachSplitArmOnItsAssignmentDay() {
    decide(
        new JourneyEntered("a", 1, "one", false, "m1", ENTRY, List.of("vip")),
        new ArmAssigned("a", "subject", "b", "one", ENTRY.plusSeconds(120)),
        new GoalReached("a", "bought", "m2", ENTRY.plusSeconds(200)),
        new GoalReached("b", "bought", "m2", ENTRY.plusSeconds(200)));
    Map<String, Long> got = flat();
    assertEquals(1L, got.get("JOURNEY[a, 2026-12-07, 1, treated]//goal_reached"));
    assertEquals(1L, got.get("STAGE[a, 2026-12-07, 1, treated, one]/vip/goal_reached"));
    assertEquals(1L, got.get("SPLIT[a, subject, 2026-12-08, 1, b]//assigned"), "the next day");
    assertEquals(1L, got.get("SPLIT[a, subject, 2026-12-08, 1, b]/vip/goal_reached"));
    assertTrue(got.keySet().stream().noneMatch(k -> k.contains("[b,")), "not in journey b: " + got);
  }

  @Test
  void actionsCountByOutcomeAndAClickCountsOnceUnderTheAction() {
    PlannedAction mail = action("a-1");
    decide(
        new JourneyEntered("a", 1, "one", false, "m1", ENTRY, List.of()),
        new ActionEmitted(mail, ENTRY),
        new ActionSuppressed(action("a-2"), SuppressionReason.CHANNEL_CAP, "cap", ENTRY));
    counts.add("c-1", click("a-1"));
    counts.add("c-1", click("a-1"));
    counts.add("c-1", click("unknown"));
    Map<String, Long> got = flat();
    String key = "ACTION[a, 2026-12-07, 1, treated, one, email, cart-nudge, ";
    assertEquals(1L, got.get(key + "decided]//actions"));
    assertEquals(1L, got.get(key + "suppressed:channel_cap]//actions"));
    assertEquals(1L, got.get(key + "engaged]//actions"), "twice clicked, once engaged");
    assertTrue(counts.newActions().get(0).engaged(), "stored as engaged");
  }

  @Test
  void anErasureForgetsTheCustomersRowsButNotWhatWasCounted() {
    decide(
        new JourneyEntered("a", 1, "one", false, "m1", ENTRY, List.of()),
        new ActionEmitted(action("a-1"), ENTRY));
    counts.add("c-1", new CustomerErased(3, 0, ENTRY.plusSeconds(5)));
    assertEquals(List.of(), counts.changedJourneys());
    assertEquals(List.of(), counts.newActions());
    assertEquals(List.of("c-1"), List.copyOf(counts.erasedCustomers()));
    assertEquals(1L, flat().get("JOURNEY[a, 2026-12-07, 1, treated]//entered"));
    // Afresh after the erasure: a new entry is a new row.
    decide(new JourneyEntered("a", 1, "one", false, "m9", ENTRY.plusSeconds(9), List.of()));
    assertEquals(1, counts.changedJourneys().size());
  }

  @Test
  void aMergedVisitorsJourneyGoesOnCountingUnderTheKnownCustomerInTheVisitorsCohort() {
    JourneyEntered entered =
        new JourneyEntered("shoes", 2, "browsing", false, "m1", ENTRY, List.of("runners"));
    counts.add("visitor", decision(entered));
    counts.add(
        "c-1",
        new CustomerEvent.ProfileAbsorbed(
            "visitor",
            Map.of(),
            Map.of(),
            Map.of(),
            io.itinera.journeys.decision.CustomerJourneys.EMPTY.applyAll(List.of(entered)),
            null,
            ENTRY.plusSeconds(60)));
    decide(new GoalReached("shoes", "bought", "m2", ENTRY.plusSeconds(120)));
    Map<String, Long> got = flat();
    for (String segment : List.of("", "runners")) {
      assertEquals(1L, got.get("JOURNEY[shoes, 2026-12-07, 2, treated]/" + segment + "/entered"));
      assertEquals(
          1L,
          got.get("JOURNEY[shoes, 2026-12-07, 2, treated]/" + segment + "/goal_reached"),
          "the goal the known customer reached counts in the visitor's entry cohort");
    }
    assertTrue(
        counts.changedJourneys().stream()
            .anyMatch(row -> row.customerId().equals("c-1") && row.journey().equals("shoes")),
        "the known customer has the visitor's row now");
  }

  private void decide(JourneyEvent... events) {
    counts.add("c-1", decision(events));
  }

  private static CustomerEvent decision(JourneyEvent... events) {
    return new JourneysDecided("cause", List.of(events), null);
  }

  private static TouchpointRecorded click(String actionId) {
    return new TouchpointRecorded(
        TouchpointBuilder.track("Email Link Clicked")
            .messageId("k-" + actionId + Math.random())
            .userId("c-1")
            .properties(Map.of("actionId", actionId))
            .at(ENTRY)
            .build());
  }

  private static PlannedAction action(String id) {
    return new PlannedAction(
        id, "a", 1, "one", "enter", "nudge", "email", "send", "cart-nudge", null, Map.of());
  }

  /** The counts as "TABLE[key]/segment/column". */
  private Map<String, Long> flat() {
    return counts.counts().entrySet().stream()
        .collect(
            Collectors.toMap(
                e ->
                    e.getKey().table()
                        + e.getKey().key().toString()
                        + "/"
                        + e.getKey().segment()
                        + "/"
                        + e.getKey().column(),
                Map.Entry::getValue));
  }
}
