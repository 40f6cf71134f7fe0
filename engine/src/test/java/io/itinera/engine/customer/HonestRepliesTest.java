package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.JournalCheck;
import io.itinera.engine.support.TcpProxy;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A cold node on a slow journal: every write takes longer than the gateway's resend, so each is
 * sent again while the first send is still being recorded. The replies still say what the journal
 * holds: every touchpoint recorded once and counted as recorded, not as a duplicate of itself, with
 * the actions the journeys decided.
 */
class HonestRepliesTest {

  private static final String PREFIX = "hr";
  private static final Duration RESEND_AFTER = Duration.ofMillis(200);

  @Test
  void writesSlowerThanTheResendAreCountedAsRecordedWithTheirActions() {
    try (TestDatabase database = TestDatabase.createFresh("honest");
        TcpProxy proxy = new TcpProxy(5432)) {
      ItineraNode node =
          TestNode.start(
              Map.of(
                  "itinera.db.url",
                  database.urlThrough(proxy.port()),
                  "itinera.http.resend-after",
                  RESEND_AFTER.toMillis() + "ms"));
      try {
        ApiClient api = new ApiClient(node.httpPort());
        assertEquals(201, api.deployJourney("welcome", TestJourneys.WELCOME).status());
        proxy.slowDown(Duration.ofMillis(150));

        long start = System.nanoTime();
        JsonNode first = api.post("/v1/track", signedUp(1, 1)).json();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis > 2 * RESEND_AFTER.toMillis(), "sent again: took " + tookMillis);
        assertEquals(1, first.get("recorded").asInt(), first.toString());
        assertEquals(0, first.get("duplicates").asInt(), first.toString());
        assertEquals(1, first.get("actions").size(), first.toString());

        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int customer = 2; customer <= 41; customer++) {
          batch.append(customer == 2 ? "" : ",").append(signedUp(customer, 1));
        }
        JsonNode batchReply = api.post("/v1/batch", batch + "]}").json();
        assertEquals(40, batchReply.get("recorded").asInt(), batchReply.toString());
        assertEquals(0, batchReply.get("duplicates").asInt(), batchReply.toString());
        assertEquals(40, batchReply.get("actions").size(), batchReply.toString());

        // A client's retry of the same message is what a duplicate is.
        JsonNode retry = api.post("/v1/track", signedUp(1, 1)).json();
        assertEquals(0, retry.get("recorded").asInt(), retry.toString());
        assertEquals(1, retry.get("duplicates").asInt(), retry.toString());

        Map<String, Integer> journal = JournalCheck.recordedMessageIds(database, PREFIX);
        assertEquals(41, journal.size(), "as many recorded as the replies said");
        assertTrue(journal.values().stream().allMatch(times -> times == 1), journal.toString());
      } finally {
        proxy.slowDown(Duration.ZERO);
        TestNode.stop(node);
      }
    }
  }

  private static String signedUp(int customer, int message) {
    String id = "%s-c%03d".formatted(PREFIX, customer);
    return "{\"type\":\"track\",\"userId\":\"%s\",\"event\":\"Signed Up\",\"messageId\":\"%s-%05d\"}"
        .formatted(id, id, message);
  }
}
