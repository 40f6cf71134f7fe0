package io.itinera.engine.gateway;

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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bodies as real clients send them: gzipped or deflated (RudderStack's Node SDK gzips by default),
 * labelled with any of the media types Segment-compatible SDKs use, and read strictly as one JSON
 * value in well-formed UTF-8.
 */
class WireFormatsTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("gateway");

  private static final ApiClient api = NODE.api();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private record Answer(int status, String contentType, JsonNode body) {}

  private static Answer post(String path, byte[] body, String contentType, String encoding)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + NODE.node().httpPort() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", basic(WRITE_KEY))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        MAPPER.readTree(response.body()));
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  private static byte[] deflate(byte[] plain, boolean zlibWrapped) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out =
        new DeflaterOutputStream(bytes, new Deflater(Deflater.DEFAULT_COMPRESSION, !zlibWrapped))) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  private static byte[] track(String customer) {
    return """
        {"userId":"%s","event":"Order Completed","properties":{"total":12.5}}"""
        .formatted(customer)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static int touchpoints(String customer) {
    return api.get("/v1/customers/" + customer, basic(READ_KEY))
        .json()
        .get("touchpointCount")
        .asInt();
  }

  private static void assertProblem(Answer answer, int status, String path, String detailPart) {
    assertEquals(status, answer.status(), answer.body().toString());
    assertEquals("application/problem+json", answer.contentType());
    assertEquals(path, answer.body().path("instance").asText(), answer.body().toString());
    assertTrue(
        answer.body().path("detail").asText().contains(detailPart),
        () -> "detail should mention \"" + detailPart + "\": " + answer.body());
  }

  @Test
  void gzipAndDeflateBodiesAreDecoded() throws Exception {
    String customer = "c-" + UUID.randomUUID();
    assertEquals(200, post("/v1/track", gzip(track(customer)), "application/json", "gzip").status);
    assertEquals(
        200,
        post("/v1/track", deflate(track(customer), true), "application/json", "deflate").status);
    assertEquals(
        200,
        post("/v1/track", deflate(track(customer), false), "application/json", "Deflate").status);
    assertEquals(3, touchpoints(customer));
  }

  /** What @rudderstack/rudder-sdk-node 3.0.13 sends by default. */
  @Test
  void rudderStackSdkGzippedFormTypedBatchIsRecorded() throws Exception {
    String customer = "c-" + UUID.randomUUID();
    byte[] batch =
        """
        {"batch":[{"type":"identify","userId":"%1$s","traits":{"plan":"gold"}},\
        {"type":"track","userId":"%1$s","event":"Signed Up"}],"sentAt":"2026-01-01T00:00:00Z"}"""
            .formatted(customer)
            .getBytes(StandardCharsets.UTF_8);
    Answer answer =
        post("/v1/batch", gzip(batch), "application/x-www-form-urlencoded; charset=UTF-8", "gzip");
    assertEquals(200, answer.status(), answer.body().toString());
    assertEquals(2, answer.body().get("recorded").asInt());
  }

  @Test
  void jsonIsAcceptedUnderEveryMediaTypeClientsUse() throws Exception {
    String customer = "c-" + UUID.randomUUID();
    for (String type :
        new String[] {
          "application/json; charset=UTF-8",
          "text/plain;charset=utf-8",
          "Application/X-WWW-Form-Urlencoded; Charset=UTF-8"
        }) {
      Answer answer = post("/v1/track", track(customer), type, null);
      assertEquals(200, answer.status(), type + ": " + answer.body());
    }
    assertEquals(3, touchpoints(customer));
  }

  @Test
  void otherMediaTypesAndUnknownEncodingsAre415() throws Exception {
    byte[] body = track("c-" + UUID.randomUUID());
    assertProblem(post("/v1/track", body, "application/xml", null), 415, "/v1/track", "xml");
    assertProblem(post("/v1/track", body, "application/json", "br"), 415, "/v1/track", "\"br\"");
  }

  /** A gzip bomb: 64 KB of zeros compress to under a kilobyte; decoded, they are over 32 KB. */
  @Test
  void decompressedSizeIsLimitedByTheRoute() throws Exception {
    byte[] padded =
        ("{\"userId\":\"u\",\"event\":\"x\",\"properties\":{\"pad\":\""
                + "0".repeat(64 * 1024)
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] bomb = gzip(padded);
    assertTrue(bomb.length < 1024, "compressed: " + bomb.length);
    assertProblem(post("/v1/track", bomb, "application/json", "gzip"), 413, "/v1/track", "32 KB");
    assertProblem(
        post("/v1/batch", gzip(new byte[] {1, 2, 3}), "application/json", "deflate"),
        400,
        "/v1/batch",
        "Content-Encoding");
    byte[] whole = gzip(track("c-" + UUID.randomUUID()));
    assertProblem(
        post("/v1/track", Arrays.copyOf(whole, whole.length - 12), "application/json", "gzip"),
        400,
        "/v1/track",
        "Content-Encoding");
  }

  @Test
  void contentAfterTheJsonValueIsA400() {
    for (String body :
        new String[] {
          "{\"userId\":\"u\",\"event\":\"x\"}{\"userId\":\"v\",\"event\":\"y\"}",
          "{\"userId\":\"u\",\"event\":\"x\"} xyz"
        }) {
      Reply reply =
          api.send("POST", "/v1/track", body, "application/json", basic(WRITE_KEY), Check.RESPONSE);
      assertEquals(400, reply.status(), body);
      assertTrue(reply.json().get("detail").asText().contains("line 1, column "), reply.body());
    }
  }

  @Test
  void numbersBeyondADoubleAreA400WithTheirPointer() {
    Reply reply =
        api.send(
            "POST",
            "/v1/track",
            "{\"userId\":\"u\",\"event\":\"x\",\"properties\":{\"total\":1e400}}",
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertEquals(400, reply.status(), reply.body());
    assertEquals(
        "/properties/total",
        reply.json().get("errors").get(0).get("pointer").asText(),
        reply.body());
    assertTrue(reply.json().get("detail").asText().contains("line 1, column"), reply.body());
  }

  /** {@code C0 AF} is an overlong '/': Jackson alone would read it as one. */
  @Test
  void overlongUtf8IsA400() throws Exception {
    byte[] prefix = "{\"userId\":\"u\",\"event\":\"a".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[prefix.length + 4];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    body[prefix.length] = (byte) 0xC0;
    body[prefix.length + 1] = (byte) 0xAF;
    body[prefix.length + 2] = '"';
    body[prefix.length + 3] = '}';
    assertProblem(
        post("/v1/track", body, "application/json", null),
        400,
        "/v1/track",
        "byte " + (prefix.length + 1));
  }
}
