package io.itinera.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.support.NodeOnFreshDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that sends its headers a byte at a time is cut off at itinera.http.header-timeout (10
 * s), although each byte would reset Pekko's idle-timeout; one that sends them at once is served.
 */
class SlowClientsTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("gateway");

  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aConnectionSendingItsHeadersSlowlyIsClosedWithinTheHeaderTimeout() throws Exception {
    long start = System.nanoTime();
    boolean closed = false;
    try (Socket socket = new Socket("127.0.0.1", NODE.node().httpPort())) {
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write("GET /v1/journeys HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      // One more header byte every half second, for longer than the bound.
      byte[] trickle = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes();
      for (int i = 0; i < trickle.length && !closed; i++) {
        try {
          out.write(trickle[i]);
          out.flush();
          closed = in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
          // nothing came back within 500 ms: the connection is still open
        } catch (IOException reset) {
          closed = true;
        }
      }
    }
    Duration held = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(closed, "the slow connection was never closed");
    assertTrue(
        held.compareTo(HEADER_TIMEOUT.plusSeconds(3)) < 0,
        "closed after " + held + ", the bound is " + HEADER_TIMEOUT);
    assertTrue(held.compareTo(HEADER_TIMEOUT.minusSeconds(1)) > 0, "not before the bound");
  }

  @Test
  void aConnectionSendingItsHeadersAtOnceIsServed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", NODE.node().httpPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET /v1/journeys HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals("HTTP/1.1 401 Unauthorized", answer.lines().findFirst().orElse(""));
    }
  }
}
