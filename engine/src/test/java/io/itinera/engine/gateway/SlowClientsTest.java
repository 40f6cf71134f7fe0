package io.itinera.engine.gateway;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that send their headers a byte at a time are cut off at the header timeouts, although
 * each byte would reset Pekko's idle-timeout: a new connection's first request at
 * itinera.http.header-timeout, a kept-alive connection's next one at keep-alive-header-timeout
 * after the previous answer. A request being answered, even a long stream, is not cut off.
 */
class SlowClientsTest {

  private static final Duration FIRST = Duration.ofSeconds(3);
  private static final Duration LATER = Duration.ofSeconds(5);

  private static TestDatabase database;
  private static ItineraNode node;

  @BeforeAll
  static void start() {
    database = TestDatabase.createFresh("slowclients");
    node =
        TestNode.start(
            Map.of(
                "itinera.db.url",
                database.url(),
                "itinera.http.header-timeout",
                FIRST.toMillis() + "ms",
                "itinera.http.keep-alive-header-timeout",
                LATER.toMillis() + "ms"));
    // The first request a node serves loads Pekko HTTP's classes, which takes seconds on a loaded
    // machine: the clock counts the server's time too, so warm it up before timing clients.
    try (Socket socket = connect()) {
      socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
      readAnswer(socket.getInputStream());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @AfterAll
  static void stop() {
    try {
      if (node != null) {
        TestNode.stop(node);
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", node.httpPort());
    socket.setSoTimeout(250);
    return socket;
  }

  private static final String REQUEST = "GET /v1/journeys HTTP/1.1\r\nHost: x\r\n\r\n";

  @Test
  void aNewConnectionSendingItsHeadersSlowlyIsClosedAtTheHeaderTimeout() throws Exception {
    try (Socket socket = connect()) {
      long start = System.nanoTime();
      socket.getOutputStream().write("GET /v1/journeys HTTP/1.1\r\n".getBytes());
      Duration held = trickleUntilClosed(socket, start);
      assertBetween(held, FIRST);
    }
  }

  @Test
  void aKeptAliveConnectionSendingItsNextHeadersSlowlyIsClosedAtTheKeepAliveTimeout()
      throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
      String first = readAnswer(socket.getInputStream());
      assertTrue(first.startsWith("HTTP/1.1 401"), first);
      long start = System.nanoTime();
      socket.getOutputStream().write("GET /v1/journeys HTTP/1.1\r\n".getBytes());
      Duration held = trickleUntilClosed(socket, start);
      assertBetween(held, LATER);
    }
  }

  @Test
  void aStreamOutlivesTheTimeoutsAndAPromptRequestIsServed() throws Exception {
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write(
              ("GET /v1/channels/slow/actions/stream HTTP/1.1\r\nHost: x\r\nAuthorization: "
                      + basic(READ_KEY)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      long until = System.nanoTime() + LATER.plusSeconds(2).toNanos();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      boolean closed = false;
      while (System.nanoTime() < until && !closed) {
        try {
          int b = in.read();
          closed = b == -1;
          if (!closed) {
            seen.write(b);
          }
        } catch (SocketTimeoutException stillOpen) {
          // the stream is open and quiet
        }
      }
      assertTrue(
          seen.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"), seen.toString());
      assertFalse(closed, "the stream was cut off while it was being answered");
    }
  }

  /** Sends one header byte every 250 ms until the server closes the connection. */
  private static Duration trickleUntilClosed(Socket socket, long start) throws IOException {
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    long giveUp = start + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < giveUp) {
      try {
        out.write('a');
        out.flush();
        if (in.read() == -1) {
          return Duration.ofNanos(System.nanoTime() - start);
        }
      } catch (SocketTimeoutException stillOpen) {
        // nothing came back: the connection is still open
      } catch (IOException reset) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
    }
    throw new AssertionError("the slow connection was still open after 30 s");
  }

  private static void assertBetween(Duration held, Duration bound) {
    assertTrue(held.compareTo(bound.minusMillis(500)) > 0, "closed early, after " + held);
    assertTrue(held.compareTo(bound.plusSeconds(3)) < 0, "closed after " + held + " > " + bound);
  }

  /** One answer with a Content-Length body, read whole. */
  private static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      if (System.nanoTime() > giveUp) {
        throw new AssertionError("no answer: " + head);
      }
      try {
        head.write(in.read());
      } catch (SocketTimeoutException wait) {
        // keep reading
      }
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int length =
        headers
            .lines()
            .filter(line -> line.toLowerCase().startsWith("content-length:"))
            .map(line -> Integer.parseInt(line.substring(15).trim()))
            .findFirst()
            .orElse(0);
    byte[] body = new byte[length];
    for (int read = 0; read < length; ) {
      try {
        read += in.read(body, read, length - read);
      } catch (SocketTimeoutException wait) {
        // keep reading
      }
    }
    assertEquals(length, body.length);
    return headers + new String(body, StandardCharsets.UTF_8);
  }
}
