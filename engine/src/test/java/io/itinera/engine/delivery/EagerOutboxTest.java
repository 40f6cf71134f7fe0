package io.itinera.engine.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.Scrape;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The eager outbox queues a webhook action as soon as its decision is journalled, without waiting
 * for the outbox projection; the projection, when it reads the same events, queues nothing twice
 * and still queues what the lane leaves to it (a channel without a webhook endpoint).
 *
 * <p>The node's read journal polls every 8 s here, so the projection sees a new event 8-16 s after
 * it is written: an action delivered within 1.5 s of its touchpoint was queued by the eager lane.
 * The projection can poll inside one such window, never inside three that are 2.5 s apart.
 */
class EagerOutboxTest {

  @Test
  void webhookActionsAreQueuedBeforeTheProjectionReadsThemAndNeverTwice() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("eager_outbox");
        WebhookReceiver receiver = new WebhookReceiver(WebhookDeliveryTest.SECRET)) {
      Map<String, Object> settings = new HashMap<>();
      settings.put("itinera.db.url", database.url());
      settings.put("jdbc-read-journal.refresh-interval", "8s");
      settings.put("jdbc-read-journal.journal-sequence-retrieval.query-delay", "8s");
      settings.put("itinera.delivery.poll-interval", "5s");
      settings.put("itinera.delivery.channels.email.url", receiver.url("/email"));
      settings.put("itinera.delivery.channels.email.secret", WebhookDeliveryTest.SECRET);
      ItineraNode node = TestNode.start(settings);
      try {
        node.deployedJourneys().replace(List.of(WebhookDeliveryTest.pings().loaded()));
        ApiClient api = new ApiClient(node.httpPort());
        assertEquals(
            200,
            api.post(
                    "/v1/identify",
                    "{\"userId\":\"eve\",\"traits\":{\"consent\":{\"email\":true}}}")
                .status());
        assertEquals(
            200, api.post("/v1/track", "{\"userId\":\"eve\",\"event\":\"Hello\"}").status());

        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          String id = ping(api, "email");
          emails.add(id);
          WebhookDeliveryTest.await(
              "email action "
                  + (i + 1)
                  + " delivered within 1.5 s, long before the projection polls",
              Duration.ofMillis(1_500),
              () -> !receiver.receivedWithId(id).isEmpty());
          Thread.sleep(2_500);
        }
        // "feed" has no webhook endpoint: the lane leaves it to the projection (its withdrawals
        // must apply in journal order), which queues it on its next poll.
        String feed = ping(api, "feed");
        WebhookDeliveryTest.await(
            "the projection queues the feed action",
            Duration.ofSeconds(30),
            () ->
                database.queryLong(
                        "SELECT count(*) FROM deliveries WHERE action_id = '" + feed + "'")
                    == 1);
        // By now the projection has read the e-mail actions' events too (they are older).
        Thread.sleep(1_000);
        assertEquals(
            3, database.queryLong("SELECT count(*) FROM deliveries WHERE channel = 'email'"));
        assertEquals(
            3,
            database.queryLong(
                "SELECT count(DISTINCT channel_seq) FROM deliveries WHERE channel = 'email'"));
        for (String id : emails) {
          assertEquals(1, receiver.receivedWithId(id).size(), "sent once: " + id);
          assertEquals(
              "delivered",
              database
                  .query(
                      "SELECT status FROM deliveries WHERE action_id = '" + id + "'",
                      r -> r.getString(1))
                  .get(0));
        }
        assertEquals(
            3.0,
            Scrape.of(node.managementPort())
                .value("itinera_outbox_eager_actions_total", "outcome", "queued"),
            "the e-mail actions, counted as queued by the lane");
        assertEquals(
            "available",
            database
                .query(
                    "SELECT status FROM deliveries WHERE action_id = '" + feed + "'",
                    r -> r.getString(1))
                .get(0));
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static String ping(ApiClient api, String channel) {
    ApiClient.Reply reply =
        api.post(
            "/v1/track",
            "{\"userId\":\"eve\",\"event\":\"Ping\",\"properties\":{\"to\":\"" + channel + "\"}}");
    JsonNode actions = reply.json().get("actions");
    assertTrue(actions != null && actions.size() == 1, reply.body());
    return actions.get(0).get("id").asText();
  }
}
