package io.itinera.engine.gateway;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every problem names the request it answers: {@code instance} is the request's path, whether the
 * key, the body, a query parameter or Pekko HTTP's own checks refused it. Every request here is
 * refused, so the node is the one the other gateway tests share.
 */
class ProblemInstanceTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("gateway");

  private static final ApiClient api = NODE.api();

  private static void assertInstance(Reply reply, int status, String path) {
    assertEquals(status, reply.status(), reply.body());
    assertEquals("application/problem+json", reply.contentType());
    assertEquals(path, reply.json().path("instance").asText(), reply.body());
  }

  private static Reply post(String path, String body, String contentType, String authorization) {
    return api.send("POST", path, body, contentType, authorization, Check.RESPONSE);
  }

  @Test
  void ingestWithoutAValidWriteKeyNamesItsRoute() {
    String body = "{\"userId\":\"u\",\"event\":\"x\"}";
    Reply none = post("/v1/track", body, "application/json", null);
    assertInstance(none, 401, "/v1/track");
    assertTrue(none.header("WWW-Authenticate").orElse("").startsWith("Basic"));
    assertInstance(post("/v1/batch", "{}", "application/json", basic("stolen")), 401, "/v1/batch");
  }

  @Test
  void adminRouteWithAWriteKeyNamesItsRoute() {
    assertInstance(
        api.send("GET", "/v1/journeys", null, null, basic(WRITE_KEY), Check.RESPONSE),
        403,
        "/v1/journeys");
    assertInstance(
        api.send("GET", "/v1/deliveries", null, null, basic(WRITE_KEY), Check.RESPONSE),
        403,
        "/v1/deliveries");
  }

  @Test
  void unreadableBodiesNameTheirRoute() {
    String big = "x".repeat(33 * 1024);
    assertInstance(
        post("/v1/track", "{\"blob\":\"" + big + "\"}", "application/json", basic(WRITE_KEY)),
        413,
        "/v1/track");
    assertInstance(
        post("/v1/identify", "<identify/>", "application/xml", basic(WRITE_KEY)),
        415,
        "/v1/identify");
    assertInstance(
        post("/v1/track", "{\"userId\": }", "application/json", basic(WRITE_KEY)),
        400,
        "/v1/track");
    assertInstance(
        api.send(
            "PUT",
            "/v1/journeys/cart",
            "journey: cart",
            "application/json",
            basic(ADMIN_KEY),
            Check.RESPONSE),
        415,
        "/v1/journeys/cart");
  }

  @Test
  void badQueryParametersNameTheirRoute() {
    assertInstance(
        api.send("GET", "/v1/deliveries?limit=0", null, null, basic(ADMIN_KEY), Check.RESPONSE),
        400,
        "/v1/deliveries");
    assertInstance(
        api.send(
            "GET",
            "/v1/customers/c-1/decisions?limit=many",
            null,
            null,
            basic(READ_KEY),
            Check.RESPONSE),
        400,
        "/v1/customers/c-1/decisions");
    Reply cursor =
        api.send(
            "GET",
            "/v1/channels/web/actions?after=-1",
            null,
            null,
            basic(READ_KEY),
            Check.RESPONSE);
    assertInstance(cursor, 400, "/v1/channels/web/actions");
    assertEquals("Invalid query parameter \"after\"", cursor.json().get("title").asText());
  }

  /** A rejection of Pekko HTTP's own (here: a stream asked for as JSON) becomes a problem too. */
  @Test
  void pekkoRejectionNamesItsRoute() throws Exception {
    String path = "/v1/channels/web/actions/stream";
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + NODE.node().httpPort() + path + "?after=0"))
                    .header("Authorization", basic(READ_KEY))
                    .header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(406, response.statusCode(), response.body());
    JsonNode problem = new ObjectMapper().readTree(response.body());
    assertEquals(406, problem.get("status").asInt());
    assertEquals(path, problem.get("instance").asText());
  }
}
