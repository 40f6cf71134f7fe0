package io.itinera.engine.metrics;

import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.Scrape;
import io.itinera.engine.support.TestClock;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint on the management port after real traffic: every ingest outcome, the
 * journeys' decisions, actions and timers, entity recoveries and the sharding gauges move by
 * exactly what was done, and the JVM's own meters are there.
 */
class MetricsTest {

  private static final String JOURNEY = TestJourneys.cartReminder("metered", 1, "15m", "reminder");

  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void countersMoveByWhatTheNodeDid() throws Exception {
    TestClock clock = new TestClock(START);
    try (TestDatabase database = TestDatabase.createFresh("metrics")) {
      ItineraNode node =
          TestNode.start(
              Map.of(
                  "itinera.db.url",
                  database.url(),
                  "itinera.metrics.sharding-poll-interval",
                  "100ms"),
              clock);
      try {
        ApiClient api = new ApiClient(node.httpPort());
        Scrape before = Scrape.of(node.managementPort());
        assertEquals(
            "text/plain; version=0.0.4; charset=utf-8", before.contentType().toLowerCase());
        assertEquals(0, before.value("itinera_touchpoints_ingested_total"));

        assertEquals(201, api.deployJourney("metered", JOURNEY).status());

        // ana consents to e-mail and leaves a cart; bo leaves one without consent; cy buys.
        ok(
            api.post(
                "/v1/identify",
                "{\"userId\":\"ana\",\"messageId\":\"ana-1\",\"traits\":{\"consent\":{\"email\":true}}}"));
        ok(api.post("/v1/track", track("ana", "ana-2", "Product Added")));
        ok(api.post("/v1/track", track("bo", "bo-1", "Product Added")));
        ok(api.post("/v1/track", track("cy", "cy-1", "Product Added")));
        ok(api.post("/v1/track", track("cy", "cy-2", "Order Completed")));
        // A retry of a message already recorded.
        ok(api.post("/v1/track", track("ana", "ana-2", "Product Added")));
        // A batch of two good messages and one without an event.
        ok(
            api.post(
                "/v1/batch",
                "{\"batch\":["
                    + "{\"type\":\"track\",\"userId\":\"dee\",\"event\":\"Page Viewed\"},"
                    + "{\"type\":\"track\",\"userId\":\"dee\",\"event\":\"Page Viewed\"},"
                    + "{\"type\":\"track\",\"userId\":\"dee\"}]}"));
        // Refused as a whole: a wrong key, and a message without any customer id.
        assertEquals(
            401,
            api.send(
                    "POST",
                    "/v1/track",
                    track("ana", "x", "Product Added"),
                    "application/json",
                    basic("wrong"),
                    Check.RESPONSE)
                .status());
        assertEquals(
            400,
            api.send(
                    "POST",
                    "/v1/track",
                    "{\"event\":\"Product Added\"}",
                    "application/json",
                    basic(WRITE_KEY),
                    Check.RESPONSE)
                .status());

        // The two reminders come due a minute late by the node's clock: ana's goes out, bo's is
        // suppressed for lack of consent.
        clock.advance(Duration.ofMinutes(16));
        eventually(node, s -> s.value("itinera_timers_fired_total") == 2);
        // The sharding gauges are refreshed every 100 ms here (10 s by default).
        Scrape after =
            eventually(
                node, s -> s.value("itinera_sharding_entities", "entity_type", "Customer") == 4);

        assertEquals(1, after.value("itinera_touchpoints_ingested_total", "route", "identify"));
        assertEquals(4, after.value("itinera_touchpoints_ingested_total", "route", "track"));
        assertEquals(2, after.value("itinera_touchpoints_ingested_total", "route", "batch"));
        assertEquals(1, after.value("itinera_touchpoints_duplicates_total", "route", "track"));
        assertEquals(
            1,
            after.value(
                "itinera_touchpoints_rejected_total", "route", "batch", "reason", "invalid"));
        assertEquals(
            1,
            after.value(
                "itinera_touchpoints_rejected_total", "route", "track", "reason", "invalid"));
        assertEquals(
            1,
            after.value(
                "itinera_touchpoints_rejected_total", "route", "track", "reason", "unauthorized"));
        assertEquals(3, after.value("itinera_touchpoints_rejected_total"));

        // One ask per customer and request: ana 3 (one a repeat), bo 1, cy 2, dee 1 (the batch).
        assertEquals(7, after.value("itinera_persist_seconds_count", "outcome", "ok"));
        assertEquals(0, after.value("itinera_persist_seconds_count", "outcome", "failed"));
        assertTrue(after.has("itinera_persist_seconds_bucket", "outcome", "ok"), "a histogram");
        // Each ingest request timed by how it was answered: the two refused as a whole are 4xx.
        assertEquals(2, after.value("itinera_ingest_request_seconds_count", "status", "4xx"));
        assertTrue(after.value("itinera_ingest_request_seconds_count", "status", "2xx") >= 6);
        assertEquals(0, after.value("itinera_ingest_request_seconds_count", "status", "503"));
        assertEquals(0, after.value("itinera_admission_sheds_total"));
        assertTrue(after.has("itinera_touchpoints_in_flight"));
        assertEquals(
            100,
            after.value("itinera_admission_limit"),
            "a light load leaves the limit at its minimum (it grows only while half of it is used)");
        assertTrue(after.has("itinera_admission_latency_baseline_seconds"));
        assertTrue(after.has("itinera_admission_scheduling_delay_seconds"));

        // Every decision was counted once, by what caused it: five touchpoints decided something
        // (ana's consent, three carts, cy's order; dee's page views nothing), two timers fired.
        // A timer's decision is a journal row of its own; a touchpoint's rides in its own row.
        assertEquals(5, after.value("itinera_decisions_total", "cause", "touchpoint"));
        assertEquals(2, after.value("itinera_decisions_total", "cause", "timer"));
        assertEquals(7, after.value("itinera_decisions_total"));
        assertEquals(
            2,
            database.queryLong(
                "SELECT count(*) FROM event_journal WHERE event_ser_manifest LIKE '%JourneysDecided'"));
        assertEquals(3, after.value("itinera_timers_scheduled_total"));
        assertEquals(1, after.value("itinera_timers_cancelled_total"));
        assertEquals(2, after.value("itinera_timers_fired_total"));
        assertEquals(1, after.value("itinera_actions_emitted_total", "channel", "email"));
        assertEquals(
            1,
            after.value(
                "itinera_actions_suppressed_total", "channel", "email", "reason", "no_consent"));
        // Both fired 60 s after their due time, by the node's clock.
        assertEquals(2, after.value("itinera_timer_lateness_seconds_count"));
        assertEquals(120.0, after.value("itinera_timer_lateness_seconds_sum"), 0.001);
        assertTrue(after.value("itinera_timer_wakeups_total", "outcome", "ok") >= 2);
        assertEquals(4, after.matching("itinera_timers_due").size(), "one gauge per slice");

        // Four customers' entities started, recovered and still live on this one node.
        assertEquals(4, after.value("itinera_entity_recoveries_total"));
        assertEquals(4, after.value("itinera_entity_recovery_seconds_count"));
        assertEquals(0, after.value("itinera_entity_recovery_failures_total"));
        assertEquals(0, after.value("itinera_entity_stops_total"));
        assertEquals(4, after.value("itinera_sharding_entities", "entity_type", "Customer"));
        assertTrue(after.value("itinera_sharding_shards", "entity_type", "Customer") >= 1);
        assertEquals(1, after.value("itinera_cluster_members_up"));
        assertEquals(0, after.value("itinera_cluster_members_unreachable"));

        // The JVM's own.
        assertTrue(after.value("jvm_memory_used_bytes", "area", "heap") > 0);
        assertTrue(after.has("jvm_gc_memory_allocated_bytes_total"));
        assertTrue(after.value("jvm_threads_live_threads") > 0);
        assertTrue(after.has("process_cpu_usage"));
        assertTrue(after.value("system_cpu_count") > 0);
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static String track(String userId, String messageId, String event) {
    return "{\"userId\":\""
        + userId
        + "\",\"messageId\":\""
        + messageId
        + "\",\"event\":\""
        + event
        + "\"}";
  }

  private static void ok(ApiClient.Reply reply) {
    assertEquals(200, reply.status(), reply.body());
  }

  private static Scrape eventually(ItineraNode node, Predicate<Scrape> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Scrape scrape = Scrape.of(node.managementPort());
    while (!condition.test(scrape)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not reached in 20 s; last scrape:\n" + scrape.text());
      }
      Thread.sleep(100);
      scrape = Scrape.of(node.managementPort());
    }
    return scrape;
  }
}
