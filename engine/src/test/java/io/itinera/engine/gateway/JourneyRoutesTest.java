package io.itinera.engine.gateway;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * The journey registry's routes over real HTTP against a node on a fresh PostgreSQL database, each
 * exchange held to docs/openapi.yaml: deploy, unchanged, conflict, located errors, list, show,
 * diagram, retire, and the admin key they all need.
 */
class JourneyRoutesTest {

  private static final String ADMIN = basic(ADMIN_KEY);
  private static final String YAML = "application/yaml";

  @RegisterExtension static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("journeys");

  private static final ApiClient api = NODE.api();

  /** A journey of its own per test, so tests on the one node do not meet. */
  private static String uniqueName() {
    return "cart-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String journey(String name, int version, String template) {
    return """
        journey: %s
        version: %d
        description: A reminder when a cart is left.
        priority: 5
        entry:
          event: Product Added
        stages:
          decision:
            on:
              - event: Order Completed
                goto: bought
              - absence: {event: Order Completed, within: 15m}
                do:
                  - {channel: email, type: send, template: %s}
          bought: {}
        """
        .formatted(name, version, template);
  }

  private static Reply put(String name, String yaml) {
    return api.send("PUT", "/v1/journeys/" + name, yaml, YAML, ADMIN, Check.REQUEST_AND_RESPONSE);
  }

  private static void assertProblem(Reply reply, int status, String type, String detailPart) {
    assertEquals(status, reply.status(), reply.body());
    assertEquals("application/problem+json", reply.contentType());
    JsonNode problem = reply.json();
    assertEquals(status, problem.get("status").asInt());
    assertEquals("https://itinera.io/problems/" + type, problem.get("type").asText());
    assertTrue(
        problem.get("detail").asText().contains(detailPart),
        () -> "detail should mention \"" + detailPart + "\": " + problem);
  }

  private static List<String> loadedOnTheNode() {
    List<String> loaded = new ArrayList<>();
    NODE.node()
        .deployedJourneys()
        .current()
        .forEach(j -> loaded.add(j.journey().name() + " v" + j.journey().version()));
    return loaded;
  }

  @Test
  void deployShowListDrawAndRetire() {
    String name = uniqueName();

    Reply created = put(name, journey(name, 1, "cart-reminder"));
    assertEquals(201, created.status(), created.body());
    assertEquals("/v1/journeys/" + name, created.header("Location").orElse(""));
    assertEquals("deployed", created.json().get("outcome").asText());
    assertEquals(1, created.json().get("version").asInt());
    assertTrue(
        loadedOnTheNode().contains(name + " v1"), "runs on the node at once: " + loadedOnTheNode());

    Reply again = put(name, journey(name, 1, "cart-reminder"));
    assertEquals(200, again.status(), again.body());
    assertEquals("unchanged", again.json().get("outcome").asText());

    assertEquals(201, put(name, journey(name, 2, "cart-reminder-v2")).status());

    JourneyNode shown = new JourneyNode(api.get("/v1/journeys/" + name, ADMIN));
    assertEquals(2, shown.json.get("version").asInt());
    assertEquals(5, shown.json.get("priority").asInt());
    assertEquals(2, shown.json.get("stages").asInt());
    assertTrue(shown.json.get("source").asText().contains("cart-reminder-v2"));
    assertEquals(2, shown.json.get("versions").size());
    assertEquals(2, shown.json.get("versions").get(0).get("version").asInt());

    JsonNode listed = null;
    for (JsonNode j : api.get("/v1/journeys", ADMIN).json().get("journeys")) {
      if (j.get("name").asText().equals(name)) {
        listed = j;
      }
    }
    assertTrue(listed != null, "listed");
    assertEquals(2, listed.get("version").asInt());
    assertEquals("[2,1]", listed.get("versions").toString());

    Reply diagram = api.get("/v1/journeys/" + name + "/diagram", "Bearer " + ADMIN_KEY);
    assertEquals(200, diagram.status(), diagram.body());
    assertEquals("text/plain; charset=UTF-8", diagram.contentType());
    assertTrue(
        diagram.body().startsWith("---\ntitle: " + name + " v2\n---\nstateDiagram-v2\n"),
        diagram.body());
    assertTrue(
        diagram.body().contains("s_decision --> s_bought : Order Completed"), diagram.body());

    Reply retired =
        api.send("DELETE", "/v1/journeys/" + name, null, null, ADMIN, Check.REQUEST_AND_RESPONSE);
    assertEquals(204, retired.status(), retired.body());
    assertFalse(
        loadedOnTheNode().stream().anyMatch(j -> j.startsWith(name + " ")),
        loadedOnTheNode().toString());
    assertProblem(
        api.send("GET", "/v1/journeys/" + name, null, null, ADMIN, Check.RESPONSE),
        404,
        "not-found",
        "No journey");
    assertProblem(
        api.send("GET", "/v1/journeys/" + name + "/diagram", null, null, ADMIN, Check.RESPONSE),
        404,
        "not-found",
        "No journey");
    assertProblem(
        api.send("DELETE", "/v1/journeys/" + name, null, null, ADMIN, Check.RESPONSE),
        404,
        "not-found",
        "No journey");
  }

  @Test
  void aChangedFileUnderTheSameVersionIsAConflict() {
    String name = uniqueName();
    assertEquals(201, put(name, journey(name, 1, "cart-reminder")).status());

    Reply conflict =
        api.send(
            "PUT", "/v1/journeys/" + name, journey(name, 1, "other"), YAML, ADMIN, Check.RESPONSE);
    assertProblem(conflict, 409, "conflict", "set \"version: 2\"");
    assertEquals("/v1/journeys/" + name, conflict.json().get("instance").asText());

    assertEquals(201, put(name, journey(name, 3, "other")).status());
    Reply lower =
        api.send("PUT", "/v1/journeys/" + name, journey(name, 2, "x"), YAML, ADMIN, Check.RESPONSE);
    assertProblem(lower, 409, "conflict", "is at version 3");
  }

  @Test
  void errorsAreListedWithTheirLineAndColumn() {
    String name = uniqueName();
    String broken = journey(name, 1, "cart-reminder").replace("goto: bought", "goto: bougth");

    Reply reply = api.send("PUT", "/v1/journeys/" + name, broken, YAML, ADMIN, Check.RESPONSE);

    assertProblem(
        reply, 422, "invalid-journey", name + ".journey.yaml:11:15: goto names stage 'bougth'");
    JsonNode errors = reply.json().get("errors");
    assertEquals(2, errors.size(), reply.body());
    assertEquals(name + ".journey.yaml", errors.get(0).get("file").asText());
    assertEquals(11, errors.get(0).get("line").asInt());
    assertEquals(15, errors.get(0).get("column").asInt());
    assertTrue(
        errors.get(0).get("detail").asText().contains("did you mean 'bought'"), reply.body());
    assertEquals(
        15, errors.get(1).get("line").asInt(), "the stage left unreachable: " + reply.body());
    assertProblem(
        api.send("GET", "/v1/journeys/" + name, null, null, ADMIN, Check.RESPONSE),
        404,
        "not-found",
        "No journey");

    Reply notYaml =
        api.send("PUT", "/v1/journeys/" + name, "journey: [\n", YAML, ADMIN, Check.RESPONSE);
    assertProblem(notYaml, 422, "invalid-journey", name + ".journey.yaml:");
  }

  @Test
  void theFileMustBeTheJourneyNamedInThePath() {
    String name = uniqueName();
    Reply reply =
        api.send(
            "PUT",
            "/v1/journeys/" + name,
            journey("someone-else", 1, "x"),
            YAML,
            ADMIN,
            Check.RESPONSE);
    assertProblem(reply, 422, "invalid-journey", "is journey 'someone-else'");
    assertEquals(1, reply.json().get("errors").get(0).get("line").asInt());
    assertEquals(10, reply.json().get("errors").get(0).get("column").asInt());
  }

  @Test
  void aDryRunValidatesWithoutDeploying() {
    String name = uniqueName();
    Reply dry =
        api.send(
            "PUT",
            "/v1/journeys/" + name + "?dryRun=true",
            journey(name, 1, "x"),
            "text/yaml",
            ADMIN,
            Check.REQUEST_AND_RESPONSE);
    assertEquals(200, dry.status(), dry.body());
    assertEquals("valid", dry.json().get("outcome").asText());
    assertTrue(dry.json().get("dryRun").asBoolean());
    assertProblem(
        api.send("GET", "/v1/journeys/" + name, null, null, ADMIN, Check.RESPONSE),
        404,
        "not-found",
        "No journey");

    Reply wrong =
        api.send(
            "PUT",
            "/v1/journeys/" + name + "?dryRun=maybe",
            journey(name, 1, "x"),
            YAML,
            ADMIN,
            Check.RESPONSE);
    assertProblem(wrong, 400, "invalid-parameter", "\"dryRun\" must be true or false");

    assertEquals(201, put(name, journey(name, 1, "x")).status());
    Reply unchanged =
        api.send(
            "PUT",
            "/v1/journeys/" + name + "?dryRun=true",
            journey(name, 1, "x"),
            YAML,
            ADMIN,
            Check.REQUEST_AND_RESPONSE);
    assertEquals("unchanged", unchanged.json().get("outcome").asText(), unchanged.body());
    assertTrue(unchanged.json().get("dryRun").asBoolean());
    Reply conflict =
        api.send(
            "PUT",
            "/v1/journeys/" + name + "?dryRun=true",
            journey(name, 1, "y"),
            YAML,
            ADMIN,
            Check.RESPONSE);
    assertProblem(conflict, 409, "conflict", "set \"version: 2\"");
  }

  @Test
  void everyYamlMediaTypeIsAcceptedAndOthersAre415() {
    String name = uniqueName();
    assertEquals(
        201,
        api.send(
                "PUT",
                "/v1/journeys/" + name,
                journey(name, 1, "x"),
                "application/x-yaml",
                ADMIN,
                Check.REQUEST_AND_RESPONSE)
            .status());
    assertEquals(
        201,
        api.send(
                "PUT",
                "/v1/journeys/" + name,
                journey(name, 2, "x"),
                "text/plain; charset=UTF-8",
                ADMIN,
                Check.REQUEST_AND_RESPONSE)
            .status());
    Reply json =
        api.send(
            "PUT",
            "/v1/journeys/" + name,
            "{\"journey\": \"" + name + "\"}",
            "application/json",
            ADMIN,
            Check.RESPONSE);
    assertProblem(json, 415, "unsupported-media-type", "application/yaml");
    assertProblem(
        api.send("PUT", "/v1/journeys/" + name, "", YAML, ADMIN, Check.RESPONSE),
        400,
        "invalid-body",
        "empty");
  }

  @Test
  void aFileOver1MbIs413() {
    String name = uniqueName();
    String huge = journey(name, 1, "x") + "# " + "x".repeat(1024 * 1024) + "\n";
    assertProblem(
        api.send("PUT", "/v1/journeys/" + name, huge, YAML, ADMIN, Check.RESPONSE),
        413,
        "payload-too-large",
        "1 MB");
  }

  @Test
  void journeysNeedTheAdminKey() {
    String name = uniqueName();
    String yaml = journey(name, 1, "x");
    assertProblem(
        api.send("GET", "/v1/journeys", null, null, null, Check.RESPONSE),
        401,
        "unauthorized",
        "admin key");
    assertProblem(
        api.send("GET", "/v1/journeys", null, null, basic(WRITE_KEY), Check.RESPONSE),
        403,
        "forbidden",
        "has the ingest scope");
    Reply put =
        api.send("PUT", "/v1/journeys/" + name, yaml, YAML, "Bearer " + WRITE_KEY, Check.RESPONSE);
    assertProblem(put, 403, "forbidden", "admin key");
    assertProblem(
        api.send("GET", "/v1/journeys/" + name, null, null, "Bearer nope", Check.RESPONSE),
        401,
        "unauthorized",
        "admin key");
    assertTrue(
        api.send("GET", "/v1/journeys", null, null, null, Check.RESPONSE)
            .header("WWW-Authenticate")
            .orElse("")
            .startsWith("Basic"));
    assertProblem(
        api.send("GET", "/v1/journeys/" + name, null, null, null, Check.RESPONSE),
        401,
        "unauthorized",
        "admin key");
    assertProblem(
        api.send(
            "GET", "/v1/journeys/" + name + "/diagram", null, null, basic("nope"), Check.RESPONSE),
        401,
        "unauthorized",
        "admin key");
    assertProblem(
        api.send("DELETE", "/v1/journeys/" + name, null, null, basic(WRITE_KEY), Check.RESPONSE),
        403,
        "forbidden",
        "admin key");
  }

  @Test
  void aWrongMethodIs405() {
    Reply reply =
        api.send("POST", "/v1/journeys/anything", "journey: x", YAML, ADMIN, Check.NOTHING);
    assertEquals(405, reply.status(), reply.body());
    assertEquals("PUT, GET, DELETE", reply.header("Allow").orElse(""));
  }

  @Test
  void customersEnterAJourneyDeployedWhileTheNodeRuns() {
    String name = uniqueName();
    assertEquals(201, put(name, journey(name, 1, "cart-reminder")).status());

    String customer = "c-" + UUID.randomUUID();
    Reply tracked =
        api.post(
            "/v1/track",
            "{\"userId\":\"" + customer + "\",\"event\":\"Product Added\",\"messageId\":\"m1\"}");
    assertEquals(200, tracked.status(), tracked.body());

    JsonNode active =
        api.get("/v1/customers/" + customer, ADMIN).json().get("journeys").get("active");
    List<String> entered = new ArrayList<>();
    active.forEach(
        a ->
            entered.add(
                a.get("journey").asText()
                    + " v"
                    + a.get("version").asInt()
                    + " "
                    + a.get("stage").asText()));
    assertTrue(entered.contains(name + " v1 decision"), entered.toString());
  }

  /** A reply that must be a 200 with a JSON body. */
  private record JourneyNode(JsonNode json) {
    JourneyNode(Reply reply) {
      this(ok(reply));
    }

    private static JsonNode ok(Reply reply) {
      assertEquals(200, reply.status(), reply.body());
      return reply.json();
    }
  }
}
