package io.itinera.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replay longer than the request waits is answered 202 and goes on; GET then shows it running,
 * and its report once done. The replay is held back deterministically: the journal table is locked
 * while the POST waits, so its read cannot finish before the answer.
 */
class LongReplayTest {

  @Test
  void aLongReplayIsAnswered202AndItsReportIsThereToPoll() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("long_replay")) {
      ItineraNode node =
          TestNode.start(
              Map.of("itinera.db.url", database.url(), "itinera.replay.answer-within", "1s"));
      try {
        ApiClient api = new ApiClient(node.httpPort());
        String cart = TestJourneys.cartReminder("cart", 1, "1h", "cart-reminder");
        api.deployJourney("cart", cart);
        for (String customer : new String[] {"ana", "ben"}) {
          Reply sent =
              api.post(
                  "/v1/track", "{\"userId\":\"" + customer + "\",\"event\":\"Product Added\"}");
          assertEquals(200, sent.status(), sent.body());
        }
        String candidate = TestJourneys.cartReminder("cart", 2, "2h", "cart-reminder");
        Reply accepted;
        try (Connection lock =
                DriverManager.getConnection(
                    database.url().replace("?reWriteBatchedInserts=true", ""), "postgres", "");
            Statement statement = lock.createStatement()) {
          lock.setAutoCommit(false);
          statement.execute("LOCK TABLE event_journal IN ACCESS EXCLUSIVE MODE");
          accepted =
              api.send(
                  "POST",
                  "/v1/journeys/cart/replay?customers=ana,ben",
                  candidate,
                  "application/yaml",
                  ApiClient.basic(ApiClient.ADMIN_KEY),
                  Check.REQUEST_AND_RESPONSE);
          assertEquals(202, accepted.status(), accepted.body());
          assertEquals("/v1/journeys/cart/replay", accepted.header("Location").orElse(""));
          assertTrue(accepted.json().get("running").asBoolean(), accepted.body());
          assertEquals(429, replay(api, candidate).status(), "one replay at a time");
          lock.rollback();
        }
        JsonNode progress = poll(api);
        assertFalse(progress.get("running").asBoolean(), progress.toString());
        assertEquals(2, progress.get("report").get("customers").asInt(), progress.toString());
        assertEquals(2, progress.get("report").get("candidateVersion").asInt());
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static Reply replay(ApiClient api, String candidate) {
    return api.send(
        "POST",
        "/v1/journeys/cart/replay?customers=ana",
        candidate,
        "application/yaml",
        ApiClient.basic(ApiClient.ADMIN_KEY),
        Check.RESPONSE);
  }

  private static JsonNode poll(ApiClient api) throws InterruptedException {
    Instant until = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      Reply reply =
          api.send(
              "GET",
              "/v1/journeys/cart/replay",
              null,
              null,
              ApiClient.basic(ApiClient.ADMIN_KEY),
              Check.REQUEST_AND_RESPONSE);
      assertEquals(200, reply.status(), reply.body());
      if (!reply.json().get("running").asBoolean() || Instant.now().isAfter(until)) {
        return reply.json();
      }
      Thread.sleep(100);
    }
  }
}
