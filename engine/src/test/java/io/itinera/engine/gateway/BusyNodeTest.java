package io.itinera.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.Scrape;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node whose dispatcher starts work late refuses ingest at once, before it reads the body: 503
 * with Retry-After and reason {@code busy}, nothing recorded. The bound is set to 1 ns, so every
 * probe is late and the node counts as saturated as soon as its first probes have run (the logic of
 * the probes is SchedulingDelayTest's).
 */
class BusyNodeTest {

  @Test
  void aSaturatedNodeRefusesIngestBeforeReadingTheBody() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("busy")) {
      ItineraNode node =
          TestNode.start(
              Map.of(
                  "itinera.db.url",
                  database.url(),
                  "itinera.admission.max-scheduling-delay",
                  "1ns"));
      try {
        ApiClient api = new ApiClient(node.httpPort());
        Thread.sleep(500); // five probes, 20 ms apart, fill the window

        JsonNode track =
            assertBusy(
                api.post(
                    "/v1/track",
                    "{\"userId\":\"busy-1\",\"event\":\"Looked\",\"messageId\":\"m-1\"}"));
        assertTrue(track.get("delayMs").asLong() >= 0, track.toString());
        assertTrue(track.get("detail").asText().contains("waits"), track.toString());
        assertBusy(
            api.post(
                "/v1/batch",
                "{\"batch\":[{\"type\":\"track\",\"userId\":\"busy-2\",\"event\":\"Looked\","
                    + "\"messageId\":\"m-2\"}]}"));
        // Refused before parsing: a malformed body gets the 503, not a 400 that cost a parse.
        assertBusy(
            api.send(
                "POST",
                "/v1/track",
                "{not json",
                "application/json",
                ApiClient.basic(ApiClient.WRITE_KEY),
                ApiClient.Check.RESPONSE));

        assertEquals(
            0,
            database.queryLong(
                "SELECT count(*) FROM event_journal WHERE persistence_id LIKE '%busy-%'"));
        Scrape metrics = Scrape.of(node.managementPort());
        assertEquals(3, metrics.value("itinera_admission_sheds_total", "reason", "busy"));
        assertEquals(
            2,
            metrics.value(
                "itinera_touchpoints_rejected_total", "route", "track", "reason", "busy"));
        assertTrue(metrics.value("itinera_admission_scheduling_delay_seconds") > 0);
        // Reads are not admission's business.
        assertEquals(
            404, api.get("/v1/customers/busy-1", ApiClient.basic(ApiClient.READ_KEY)).status());
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static JsonNode assertBusy(Reply reply) {
    assertEquals(503, reply.status(), reply.body());
    assertEquals("application/problem+json", reply.contentType().split(";")[0]);
    assertEquals("1", reply.header("Retry-After").orElseThrow());
    JsonNode problem = reply.json();
    assertEquals("https://itinera.io/problems/unavailable", problem.get("type").asText());
    assertEquals("busy", problem.get("reason").asText(), problem.toString());
    return problem;
  }
}
