package io.itinera.loadtest.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The engine's public HTTP API as the harness uses it, with the three keys: deploy a journey
 * (admin), send touchpoints in batches (write), read a customer's decisions and a journey's
 * analytics (read). A 429 or 503 is retried after a pause, as a well-behaved client would.
 */
final class EngineClient {

  /** Well under the API's 2,500 messages and 500 KB per batch. */
  private static final int BATCH = 500;

  /** Batches in flight at once: 4 made a node on two cores time out asks (503s, retried). */
  private static final int SENDERS = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String writeKey;
  private final String readKey;
  private final String adminKey;

  EngineClient(URI base, String writeKey, String readKey, String adminKey) {
    this.base = base;
    this.writeKey = writeKey;
    this.readKey = readKey;
    this.adminKey = adminKey;
  }

  void deploy(String journey, String yaml) throws IOException, InterruptedException {
    HttpResponse<String> reply =
        send(
            request("/v1/journeys/" + encode(journey), adminKey)
                .header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(yaml)));
    expect(reply, "deploying " + journey, 200, 201);
  }

  /**
   * Sends the messages (Segment track calls) in batches, {@link #SENDERS} at a time, refusing any
   * the engine rejected. A customer's messages must all be in one call to keep their order.
   */
  void track(List<ObjectNode> messages) throws IOException, InterruptedException {
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int from = 0; from < messages.size(); from += BATCH) {
        List<ObjectNode> part = messages.subList(from, Math.min(messages.size(), from + BATCH));
        sent.add(
            senders.submit(
                () -> {
                  sendBatch(part);
                  return null;
                }));
      }
      for (Future<?> batch : sent) {
        batch.get();
      }
    } catch (ExecutionException failed) {
      throw new IllegalStateException(failed.getCause());
    } finally {
      senders.shutdownNow();
    }
  }

  private void sendBatch(List<ObjectNode> messages) throws IOException, InterruptedException {
    ArrayNode batch = JSON.createArrayNode();
    messages.forEach(batch::add);
    ObjectNode body = JSON.createObjectNode();
    body.set("batch", batch);
    HttpResponse<String> reply =
        send(
            request("/v1/batch", writeKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    expect(reply, "sending touchpoints", 200);
    JsonNode rejected = JSON.readTree(reply.body()).path("rejected");
    if (rejected.size() > 0) {
      throw new IllegalStateException("the engine rejected touchpoints: " + rejected);
    }
  }

  ObjectNode trackMessage(String customerId, String event, String messageId) {
    ObjectNode message = JSON.createObjectNode();
    message.put("type", "track");
    message.put("userId", customerId);
    message.put("event", event);
    message.put("messageId", messageId);
    message.putObject("context").put("channel", "web");
    return message;
  }

  JsonNode decisions(String customerId) throws IOException, InterruptedException {
    HttpResponse<String> reply =
        send(
            request("/v1/customers/" + encode(customerId) + "/decisions?limit=100", readKey).GET());
    expect(reply, "reading the decisions of " + customerId, 200);
    return JSON.readTree(reply.body());
  }

  /** The analytics answer, or empty while the route answers 404 (the journey not counted yet). */
  Optional<JsonNode> analytics(String journey, String query)
      throws IOException, InterruptedException {
    String path =
        "/v1/journeys/" + encode(journey) + "/analytics" + (query.isEmpty() ? "" : "?" + query);
    HttpResponse<String> reply =
        send(request(path, readKey).header("Accept", "application/json").GET());
    if (reply.statusCode() == 404) {
      return Optional.empty();
    }
    expect(reply, "reading the analytics of " + journey, 200);
    return Optional.of(JSON.readTree(reply.body()));
  }

  private HttpRequest.Builder request(String path, String key) {
    String basic = Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Basic " + basic);
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    HttpRequest built = request.build();
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> reply = http.send(built, HttpResponse.BodyHandlers.ofString());
      int status = reply.statusCode();
      if ((status != 429 && status != 503) || attempt == 20) {
        return reply;
      }
      long seconds = reply.headers().firstValueAsLong("Retry-After").orElse(1);
      Thread.sleep(Math.max(200, Math.min(5_000, seconds * 1_000)));
    }
  }

  private static void expect(HttpResponse<String> reply, String doing, int... statuses) {
    for (int status : statuses) {
      if (reply.statusCode() == status) {
        return;
      }
    }
    throw new IllegalStateException(doing + ": HTTP " + reply.statusCode() + " " + reply.body());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
