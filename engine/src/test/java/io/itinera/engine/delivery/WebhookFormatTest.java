package io.itinera.engine.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.itinera.engine.support.WebhookReceiver;
import io.itinera.journeys.decision.PlannedAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;

/** The wire format of an action: Standard Webhooks signatures, CloudEvents, the retry schedule. */
class WebhookFormatTest {

  @Test
  void signaturesMatchTheStandardWebhooksExample() {
    // The example of the Standard Webhooks specification (and Svix's documentation).
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    String signature =
        WebhookSignature.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
    assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    assertTrue(
        WebhookSignature.verify(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            body,
            "v1,bm90LXRoaXM= " + signature));
    assertFalse(
        WebhookSignature.verify(
            secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body, signature));
  }

  @Test
  void newSecretsAreValidAndBadOnesAreNamed() {
    assertEquals(Optional.empty(), WebhookSignature.problem(WebhookSignature.newSecret()));
    assertTrue(WebhookSignature.problem("secret").isPresent());
    assertTrue(WebhookSignature.problem("whsec_c2hvcnQ=").get().contains("24 to 64 bytes"));
    assertTrue(WebhookSignature.problem("whsec_***").isPresent());
  }

  @Test
  void anActionIsAStructuredCloudEvent() throws Exception {
    PlannedAction action =
        new PlannedAction(
            "5f0c3a53-7d8b-3f3e-9f0a-1d2b3c4d5e6f",
            "running-shoes",
            1,
            "decision",
            "absence-order-completed",
            "cart-reminder",
            "email",
            "send",
            "cart-reminder",
            "free-shipping",
            Map.of("percent", "10"));
    Instant decided = Instant.parse("2026-11-23T10:15:30Z");
    String json = new ActionEvents("/itinera").toJson(action, "ana", decided);
    JsonNode event = new ObjectMapper().readTree(json);
    assertEquals("1.0", event.get("specversion").asText());
    assertEquals(action.id(), event.get("id").asText());
    assertEquals("/itinera/journeys/running-shoes", event.get("source").asText());
    assertEquals("io.itinera.action.email.send", event.get("type").asText());
    assertEquals("ana", event.get("subject").asText());
    assertEquals(decided, Instant.parse(event.get("time").asText()));
    assertEquals("application/json", event.get("datacontenttype").asText());
    JsonNode data = event.get("data");
    assertTrue(data.isObject(), json);
    assertEquals("cart-reminder", data.get("template").asText());
    assertEquals("free-shipping", data.get("offer").asText());
    assertEquals("10", data.get("params").get("percent").asText());
    assertEquals("decision", data.get("stage").asText());
    assertFalse(json.contains("\n"), "one line, as a Server-Sent Event's data needs");
    assertEquals(action, ActionEvents.data(json).toPlannedAction());
  }

  /**
   * The content type as Pekko HTTP puts it on the wire: the charset in lower case, which the
   * CloudEvents JavaScript SDK's {@code HTTP.toEvent} requires ({@code UTF-8} is refused).
   */
  @Test
  void theContentTypeOnTheWireIsLowerCase() throws Exception {
    ActorSystem system =
        ActorSystem.create("webhook-content-type", ConfigFactory.defaultReference());
    try (WebhookReceiver receiver = new WebhookReceiver(WebhookSignature.newSecret())) {
      Http.get(system)
          .singleRequest(
              HttpRequest.POST(receiver.url("/ce"))
                  .withEntity(ChannelSender.CLOUDEVENTS, "{}".getBytes(StandardCharsets.UTF_8)))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertEquals(
          "application/cloudevents+json; charset=utf-8",
          receiver.received("/ce").get(0).contentType());
    } finally {
      TestKit.shutdownActorSystem(system);
    }
  }

  @Test
  void retriesFollowTheScheduleWithJitterAndRetryAfter() {
    List<Duration> schedule =
        List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30));
    Instant now = Instant.parse("2026-11-23T10:00:00Z");
    RetryPolicy highest = new RetryPolicy(schedule, 0.1, Duration.ofHours(24), () -> 1.0);
    RetryPolicy lowest = new RetryPolicy(schedule, 0.1, Duration.ofHours(24), () -> 0.0);
    assertEquals(4, highest.maxAttempts());
    assertEquals(now.plusMillis(5500), highest.next(1, now, Optional.empty()).orElseThrow());
    assertEquals(now.plusMillis(4500), lowest.next(1, now, Optional.empty()).orElseThrow());
    assertEquals(
        now.plus(Duration.ofMinutes(33)), highest.next(3, now, Optional.empty()).orElseThrow());
    assertEquals(
        Optional.empty(), highest.next(4, now, Optional.empty()), "the fourth failure is the last");
    assertEquals(
        now.plusSeconds(120),
        lowest.next(1, now, Optional.of(Duration.ofSeconds(120))).orElseThrow());
    assertEquals(
        now.plus(Duration.ofHours(24)),
        lowest.next(1, now, Optional.of(Duration.ofDays(3))).orElseThrow());
    assertEquals(Optional.of(Duration.ofSeconds(7)), RetryPolicy.parseRetryAfter(" 7 ", now));
    assertEquals(
        Optional.of(Duration.ofSeconds(90)),
        RetryPolicy.parseRetryAfter("Mon, 23 Nov 2026 10:01:30 GMT", now));
    assertEquals(Optional.empty(), RetryPolicy.parseRetryAfter("soon", now));
  }
}
