package io.itinera.engine.delivery;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine dies in the middle of an outbox batch: the batch's rows are written but not committed
 * when its database connection goes (as when the process is killed) and the node is stopped; a new
 * node on the same database finishes the work. Every action the ingest acknowledged is queued,
 * once: the channel's cursors run 1..N without a gap or a repeat, so no row was even attempted
 * twice.
 */
class OutboxRestartTest {

  private static final int CUSTOMERS = 240;

  @AfterEach
  void clearHook() {
    OutboxProjection.beforeCommit = rows -> {};
  }

  @Test
  void anEngineRestartedInTheMiddleOfABatchQueuesEveryActionOnce() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("outbox_restart")) {
      Map<String, Object> settings =
          Map.of("itinera.db.url", database.url(), "itinera.delivery.outbox.group-size", 20);
      CountDownLatch blocked = new CountDownLatch(1);
      CountDownLatch crash = new CountDownLatch(1);
      AtomicInteger groups = new AtomicInteger();
      OutboxProjection.beforeCommit =
          rows -> {
            if (groups.incrementAndGet() == 3) {
              blocked.countDown();
              try {
                crash.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new IllegalStateException("the engine died in the middle of this batch");
            }
          };

      Set<String> acknowledged = new TreeSet<>();
      ItineraNode first = TestNode.start(settings);
      try {
        first.deployedJourneys().replace(List.of(WebhookDeliveryTest.pings().loaded()));
        ApiClient api = new ApiClient(first.httpPort());
        for (int from = 0; from < CUSTOMERS; from += 40) {
          StringBuilder batch = new StringBuilder("{\"batch\":[");
          for (int i = from; i < from + 40; i++) {
            batch
                .append(i == from ? "" : ",")
                .append("{\"type\":\"track\",\"userId\":\"c-")
                .append(i)
                .append("\",\"event\":\"Hello\"},")
                .append("{\"type\":\"track\",\"userId\":\"c-")
                .append(i)
                .append("\",\"event\":\"Ping\",\"properties\":{\"to\":\"feed\"}}");
          }
          JsonNode reply = api.post("/v1/batch", batch + "]}").json();
          assertEquals(80, reply.get("recorded").asInt());
          reply.get("actions").forEach(action -> acknowledged.add(action.get("id").asText()));
        }
        assertEquals(CUSTOMERS, acknowledged.size());
        assertTrue(blocked.await(30, TimeUnit.SECONDS), "the third batch was reached");
        long committed = database.queryLong("SELECT count(*) FROM deliveries");
        assertTrue(
            committed > 0 && committed < CUSTOMERS, "in the middle: " + committed + " queued");

        // The batch's connection goes, as when the process is killed: PostgreSQL rolls it back.
        assertEquals(1, database.endOpenTransactions("deliveries"), "one batch was open");
      } finally {
        first.system().terminate();
        crash.countDown();
        first.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
      OutboxProjection.beforeCommit = rows -> {};

      ItineraNode second = TestNode.start(settings);
      try {
        second.deployedJourneys().replace(List.of(WebhookDeliveryTest.pings().loaded()));
        WebhookDeliveryTest.await(
            "every action is queued",
            Duration.ofSeconds(30),
            () -> database.queryLong("SELECT count(*) FROM deliveries") >= CUSTOMERS);
        Thread.sleep(1_000);
        assertEquals(
            CUSTOMERS, database.queryLong("SELECT count(*) FROM deliveries"), "none twice");
        assertEquals(
            CUSTOMERS,
            database.queryLong("SELECT max(channel_seq) FROM deliveries"),
            "cursors 1..N: no row was attempted twice, none skipped");
        assertEquals(
            CUSTOMERS,
            database.queryLong("SELECT last_seq FROM channel_sequences WHERE channel = 'feed'"));
        assertEquals(acknowledged, actionIds(database), "exactly the acknowledged actions");
        JsonNode page =
            new ApiClient(second.httpPort())
                .get("/v1/channels/feed/actions?limit=1000", basic(READ_KEY))
                .json();
        assertEquals(CUSTOMERS, page.get("actions").size());
      } finally {
        TestNode.stop(second);
      }
    }
  }

  private static Set<String> actionIds(TestDatabase database) throws Exception {
    Set<String> ids = new HashSet<>();
    String url = database.url();
    try (Connection c =
            DriverManager.getConnection(url.substring(0, url.indexOf('?')), "postgres", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT action_id FROM deliveries")) {
      while (r.next()) {
        ids.add(r.getString(1));
      }
    }
    return new TreeSet<>(ids);
  }
}
