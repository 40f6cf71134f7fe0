package io.itinera.engine.customer;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import io.itinera.engine.support.WebhookReceiver.Received;
import io.itinera.protocol.touchpoint.IngestLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A customer id with the {@code |} Pekko reserves, as Auth0's ids have, is identified, tracked,
 * read back, and woken by its timer like any other, and shows as itself in every answer and
 * webhook; a plain id keeps the persistence id it always had, so existing journals still recover.
 */
class AnyCustomerIdTest {

  private static final String AUTH0_ID = "auth0|5f7c8ec7a1b2c3d4e5f60718";
  private static final String IN_PATH = "auth0%7C5f7c8ec7a1b2c3d4e5f60718";

  /** The longest id, each of whose characters takes three in its persistence id. */
  private static final String ALL_BARS = "|".repeat(IngestLimits.MAX_ID_LENGTH);

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @Test
  void anAuth0IdWorksEverywhereAndShowsAsItself() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("ids");
        WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
      ItineraNode node =
          TestNode.start(
              Map.of(
                  "itinera.db.url",
                  database.url(),
                  "itinera.delivery.poll-interval",
                  "100ms",
                  "itinera.delivery.channels.email.url",
                  receiver.url("/email"),
                  "itinera.delivery.channels.email.secret",
                  SECRET));
      try {
        ApiClient api = new ApiClient(node.httpPort());
        assertEquals(
            201,
            api.deployJourney("cart", TestJourneys.cartReminder("cart", 1, "1s", "reminder"))
                .status());

        for (String id : List.of(AUTH0_ID, "plain-u-42", ALL_BARS)) {
          recorded(
              api.post(
                  "/v1/identify",
                  "{\"userId\":\"" + id + "\",\"traits\":{\"consent\":{\"email\":true}}}"));
          recorded(
              api.post("/v1/track", "{\"userId\":\"" + id + "\",\"event\":\"Product Added\"}"));
        }

        Reply customer = api.get("/v1/customers/" + IN_PATH, basic(READ_KEY));
        assertEquals(200, customer.status(), customer.body());
        assertEquals(AUTH0_ID, customer.json().get("customerId").asText());

        // The reminder: its timer fires for the customer and its webhook names them.
        Received reminder = awaitWebhookFor(receiver, AUTH0_ID);
        assertEquals(AUTH0_ID, reminder.json().path("subject").asText(), reminder.body());

        Reply decisions = api.get("/v1/customers/" + IN_PATH + "/decisions", basic(READ_KEY));
        assertEquals(200, decisions.status(), decisions.body());
        assertEquals(AUTH0_ID, decisions.json().get("customerId").asText());
        assertTrue(decisions.body().contains("TimerFired"), "the timer fired: " + decisions.body());

        Set<String> persistenceIds = new HashSet<>();
        database.query(
            "SELECT DISTINCT persistence_id FROM event_journal",
            row -> persistenceIds.add(row.getString(1)));
        assertEquals(
            Set.of(
                "Customer|plain-u-42",
                "Customer|auth0%7C5f7c8ec7a1b2c3d4e5f60718",
                "Customer|" + "%7C".repeat(IngestLimits.MAX_ID_LENGTH)),
            persistenceIds);
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static void recorded(Reply reply) {
    assertEquals(200, reply.status(), reply.body());
    assertEquals(1, reply.json().get("recorded").asInt(), reply.body());
  }

  private static Received awaitWebhookFor(WebhookReceiver receiver, String customerId)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      for (Received received : receiver.received("/email")) {
        JsonNode data = received.json().path("data");
        if (customerId.equals(data.path("customerId").asText())) {
          return received;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("No webhook for " + customerId + ": " + receiver.received("/email"));
  }
}
