package io.itinera.engine.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.clients.NodeClients.Outcome;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import io.itinera.engine.support.WebhookReceiver.Answer;
import io.itinera.engine.support.WebhookReceiver.Received;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhooks of a delivery, retried ones among them, go through the libraries a receiver would
 * use (src/test/node/verify-webhooks.mjs): Standard Webhooks' {@code verify} for the signature and
 * the CloudEvents SDK's {@code HTTP.toEvent} for the event. The test's own receiver checks
 * signatures with its own code; these are the implementations integrators run.
 */
class WebhookLibrariesTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String JOURNEY =
      """
      journey: hooks
      version: 1
      entry:
        event: Hello
      stages:
        open:
          on:
            - name: ping
              event: Ping
              do:
                - {channel: crm, type: send, template: ping, params: {greeting: hi}}
      """;

  /** Ids a receiver must take as they are, non-ASCII included: the signature covers the bytes. */
  private static final List<String> CUSTOMERS =
      List.of("ana-" + UUID.randomUUID(), "zoë-" + UUID.randomUUID(), "李-" + UUID.randomUUID());

  @Test
  void everyWebhookOfADeliveryPassesStandardWebhooksAndTheCloudEventsSdk(@TempDir Path dir)
      throws Exception {
    List<Received> webhooks;
    try (TestDatabase database = TestDatabase.createFresh("webhooklibraries");
        WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
      // Each action's first attempt fails, so its retry is among the webhooks checked.
      receiver.script(
          "/crm", (attempt, request) -> attempt == 1 ? Answer.status(500) : Answer.ok());
      ItineraNode node = TestNode.start(settings(database, receiver));
      try {
        LoadResult journey = new JourneyLoader().load("hooks.journey.yaml", JOURNEY);
        assertTrue(journey.ok(), () -> journey.errors().toString());
        node.deployedJourneys().replace(List.of(journey.loaded()));
        ApiClient api = new ApiClient(node.httpPort());
        for (String customer : CUSTOMERS) {
          for (String event : List.of("Hello", "Ping")) {
            String body = "{\"userId\":\"" + customer + "\",\"event\":\"" + event + "\"}";
            assertEquals(200, api.post("/v1/track", body).status());
          }
        }
        webhooks = awaitWebhooks(receiver, 2 * CUSTOMERS.size());
      } finally {
        TestNode.stop(node);
      }
    }

    Path file = dir.resolve("webhooks.jsonl");
    Files.write(file, webhooks.stream().map(WebhookLibrariesTest::asJsonLine).toList());
    Outcome verified =
        NodeClients.script("verify-webhooks.mjs", Duration.ofSeconds(30), SECRET, file.toString());
    assertTrue(
        verified.succeeded(),
        "the official libraries refuse a webhook:\n"
            + verified.output()
            + "\nfirst webhook: "
            + webhooks.get(0));
  }

  private static Map<String, Object> settings(TestDatabase database, WebhookReceiver receiver) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("itinera.db.url", database.url());
    settings.put("itinera.delivery.retry.schedule", List.of("300ms", "300ms", "300ms"));
    settings.put("itinera.delivery.poll-interval", "100ms");
    settings.put("itinera.delivery.channels.crm.url", receiver.url("/crm"));
    settings.put("itinera.delivery.channels.crm.secret", SECRET);
    return settings;
  }

  private static List<Received> awaitWebhooks(WebhookReceiver receiver, int count)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (receiver.received("/crm").size() < count) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "Not " + count + " webhooks within 20 s: " + receiver.received("/crm"));
      }
      Thread.sleep(50);
    }
    return new ArrayList<>(receiver.received("/crm"));
  }

  /** The request as verify-webhooks.mjs reads it: its headers, lower-case, and its body. */
  private static String asJsonLine(Received webhook) {
    ObjectNode line = MAPPER.createObjectNode();
    ObjectNode headers = line.putObject("headers");
    headers.put("content-type", webhook.contentType());
    headers.put("webhook-id", webhook.webhookId());
    headers.put("webhook-timestamp", webhook.webhookTimestamp());
    headers.put("webhook-signature", webhook.webhookSignature());
    line.put("body", webhook.body());
    return line.toString();
  }
}
