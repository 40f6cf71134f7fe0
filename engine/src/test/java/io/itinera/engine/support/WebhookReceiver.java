package io.itinera.engine.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real webhook receiver for tests (the JDK's HTTP server, nothing of the engine's): it records
 * every request with its arrival time, checks its Standard Webhooks signature with its own
 * implementation of the scheme, and answers as each path's script says.
 */
public final class WebhookReceiver implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One request as it arrived. */
  public record Received(
      String path,
      Instant at,
      String webhookId,
      String webhookTimestamp,
      String webhookSignature,
      String contentType,
      String body,
      boolean signatureValid) {

    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("Not JSON: " + body, e);
      }
    }
  }

  /** An answer: status, headers, body; a null answer means never answer. */
  public record Answer(int status, Map<String, String> headers, String body) {

    public static Answer ok() {
      return new Answer(200, Map.of(), "");
    }

    public static Answer status(int status) {
      return new Answer(status, Map.of(), "receiver says " + status);
    }
  }

  /** What a path answers to its n-th request (counted from 1) with a given webhook-id. */
  public interface Script {
    Answer answer(int attemptOfThisId, Received request);
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final String secret;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  public WebhookReceiver(String secret) throws IOException {
    this.secret = secret;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public void script(String path, Script script) {
    scripts.put(path, script);
  }

  public List<Received> received(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  public List<Received> receivedWithId(String webhookId) {
    return received.stream().filter(r -> webhookId.equals(r.webhookId())).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String id = exchange.getRequestHeaders().getFirst("webhook-id");
    String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
    String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
    Received request =
        new Received(
            exchange.getRequestURI().getPath(),
            Instant.now(),
            id,
            timestamp,
            signature,
            exchange.getRequestHeaders().getFirst("Content-Type"),
            body,
            verifies(id, timestamp, body, signature));
    received.add(request);
    int attempt = attempts.merge(request.path() + "|" + id, 1, Integer::sum);
    Answer answer =
        scripts.getOrDefault(request.path(), (n, r) -> Answer.ok()).answer(attempt, request);
    if (answer == null) {
      // Never answer: hold the connection until the receiver is closed.
      try {
        closing.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * The Standard Webhooks check, written out here independently of the engine: base64 HMAC-SHA256
   * of {@code id.timestamp.body} keyed with the secret's bytes after {@code whsec_}, compared in
   * constant time with each {@code v1,} entry of the header.
   */
  private boolean verifies(String id, String timestamp, String body, String header) {
    if (id == null || timestamp == null || header == null) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      byte[] expected =
          Base64.getEncoder()
              .encode(
                  mac.doFinal(
                      (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
      for (String entry : header.split(" ")) {
        if (entry.startsWith("v1,")
            && MessageDigest.isEqual(
                expected, entry.substring(3).getBytes(StandardCharsets.UTF_8))) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
