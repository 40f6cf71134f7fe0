package io.itinera.engine.gateway;

import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP server layer's own errors, which never reach a route, answer with problem+json like the
 * routes do: a malformed request line, a URI or headers over their limits, a chunked body over the
 * route's limit, and the request timeout. Sent over a plain socket, as no HTTP client would send
 * them.
 */
class HttpLayerProblemsTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("gateway");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A response read off the wire: its status, headers (names in lower case) and body. */
  private record Raw(int status, String head, JsonNode problem) {
    void assertProblem(int expected, String instance) {
      assertEquals(expected, status, head + problem);
      assertTrue(head.contains("content-type: application/problem+json"), head);
      assertEquals(expected, problem.get("status").asInt(), problem.toString());
      assertEquals(problem.get("detail").asText(), problem.get("message").asText());
      assertTrue(
          problem.get("instance").asText().matches(instance),
          () -> "instance should match " + instance + ": " + problem);
    }
  }

  private static Raw exchange(int port, String head, byte[]... chunks) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      // Read while writing: a server that refuses a body answers and closes before it ends, and a
      // reader that waited for the writes to finish would find the connection reset.
      InputStream in = socket.getInputStream();
      CompletableFuture<Raw> answer =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return read(in);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] chunk : chunks) {
          out.write(
              (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (chunks.length > 0) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      } catch (IOException refusedMidway) {
        // The server answered and stopped reading before the body ended.
      }
      return answer.get(30, TimeUnit.SECONDS);
    }
  }

  private static Raw read(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    String text = "";
    int split = -1;
    int length = -1;
    byte[] buffer = new byte[8192];
    while (length < 0 || received.size() < split + 4 + length) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      received.write(buffer, 0, n);
      text = received.toString(StandardCharsets.UTF_8);
      split = text.indexOf("\r\n\r\n");
      if (split >= 0 && length < 0) {
        String head = text.substring(0, split).toLowerCase(Locale.ROOT);
        int at = head.indexOf("content-length:");
        length = Integer.parseInt(head.substring(at + 15).split("\r\n")[0].trim());
      }
    }
    String head = text.substring(0, split).toLowerCase(Locale.ROOT);
    return new Raw(
        Integer.parseInt(head.substring(9, 12)),
        head,
        MAPPER.readTree(text.substring(split + 4, split + 4 + length)));
  }

  private static int port() {
    return NODE.node().httpPort();
  }

  @Test
  void uriOverTheLimitIsA414Problem() throws Exception {
    String uri = "/v1/customers/" + "x".repeat(20 * 1024);
    exchange(port(), "GET " + uri + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .assertProblem(414, "urn:uuid:[0-9a-f-]{36}");
  }

  @Test
  void headerOverTheLimitIsA431Problem() throws Exception {
    Raw raw =
        exchange(
            port(),
            "GET /v1/customers/c-1 HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                + "y".repeat(16 * 1024)
                + "\r\n\r\n");
    raw.assertProblem(431, "urn:uuid:[0-9a-f-]{36}");
    assertEquals("request-header-fields-too-large", raw.problem().get("code").asText());
  }

  @Test
  void malformedHeaderIsA400Problem() throws Exception {
    exchange(port(), "GET /v1/track HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n")
        .assertProblem(400, "urn:uuid:[0-9a-f-]{36}");
  }

  /** A chunked body has no length to refuse up front: it is refused when it passes the limit. */
  @Test
  void chunkedBodyOverTheLimitIsA413Problem() throws Exception {
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) ' ');
    chunk[0] = '{';
    String head =
        "POST %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: %s\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    exchange(port(), head.formatted("/v1/track", basic(WRITE_KEY)), chunk, chunk)
        .assertProblem(413, "/v1/track");
    byte[][] tenMegabytes = new byte[160][];
    Arrays.fill(tenMegabytes, chunk);
    exchange(port(), head.formatted("/v1/batch", basic(WRITE_KEY)), tenMegabytes)
        .assertProblem(413, "/v1/batch");
  }

  /** On a bare server with a short timeout: a node's 20 s would hold the suite up. */
  @Test
  void requestTimeoutIsA503ProblemWithRetryAfter() throws Exception {
    ActorSystem system =
        ActorSystem.create(
            "timeout",
            ConfigFactory.parseString("pekko.http.server.request-timeout = 300ms")
                .withFallback(ConfigFactory.defaultReference()));
    try {
      Route never = onComplete(new CompletableFuture<String>(), done -> null);
      Route slow = path("slow", () -> never);
      ServerBinding binding =
          Http.get(system)
              .newServerAt("127.0.0.1", 0)
              .bind(GatewayRoutes.answeringProblems(slow))
              .toCompletableFuture()
              .get();
      Raw raw =
          exchange(
              binding.localAddress().getPort(), "GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
      raw.assertProblem(503, "/slow");
      assertTrue(raw.head().contains("retry-after: 1"), raw.head());
    } finally {
      system.terminate();
    }
  }
}
