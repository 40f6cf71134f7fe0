package io.itinera.engine.gateway;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Messages that could never be stored, or whose times are absurd, are refused alone and at once
 * with their pointer, instead of failing in the journal on every retry; the rest of their batch is
 * recorded.
 */
class IngestBoundsTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("gateway");

  private static final ApiClient api = NODE.api();

  private static String customer() {
    return "c-" + UUID.randomUUID();
  }

  private static List<String> pointers(JsonNode errors) {
    List<String> pointers = new ArrayList<>();
    errors.forEach(e -> pointers.add(e.get("pointer").asText()));
    return pointers;
  }

  @Test
  void batchWithOnePoisonedMessageRecordsTheOthersAndListsIt() {
    String id = customer();
    Reply reply =
        api.post(
            "/v1/batch",
            """
            {"batch":[{"type":"track","userId":"%1$s","event":"a"},\
            {"type":"track","userId":"%1$s","event":"b","properties":{"note":"bad\\ud800"}},\
            {"type":"track","userId":"%1$s","event":"c","properties":{"note":"nul\\u0000ok"}}]}"""
                .formatted(id));
    assertEquals(200, reply.status(), reply.body());
    assertEquals(2, reply.json().get("recorded").asInt(), reply.body());
    JsonNode rejected = reply.json().get("rejected");
    assertEquals(1, rejected.size(), reply.body());
    assertEquals(1, rejected.get(0).get("index").asInt());
    assertEquals(List.of("/batch/1/properties/note"), pointers(rejected.get(0).get("errors")));

    JsonNode state = api.get("/v1/customers/" + id, basic(READ_KEY)).json();
    assertEquals(2, state.get("touchpointCount").asInt(), state.toString());
    List<String> events = new ArrayList<>();
    state.get("recentTouchpoints").forEach(t -> events.add(t.get("event").asText()));
    assertEquals(List.of("a", "c"), events.stream().sorted().toList(), state.toString());
  }

  @Test
  void poisonedSingleMessageIsA400WithItsPointer() {
    Reply reply =
        api.send(
            "POST",
            "/v1/identify",
            """
            {"userId":"%s","traits":{"name":"\\udc00"}}"""
                .formatted(customer()),
            "application/json",
            basic(WRITE_KEY),
            ApiClient.Check.RESPONSE);
    assertEquals(400, reply.status(), reply.body());
    assertEquals(List.of("/traits/name"), pointers(reply.json().get("errors")));
  }

  @Test
  void sentAtInTheYear9999IsA400WithItsPointer() {
    String id = customer();
    Reply reply =
        api.send(
            "POST",
            "/v1/track",
            """
            {"userId":"%s","event":"e","timestamp":"2026-01-01T00:00:00Z",\
            "sentAt":"9999-12-31T23:59:59Z"}"""
                .formatted(id),
            "application/json",
            basic(WRITE_KEY),
            ApiClient.Check.RESPONSE);
    assertEquals(400, reply.status(), reply.body());
    assertEquals(List.of("/sentAt"), pointers(reply.json().get("errors")));
  }
}
