package io.itinera.engine.entry;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestClock;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Segment entry end to end on PostgreSQL, with the sample win-back journey (buyers not seen for 60
 * days, entered at 09:00 in their zone): the customer index fills from the journal, a run at the
 * schedule's instant enters the silent customer without them sending anything, the next run enters
 * nobody twice, a run stopped with its node half-way is finished by the next node without entering
 * anyone twice, and an erasure takes the customer out of the index.
 */
class EntryRunsTest {

  /** 09:10 UTC: the hourly runs of zone: customer enter UTC customers at 09:00. */
  private static final Instant START = Instant.parse("2026-03-10T09:10:00Z");

  private static String winBack() throws Exception {
    return Files.readString(Path.of("..", "journeys", "win-back.journey.yaml"));
  }

  private static ItineraNode node(
      TestDatabase database, TestClock clock, Map<String, Object> more) {
    Map<String, Object> settings = new java.util.HashMap<>(more);
    settings.put("itinera.db.url", database.url());
    settings.put("itinera.entry-runs.tick", "200ms");
    return TestNode.start(settings, clock);
  }

  @Test
  void aSilentCustomerEntersOnTheScheduledRunAndTheNextRunEntersNobodyTwice() throws Exception {
    TestClock clock = new TestClock(START);
    try (TestDatabase database = TestDatabase.createFresh("entry_runs")) {
      ItineraNode node = node(database, clock, Map.of());
      try {
        ApiClient api = new ApiClient(node.httpPort());
        assertEquals(201, api.deployJourney("win-back", winBack()).status());
        api.post("/v1/identify", "{\"userId\":\"lee\",\"traits\":{\"consent\":{\"email\":true}}}");
        api.post("/v1/track", "{\"userId\":\"lee\",\"event\":\"Order Completed\"}");
        await(
            "lee is in the customer index",
            () ->
                database.queryLong(
                        "SELECT count(*) FROM customer_index WHERE customer_id = 'lee'"
                            + " AND counters->>'Order Completed' = '1'")
                    == 1);
        // The scheduler has seen the journey: its runs count from now.
        Thread.sleep(1_000);
        assertEquals(0, runs(api).size(), "no run before the schedule's first instant passes");

        // zone: customer runs hourly; the latest instant passed is the one run (09:00 on day 60,
        // when lee has been silent a few minutes short of 60 days).
        clock.advance(Duration.ofDays(60));
        await("the run of day 60 finished", () -> finishedRuns(api) == 1);
        assertEquals(0, runs(api).get(0).get("matched").asLong(), runs(api).toString());
        api.post("/v1/track", "{\"userId\":\"mae\",\"event\":\"Order Completed\"}");
        await(
            "mae is in the index",
            () ->
                database.queryLong("SELECT count(*) FROM customer_index WHERE customer_id = 'mae'")
                    == 1);
        clock.advance(Duration.ofDays(1));
        await("the run of day 61 finished", () -> finishedRuns(api) == 2);
        JsonNode run = runs(api).get(0);
        assertEquals("2026-05-10T09:00:00Z", run.get("scheduledAt").asText(), run.toString());
        assertEquals(2, run.get("evaluated").asLong(), run.toString());
        assertEquals(1, run.get("matched").asLong(), "lee is silent, mae was seen yesterday");
        assertEquals(1, run.get("entered").asLong(), run.toString());
        assertEquals(1, entries(api, "lee"), "lee entered without sending anything");
        assertEquals(0, entries(api, "mae"));

        clock.advance(Duration.ofDays(1));
        await("the next day's run finished", () -> finishedRuns(api) == 3);
        JsonNode second = runs(api).get(0);
        assertEquals(0, second.get("entered").asLong(), second.toString());
        assertEquals(1, entries(api, "lee"), "nobody is entered twice");

        assertEquals(
            200,
            api.send(
                    "DELETE",
                    "/v1/customers/lee",
                    null,
                    null,
                    basic(ADMIN_KEY),
                    ApiClient.Check.REQUEST_AND_RESPONSE)
                .status());
        await(
            "the erasure took lee out of the index",
            () ->
                database.queryLong("SELECT count(*) FROM customer_index WHERE customer_id = 'lee'")
                    == 0);
      } finally {
        TestNode.stop(node);
      }
    }
  }

  @Test
  void aNodeRestartedBeforeTheFirstRunStillMakesTheRunWhoseTimePassed() throws Exception {
    TestClock clock = new TestClock(START);
    try (TestDatabase database = TestDatabase.createFresh("entry_runs_first")) {
      ItineraNode first = node(database, clock, Map.of());
      try {
        ApiClient api = new ApiClient(first.httpPort());
        assertEquals(201, api.deployJourney("win-back", winBack()).status());
        // The registry stamps deployments with the wall clock; this test's world runs on START.
        database.update(
            "UPDATE journey_versions SET deployed_at = TIMESTAMPTZ '2026-03-10 09:10:00+00'");
        Thread.sleep(1_000);
        assertEquals(0, runs(api).size(), "no run before the schedule's first instant passes");
      } finally {
        TestNode.stop(first);
      }
      // Down over the next instant (10:00, zone: customer runs hourly), up again after it: the
      // base of the first run is the deployment, not when the new node first sees the journey.
      clock.advance(Duration.ofHours(1));
      ItineraNode second = node(database, clock, Map.of());
      try {
        ApiClient api = new ApiClient(second.httpPort());
        await("the run whose time passed while down", () -> finishedRuns(api) == 1);
        assertEquals(
            "2026-03-10T10:00:00Z",
            runs(api).get(0).get("scheduledAt").asText(),
            runs(api).toString());
      } finally {
        TestNode.stop(second);
      }
    }
  }

  @Test
  void aRunStoppedHalfWayIsFinishedByTheNextNodeWithoutEnteringAnyoneTwice() throws Exception {
    TestClock clock = new TestClock(START);
    int customers = 200;
    Map<String, Object> slow =
        Map.of("itinera.entry-runs.page-size", 10, "itinera.entry-runs.rate", 40);
    try (TestDatabase database = TestDatabase.createFresh("entry_resume")) {
      ItineraNode first = node(database, clock, slow);
      try {
        ApiClient api = new ApiClient(first.httpPort());
        assertEquals(201, api.deployJourney("win-back", winBack()).status());
        // Buyers silent since long before, straight into the index (their entities are new).
        database.update(
            "INSERT INTO customer_index (customer_id, traits, counters, last_seen, journeys,"
                + " updated_at) SELECT 'buyer-' || lpad(i::text, 4, '0'), '{}',"
                + " '{\"Order Completed\": 1}', TIMESTAMPTZ '2025-01-01', '{}', now()"
                + " FROM generate_series(1, "
                + customers
                + ") AS i");
        Thread.sleep(1_000);
        clock.advance(Duration.ofDays(1));
        await(
            "the run is half-way",
            () -> {
              JsonNode runs = runs(api);
              return runs.size() == 1 && runs.get(0).get("evaluated").asLong() >= 60;
            });
      } finally {
        TestNode.stop(first);
      }
      assertTrue(
          database.queryLong("SELECT count(*) FROM entry_runs WHERE finished_at IS NULL") == 1,
          "the node stopped before the run finished");

      ItineraNode second = node(database, clock, slow);
      try {
        ApiClient api = new ApiClient(second.httpPort());
        await("the next node finished the run", () -> finishedRuns(api) == 1);
        JsonNode run = runs(api).get(0);
        assertEquals(customers, run.get("evaluated").asLong(), run.toString());
        // The page cut short is asked again: its entities answer as the first time, so the
        // resumed run counts each entry once.
        assertEquals(customers, run.get("matched").asLong(), run.toString());
        assertEquals(customers, run.get("entered").asLong(), run.toString());
        await(
            "analytics counted each entry once, from the journal",
            () ->
                database.queryLong(
                        "SELECT coalesce(sum(entered), 0) FROM analytics_journey_day"
                            + " WHERE journey = 'win-back' AND segment = ''")
                    == customers);
        Thread.sleep(1_000);
        assertEquals(
            customers,
            database.queryLong(
                "SELECT coalesce(sum(entered), 0) FROM analytics_journey_day"
                    + " WHERE journey = 'win-back' AND segment = ''"),
            "no customer entered twice");
      } finally {
        TestNode.stop(second);
      }
    }
  }

  static JsonNode runs(ApiClient api) {
    return runs(api, "win-back");
  }

  static JsonNode runs(ApiClient api, String journey) {
    return api.get("/v1/journeys/" + journey + "/runs", basic(READ_KEY)).json().get("runs");
  }

  static long finishedRuns(ApiClient api) {
    return finishedRuns(api, "win-back");
  }

  static long finishedRuns(ApiClient api, String journey) {
    long finished = 0;
    for (JsonNode run : runs(api, journey)) {
      finished += run.get("finished").asBoolean() ? 1 : 0;
    }
    return finished;
  }

  /** How many times the customer's journal says they entered a journey. */
  static long entries(ApiClient api, String customer) {
    JsonNode decisions =
        api.get("/v1/customers/" + customer + "/decisions", basic(READ_KEY)).json();
    long n = 0;
    for (JsonNode decision : decisions.get("decisions")) {
      for (JsonNode event : decision.get("events")) {
        if ("JourneyEntered".equals(event.get("kind").asText())) {
          n++;
        }
      }
    }
    return n;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting until " + what);
      }
      Thread.sleep(100);
    }
  }
}
