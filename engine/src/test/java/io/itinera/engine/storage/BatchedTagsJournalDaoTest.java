package io.itinera.engine.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.customer.Tags;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The journal DAO that writes tagged batches in one statement: many customers' writes, tagged (a
 * cart starts a journey and its timer) and untagged (page views) at once, so the journal groups
 * both kinds into its batches. Every tag row must point at the event it tags: the customer's own
 * decision, in the customer's slice, once.
 */
class BatchedTagsJournalDaoTest {

  private static final String JOURNEY = TestJourneys.cartReminder("dao-cart", 1, "1h", "reminder");

  @Test
  void tagRowsPointAtTheirOwnEventsWhenTaggedAndUntaggedWritesShareBatches() throws Exception {
    int customers = 60;
    try (TestDatabase database = TestDatabase.createFresh("dao")) {
      ItineraNode node = TestNode.onPostgres(database);
      try {
        ApiClient api = new ApiClient(node.httpPort());
        assertEquals(201, api.deployJourney("dao-cart", JOURNEY).status());
        awaitDeployed(node);

        // Many writes at once, so the journal groups several customers' writes into each batch.
        ExecutorService clients = Executors.newFixedThreadPool(32);
        List<CompletableFuture<ApiClient.Reply>> replies = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
          for (int c = 0; c < customers; c++) {
            String event = round == 1 ? "Product Added" : "Page Viewed";
            String body =
                "{\"userId\":\"dao-"
                    + c
                    + "\",\"event\":\""
                    + event
                    + "\",\"messageId\":\"r"
                    + round
                    + "-"
                    + c
                    + "\"}";
            replies.add(CompletableFuture.supplyAsync(() -> api.post("/v1/track", body), clients));
          }
        }
        for (CompletableFuture<ApiClient.Reply> reply : replies) {
          assertEquals(200, reply.join().status(), reply.join().body());
        }
        clients.shutdown();
      } finally {
        TestNode.stop(node);
      }

      assertEquals(
          3L * customers,
          database.queryLong(
              "SELECT count(*) FROM event_journal WHERE persistence_id LIKE '%dao-%' AND event_ser_manifest LIKE '%TouchpointRecorded%'"));
      // The cart's decision (journey entered, timer set) is each customer's only event tagged for
      // the timers: no action goes out before the timer fires, so one timers-<slice> row per
      // customer. (Analytics tags every journey decision too; its own tests count those.)
      List<String> tagged =
          database.query(
              "SELECT j.persistence_id || ' ' || j.event_ser_manifest || ' ' || t.tag"
                  + " FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id"
                  + " WHERE t.tag LIKE 'timers-%'"
                  + " ORDER BY j.persistence_id",
              rows -> rows.getString(1));
      assertEquals(customers, tagged.size(), String.join("\n", tagged));
      for (String row : tagged) {
        String[] parts = row.split(" ");
        String customer = parts[0].substring(parts[0].indexOf("dao-"));
        assertEquals(Tags.timers(customer, 4), parts[2], row);
      }
      // ...and it is the customer's cart touchpoint (round 1), which carries that decision: the
      // tag row must point at that very event, not at a neighbour in the batch. The message id is
      // found in the payload as CBOR writes a short text: a byte 0x60 + length, then UTF-8.
      String messageId = "'r1-' || substring(j.persistence_id from '[0-9]+$')";
      List<String> taggedMessages =
          database.query(
              "SELECT j.persistence_id FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id"
                  + " WHERE t.tag LIKE 'timers-%' AND position(set_byte('\\x00'::bytea, 0, 96 + length("
                  + messageId
                  + "))"
                  + " || convert_to("
                  + messageId
                  + ", 'UTF8') in j.event_payload) > 0",
              rows -> rows.getString(1));
      assertEquals(customers, taggedMessages.size(), String.join("\n", taggedMessages));
    }
  }

  private static void awaitDeployed(ItineraNode node) throws InterruptedException {
    for (int i = 0; i < 50 && node.deployedJourneys().current().isEmpty(); i++) {
      Thread.sleep(100);
    }
  }
}
