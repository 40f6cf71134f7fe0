package io.itinera.engine.clients;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.clients.NodeClients.Outcome;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Segment's and RudderStack's Node SDKs, each at its defaults (RudderStack's gzips its batches),
 * send identify, track, page, alias and group to a node (src/test/node/send-with-sdks.mjs). Every
 * message must be in its customer's state with the time the SDK gave it: the script calls 300 ms
 * apart and flushes after the last call, so times taken on arrival would bunch together.
 */
class AnalyticsSdksTest {

  @RegisterExtension static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("sdks");
  private static final ApiClient api = NODE.api();

  /** The script's 300 ms between calls, less timer slack. */
  private static final Duration CALL_GAP = Duration.ofMillis(250);

  @Test
  void rudderStacksSdkDeliversEveryCallWithItsOriginalTime() {
    sendAndCheck("rudderstack");
  }

  @Test
  void segmentsSdkDeliversEveryCallWithItsOriginalTime() {
    sendAndCheck("segment");
  }

  private void sendAndCheck(String sdk) {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Outcome run =
        NodeClients.script(
            "send-with-sdks.mjs",
            Duration.ofSeconds(90),
            "http://127.0.0.1:" + NODE.node().httpPort(),
            WRITE_KEY,
            sdk);
    Instant after = Instant.now();
    assertTrue(run.succeeded(), sdk + "'s SDK reported errors:\n" + run.output());

    JsonNode ana = customer(sdk + "-ana");
    assertEquals(3, ana.get("touchpointCount").asInt(), "identify, track, page: " + ana);
    assertEquals("Ana", ana.path("traits").path("name").asText(), ana.toString());
    assertEquals("pro", ana.path("traits").path("plan").asText(), ana.toString());
    JsonNode ben = customer(sdk + "-ben");
    assertEquals(1, ben.get("touchpointCount").asInt(), "the alias: " + ben);
    JsonNode cy = customer(sdk + "-cy");
    assertEquals(1, cy.get("touchpointCount").asInt(), "the group: " + cy);
    assertEquals("Order Completed", touchpoint(ana, "track").path("event").asText());
    assertEquals("Pricing", touchpoint(ana, "page").path("name").asText());
    assertEquals("Docs", touchpoint(ana, "page").path("category").asText(), ana.toString());
    assertEquals("acme", touchpoint(cy, "group").path("groupId").asText(), cy.toString());
    assertEquals("Acme", cy.path("groups").path("acme").path("name").asText(), cy.toString());
    assertEquals(12, cy.path("groups").path("acme").path("employees").asInt(), cy.toString());

    List<JsonNode> inCallOrder =
        List.of(
            touchpoint(ana, "identify"),
            touchpoint(ana, "track"),
            touchpoint(ana, "page"),
            touchpoint(ben, "alias"),
            touchpoint(cy, "group"));
    Instant previous = null;
    for (JsonNode touchpoint : inCallOrder) {
      Instant time = Instant.parse(touchpoint.get("timestamp").asText());
      Instant received = Instant.parse(touchpoint.get("receivedAt").asText());
      assertFalse(
          time.isBefore(before) || time.isAfter(after),
          "a time the SDK gave while the script ran: " + touchpoint);
      assertFalse(time.isAfter(received), "not later than its arrival: " + touchpoint);
      if (previous != null) {
        assertTrue(
            Duration.between(previous, time).compareTo(CALL_GAP) >= 0,
            "each call's own time, 300 ms after the one before ("
                + previous
                + "), not the batch's arrival: "
                + touchpoint);
      }
      previous = time;
    }
    JsonNode group = inCallOrder.get(inCallOrder.size() - 1);
    assertTrue(
        Duration.between(
                    Instant.parse(group.get("timestamp").asText()),
                    Instant.parse(group.get("receivedAt").asText()))
                .compareTo(CALL_GAP)
            >= 0,
        "the group waited 300 ms in the SDK's queue; its time is the call's, not the arrival's: "
            + group);
  }

  private static JsonNode customer(String id) {
    Reply reply = api.get("/v1/customers/" + id, basic(READ_KEY));
    assertEquals(200, reply.status(), id + ": " + reply.body());
    return reply.json();
  }

  private static JsonNode touchpoint(JsonNode customer, String type) {
    for (JsonNode touchpoint : customer.get("recentTouchpoints")) {
      if (type.equals(touchpoint.get("type").asText())) {
        return touchpoint;
      }
    }
    throw new AssertionError("No " + type + " touchpoint in " + customer);
  }
}
