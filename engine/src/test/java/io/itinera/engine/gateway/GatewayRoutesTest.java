package io.itinera.engine.gateway;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every ingest and read route over real HTTP against a node on a fresh PostgreSQL database, with
 * each exchange held to docs/openapi.yaml, and every error case answered with a problem+json body
 * that says what was wrong and where.
 */
class GatewayRoutesTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("gateway");

  private static final ApiClient api = NODE.api();

  private static String customer() {
    return "c-" + UUID.randomUUID();
  }

  private static void assertProblem(Reply reply, int status, String pointer, String detailPart) {
    assertEquals(status, reply.status(), reply.body());
    assertEquals("application/problem+json", reply.contentType());
    JsonNode problem = reply.json();
    assertEquals(status, problem.get("status").asInt());
    assertTrue(
        problem.get("detail").asText().contains(detailPart),
        () -> "detail should mention \"" + detailPart + "\": " + problem);
    if (pointer != null) {
      List<String> pointers = new ArrayList<>();
      problem.get("errors").forEach(e -> pointers.add(e.get("pointer").asText()));
      assertTrue(
          pointers.contains(pointer), () -> "errors should point at " + pointer + ": " + problem);
    }
  }

  @Test
  void trackIsRecordedAndShownByTheReadApi() {
    String id = customer();
    Reply reply =
        api.post(
            "/v1/track",
            """
            {"userId":"%s","event":"Product Viewed","messageId":"m1",\
            "properties":{"sku":"trail-9"},"context":{"channel":"web"}}"""
                .formatted(id));
    assertEquals(200, reply.status(), reply.body());
    assertTrue(reply.json().get("success").asBoolean());
    assertEquals(1, reply.json().get("recorded").asInt());

    JsonNode customer = api.get("/v1/customers/" + id, basic(READ_KEY)).json();
    assertEquals(id, customer.get("customerId").asText());
    assertEquals(1, customer.get("touchpointCount").asInt());
    JsonNode touchpoint = customer.get("recentTouchpoints").get(0);
    assertEquals("Product Viewed", touchpoint.get("event").asText());
    assertEquals("web", touchpoint.get("channel").asText());
    assertEquals("trail-9", touchpoint.get("properties").get("sku").asText());
  }

  @Test
  void everySegmentCallTypeIsAccepted() {
    String id = customer();
    assertEquals(
        200,
        api.post(
                "/v1/identify",
                """
                {"userId":"%s","traits":{"plan":"pro","timezone":"Europe/Berlin"}}"""
                    .formatted(id))
            .status());
    assertEquals(
        200,
        api.post(
                "/v1/page",
                """
                {"userId":"%s","name":"Running shoes","category":"Shoes"}"""
                    .formatted(id))
            .status());
    assertEquals(
        200,
        api.post(
                "/v1/screen",
                """
                {"userId":"%s","name":"Cart"}"""
                    .formatted(id))
            .status());
    assertEquals(
        200,
        api.post(
                "/v1/alias",
                """
                {"userId":"%s","previousId":"anon-%s"}"""
                    .formatted(id, id))
            .status());
    assertEquals(
        200,
        api.post(
                "/v1/group",
                """
                {"userId":"%s","groupId":"acme","traits":{"seats":5}}"""
                    .formatted(id))
            .status());

    JsonNode customer = api.get("/v1/customers/" + id, "Bearer " + ADMIN_KEY).json();
    assertEquals(5, customer.get("touchpointCount").asInt());
    assertEquals("pro", customer.get("traits").get("plan").asText());
    assertTrue(
        customer.get("traits").get("seats") == null,
        "group traits are the group's, not the customer's");
    assertEquals(
        5, customer.path("groups").path("acme").path("seats").asInt(), customer.toString());
    JsonNode page = customer.get("recentTouchpoints").get(3);
    assertEquals("Running shoes", page.path("name").asText(), page.toString());
    assertEquals("Shoes", page.path("category").asText(), page.toString());
    assertEquals("acme", customer.get("recentTouchpoints").get(0).path("groupId").asText());
    List<String> channels = new ArrayList<>();
    customer
        .get("recentTouchpoints")
        .forEach(t -> channels.add(t.get("type").asText() + ":" + t.get("channel").asText()));
    assertEquals(
        List.of("group:server", "alias:server", "screen:app", "page:web", "identify:server"),
        channels);
  }

  @Test
  void browserSdkTextPlainBodyWithWriteKeyInsideIsAccepted() {
    String id = customer();
    Reply reply =
        api.send(
            "POST",
            "/v1/track",
            """
            {"writeKey":"%s","anonymousId":"%s","event":"Signed Up"}"""
                .formatted(WRITE_KEY, id),
            "text/plain;charset=UTF-8",
            null,
            Check.RESPONSE);
    assertEquals(200, reply.status(), reply.body());
    assertEquals(
        1, api.get("/v1/customers/" + id, basic(READ_KEY)).json().get("touchpointCount").asInt());
  }

  @Test
  void repeatedMessageIdIsAcknowledgedAndNotAppliedTwice() {
    String id = customer();
    String body =
        """
        {"userId":"%s","event":"Order Completed","messageId":"order-1"}"""
            .formatted(id);
    assertEquals(1, api.post("/v1/track", body).json().get("recorded").asInt());
    Reply again = api.post("/v1/track", body);
    assertEquals(200, again.status());
    assertEquals(0, again.json().get("recorded").asInt());
    assertEquals(1, again.json().get("duplicates").asInt());
    assertEquals(
        1, api.get("/v1/customers/" + id, basic(READ_KEY)).json().get("touchpointCount").asInt());
  }

  @Test
  void batchAppliesEachCustomersEventsInOrderAndListsRejectedItems() {
    String a = customer();
    String b = customer();
    StringBuilder batch =
        new StringBuilder(
            """
            {"batch":[""");
    for (int i = 0; i < 10; i++) {
      batch.append(
          """
          {"type":"track","userId":"%s","event":"step-%d","messageId":"b-%d"},"""
              .formatted(i % 2 == 0 ? a : b, i, i));
    }
    batch.append(
        """
        {"type":"track","userId":"%s"},{"type":"nonsense","userId":"%s"}]}"""
            .formatted(a, a));
    Reply reply =
        api.send(
            "POST",
            "/v1/batch",
            batch.toString(),
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertEquals(200, reply.status(), reply.body());
    assertEquals(10, reply.json().get("recorded").asInt());
    JsonNode rejected = reply.json().get("rejected");
    assertEquals(2, rejected.size());
    assertEquals(10, rejected.get(0).get("index").asInt());
    assertEquals("/batch/10/event", rejected.get(0).get("errors").get(0).get("pointer").asText());
    assertEquals("/batch/11/type", rejected.get(1).get("errors").get(0).get("pointer").asText());

    List<String> events = new ArrayList<>();
    api.get("/v1/customers/" + a, basic(READ_KEY))
        .json()
        .get("recentTouchpoints")
        .forEach(t -> events.add(t.get("event").asText()));
    assertEquals(List.of("step-8", "step-6", "step-4", "step-2", "step-0"), events);
  }

  @Test
  void importIsTheSameAsBatch() {
    String id = customer();
    Reply reply =
        api.post(
            "/v1/import",
            """
            {"batch":[{"type":"identify","userId":"%s",\
            "traits":{"tier":"gold"},"timestamp":"2024-05-01T12:00:00Z"}]}"""
                .formatted(id));
    assertEquals(200, reply.status(), reply.body());
    JsonNode customer = api.get("/v1/customers/" + id, basic(READ_KEY)).json();
    assertEquals("2024-05-01T12:00:00Z", customer.get("firstSeen").asText());
  }

  @Test
  void batchWithOnlyInvalidItemsIsA400AndRecordsNothing() {
    Reply reply =
        api.send(
            "POST",
            "/v1/batch",
            """
            {"batch":[{"type":"track","event":"x"},{"type":"page"}]}""",
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertProblem(reply, 400, "/batch/1/userId", "Every message in the batch is invalid");
  }

  @Test
  void batchOverTheItemLimitIsRejectedWhole() {
    StringBuilder batch = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < 2501; i++) {
      batch.append(i == 0 ? "" : ",").append("{}");
    }
    Reply reply =
        api.send(
            "POST",
            "/v1/batch",
            batch + "]}",
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertProblem(reply, 400, "/batch", "the limit is 2500");
  }

  @Test
  void malformedJsonSaysWhere() {
    Reply reply =
        api.send(
            "POST",
            "/v1/track",
            "{\"userId\": \"u\", \"event\": }",
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertProblem(reply, 400, null, "line 1, column 26");
  }

  @Test
  void emptyBodyIsA400() {
    Reply reply =
        api.send("POST", "/v1/track", "", "application/json", basic(WRITE_KEY), Check.RESPONSE);
    assertProblem(reply, 400, null, "The body is empty");
  }

  @Test
  void missingIdsAndWrongTypesNameTheFieldPath() {
    Reply missing =
        api.send(
            "POST",
            "/v1/track",
            """
            {"event":"x"}""",
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertProblem(missing, 400, "/userId", "\"userId\" or \"anonymousId\" is required");
    Reply wrongType =
        api.send(
            "POST",
            "/v1/identify",
            """
            {"userId":"u","traits":"gold","timestamp":12}""",
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertProblem(wrongType, 400, "/traits", "\"traits\" must be a JSON object");
    assertEquals(2, wrongType.json().get("errors").size(), wrongType.body());
    assertEquals("/timestamp", wrongType.json().get("errors").get(1).get("pointer").asText());
  }

  @Test
  void missingOrWrongKeyIs401() {
    String body =
        """
        {"userId":"u","event":"x"}""";
    Reply none = api.send("POST", "/v1/track", body, "application/json", null, Check.RESPONSE);
    assertProblem(none, 401, null, "No write key");
    assertTrue(none.header("WWW-Authenticate").orElse("").startsWith("Basic realm=\"itinera\""));
    assertProblem(
        api.send("POST", "/v1/track", body, "application/json", basic("stolen"), Check.RESPONSE),
        401,
        null,
        "Authorization header is not valid");
    assertProblem(
        api.send(
            "POST",
            "/v1/track",
            """
            {"writeKey":"nope","userId":"u","event":"x"}""",
            "application/json",
            null,
            Check.RESPONSE),
        401,
        null,
        "\"writeKey\" in the body is not valid");
    assertProblem(
        api.send("GET", "/v1/customers/u", null, null, null, Check.RESPONSE),
        401,
        null,
        "needs a read key or the admin key");
  }

  @Test
  void oversizeBodiesAre413() {
    String big = "x".repeat(33 * 1024);
    Reply single =
        api.send(
            "POST",
            "/v1/track",
            """
            {"userId":"u","event":"x","properties":{"blob":"%s"}}"""
                .formatted(big),
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertProblem(single, 413, null, "32 KB for one message");
    String huge = "y".repeat(501 * 1024);
    Reply batch =
        api.send(
            "POST",
            "/v1/batch",
            """
            {"batch":[{"type":"track","userId":"u","event":"x","properties":{"blob":"%s"}}]}"""
                .formatted(huge),
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertProblem(batch, 413, null, "500 KB for a batch");
  }

  @Test
  void xmlBodyIs415() {
    Reply reply =
        api.send(
            "POST",
            "/v1/track",
            "<track userId=\"u\" event=\"x\"/>",
            "application/xml",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertProblem(reply, 415, null, "application/json");
  }

  @Test
  void unknownRouteIs404AndWrongMethodIs405() {
    assertProblem(
        api.send("POST", "/v1/trak", "{}", "application/json", basic(WRITE_KEY), Check.NOTHING),
        404,
        null,
        "There is no route POST /v1/trak");
    assertProblem(
        api.send("GET", "/nowhere", null, null, null, Check.NOTHING), 404, null, "/nowhere");
    Reply wrongMethod = api.send("GET", "/v1/track", null, null, basic(WRITE_KEY), Check.NOTHING);
    assertProblem(wrongMethod, 405, null, "use POST");
    assertEquals("POST", wrongMethod.header("Allow").orElse(""));
  }

  @Test
  void browsersMayCallFromAnySiteAfterAPreflight() {
    Reply preflight = api.send("OPTIONS", "/v1/track", null, null, null, Check.NOTHING);
    assertEquals(204, preflight.status());
    assertEquals("*", preflight.header("Access-Control-Allow-Origin").orElse(""));
    assertTrue(
        preflight.header("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
  }

  @Test
  void unknownCustomerIs404() {
    assertProblem(
        api.get("/v1/customers/" + customer(), basic(READ_KEY)), 404, null, "has been seen");
  }

  @Test
  void everyAcknowledgedTouchpointIsInTheJournal() {
    String id = customer();
    for (int i = 0; i < 5; i++) {
      assertEquals(
          200,
          api.post(
                  "/v1/track",
                  """
                  {"userId":"%s","event":"e","messageId":"j-%d"}"""
                      .formatted(id, i))
              .status());
    }
    assertEquals(
        5,
        NODE.database()
            .queryLong(
                "SELECT count(*) FROM event_journal WHERE persistence_id = 'Customer|" + id + "'"));
  }
}
