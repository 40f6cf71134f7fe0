package io.itinera.engine.analytics;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import io.itinera.engine.support.WebhookReceiver.Answer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Deliveries by outcome: the cart offers go to a webhook that takes most and refuses every third
 * for good, and the analytics count as delivered and dead exactly what the delivery queue says,
 * whichever of the sender and the projection came first.
 */
class AnalyticsDeliveryTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @Test
  void webhookOutcomesAreCountedOnceByOutcome() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("analytics_deliveries");
        WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
      AtomicInteger ids = new AtomicInteger();
      Map<String, Boolean> refused = new java.util.concurrent.ConcurrentHashMap<>();
      receiver.script(
          "/web",
          (attempt, request) -> {
            String id = request.json().get("id").asText();
            boolean refuse = refused.computeIfAbsent(id, k -> ids.incrementAndGet() % 3 == 0);
            return refuse ? Answer.status(500) : Answer.ok();
          });
      Map<String, Object> settings = new HashMap<>();
      settings.put("itinera.db.url", database.url());
      settings.put("itinera.delivery.retry.schedule", List.of("100ms", "100ms"));
      settings.put("itinera.delivery.poll-interval", "100ms");
      settings.put("itinera.delivery.channels.web.url", receiver.url("/web"));
      settings.put("itinera.delivery.channels.web.secret", SECRET);
      ItineraNode node = TestNode.start(settings);
      try {
        ApiClient api = new ApiClient(node.httpPort());
        assertEquals(
            201, api.deployJourney(FunnelPopulation.JOURNEY, FunnelPopulation.YAML).status());
        new FunnelPopulation("dl", 60).drive(api, emitted -> Map.of());
        FunnelPopulation.await(
            "every offer delivered or dead",
            Duration.ofSeconds(30),
            () ->
                database.queryLong("SELECT count(*) FROM deliveries WHERE status = 'pending'") == 0
                    && database.queryLong("SELECT count(*) FROM deliveries") > 0);
        // Read the table again on every try: the outbox may still be queueing the last actions
        // when the first ones are settled, and a count taken once would then be short.
        FunnelPopulation.await(
            "the analytics count every settled delivery",
            Duration.ofSeconds(30),
            () -> {
              JsonNode offer = offer(api);
              return offer != null
                  && database.queryLong("SELECT count(*) FROM deliveries WHERE status = 'pending'")
                      == 0
                  && offer.get("delivered").asLong() == count(database, "delivered")
                  && offer.get("dead").asLong() == count(database, "dead");
            });
        Thread.sleep(500);
        long delivered = count(database, "delivered");
        long dead = count(database, "dead");
        assertTrue(delivered > 0 && dead > 0, delivered + " delivered, " + dead + " dead");
        JsonNode offer = offer(api);
        assertEquals(delivered, offer.get("delivered").asLong(), "none twice");
        assertEquals(dead, offer.get("dead").asLong(), "none twice");
        assertEquals(
            0,
            database.queryLong("SELECT count(*) FROM analytics_delivery_outcome"),
            "no outcome left waiting for its action");
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static long count(TestDatabase database, String status) {
    return database.queryLong("SELECT count(*) FROM deliveries WHERE status = '" + status + "'");
  }

  private static JsonNode offer(ApiClient api) {
    JsonNode actions =
        api.get("/v1/journeys/shoe-funnel/analytics", basic(READ_KEY)).json().get("actions");
    return actions.size() == 0 ? null : actions.get(0);
  }
}
