package io.itinera.engine.hostile;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request bodies an attacker crafts rather than an SDK sends: nesting a hundred thousand deep, a
 * number of twenty thousand digits, a key given twice, bytes that are not UTF-8, a 10 MB body, ids
 * full of the characters URLs and Pekko reserve. Each gets a problem+json saying what is wrong and
 * where, and the node answers the next request as usual. (Overlong UTF-8, numbers past a double,
 * trailing content and compressed bombs are in {@code WireFormatsTest}; chunked bodies, long URIs
 * and headers in {@code HttpLayerProblemsTest}; the {@code |} of Auth0 ids in {@code
 * AnyCustomerIdTest}.)
 */
class HostileBodiesTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("hostile");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A reply to raw bytes: its status, content type and body as a tree. */
  record Answer(int status, String contentType, JsonNode body) {

    void isProblem(int expected, String detailPart) {
      assertEquals(expected, status, body::toString);
      assertEquals("application/problem+json", contentType);
      assertEquals(expected, body.path("status").asInt());
      assertTrue(
          body.path("detail").asText().contains(detailPart),
          () -> "detail should mention \"" + detailPart + "\": " + body);
    }
  }

  static Answer post(String path, byte[] body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + NODE.node().httpPort() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", basic(WRITE_KEY))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        MAPPER.readTree(response.body()));
  }

  static Answer post(String path, String body) throws Exception {
    return post(path, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The node still records an ordinary touchpoint: the hostile request left it healthy. */
  static void stillHealthy(ApiClient api) {
    String customer = "healthy-" + UUID.randomUUID();
    Reply reply = api.post("/v1/track", "{\"userId\":\"" + customer + "\",\"event\":\"Ping\"}");
    assertEquals(200, reply.status(), reply.body());
  }

  private static void stillHealthy() {
    stillHealthy(NODE.api());
  }

  @Test
  void nestingAHundredThousandDeepIsA400() throws Exception {
    String body = "{\"batch\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    post("/v1/batch", body).isProblem(400, "nesting depth");
    stillHealthy();
  }

  @Test
  void aNumberOfTwentyThousandDigitsIsA400() throws Exception {
    String body =
        "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"n\":" + "9".repeat(20_000) + "}}";
    post("/v1/track", body).isProblem(400, "Number value length");
    stillHealthy();
  }

  @Test
  void aKeyTwiceIsA400WithItsPointer() throws Exception {
    Answer twice =
        post("/v1/track", "{\"userId\":\"alice\",\"userId\":\"mallory\",\"event\":\"Login\"}");
    twice.isProblem(400, "twice");
    assertEquals("/userId", twice.body().at("/errors/0/pointer").asText(), twice.body()::toString);
    Answer nested =
        post(
            "/v1/track",
            "{\"userId\":\"alice\",\"event\":\"Upgrade\",\"properties\":{\"plan\":\"free\","
                + "\"plan\":\"enterprise\"}}");
    nested.isProblem(400, "twice");
    assertEquals("/properties/plan", nested.body().at("/errors/0/pointer").asText());
    stillHealthy();
  }

  @Test
  void bytesThatAreNotUtf8AreA400() throws Exception {
    // A byte UTF-8 never uses, a sequence cut short, and a UTF-16 surrogate encoded as if it were a
    // character (CESU-8).
    for (byte[] bad :
        List.of(
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xE2, (byte) 0x82},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes("{\"userId\":\"u".getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(bad);
      body.writeBytes("\",\"event\":\"E\"}".getBytes(StandardCharsets.US_ASCII));
      post("/v1/track", body.toByteArray()).isProblem(400, "not valid UTF-8: byte 13");
    }
    stillHealthy();
  }

  @Test
  void aTenMegabyteBodyIsRefusedWithoutBeingRead() throws Exception {
    byte[] body = new byte[10 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) ' ');
    long start = System.nanoTime();
    post("/v1/batch", body).isProblem(413, "500 KB");
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
    stillHealthy();
  }

  @Test
  void idsWithReservedCharactersAreStoredAndReadBackAsThemselves() throws Exception {
    for (String id :
        List.of(
            "../../v1/journeys",
            "a/b\\c",
            "q?x=1&y=2#frag",
            "100%25 sure %",
            "spaces and ünïcödé ☃ 🏃",
            "<script>alert(1)</script>",
            "'; DROP TABLE deliveries; --")) {
      String json = MAPPER.writeValueAsString(java.util.Map.of("userId", id, "event", "Ping"));
      assertEquals(200, post("/v1/track", json).status(), id);
      String path =
          "/v1/customers/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
      Reply read = NODE.api().get(path, basic(ADMIN_KEY));
      assertEquals(200, read.status(), id + ": " + read.body());
      assertEquals(id, read.json().get("customerId").asText());
    }
    post("/v1/track", "{\"userId\":\"nul\\u0000byte\",\"event\":\"E\"}").isProblem(400, "/userId");
    stillHealthy();
  }
}
