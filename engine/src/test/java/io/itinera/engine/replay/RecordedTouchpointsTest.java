package io.itinera.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.engine.customer.CustomerPersistenceId;
import io.itinera.engine.storage.StorageExtension;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import io.itinera.journeys.simulate.Replay.Recorded;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay's reader of journals gives, customer by customer, exactly the touchpoints the read
 * journal gives, on both databases: every kind of touchpoint, customers with ids that need care,
 * the events that are not touchpoints left out (decisions are recorded inside touchpoints; a merge
 * writes events of its own), customers without a journal left out, and the per-customer bound.
 */
class RecordedTouchpointsTest {

  static final List<String> CUSTOMERS = List.of("ana", "auth0|5f7c", "ben", "nobody", "visitor-1");

  @Test
  void readsWhatTheReadJournalReadsOnPostgres() {
    try (TestDatabase database = TestDatabase.createFresh("recorded_touchpoints")) {
      check(TestNode.onPostgres(database));
    }
  }

  @Test
  void readsWhatTheReadJournalReadsOnH2(@TempDir Path dataDir) {
    check(TestNode.start(Map.of("itinera.db.url", "", "itinera.db.data-dir", dataDir.toString())));
  }

  private static void check(ItineraNode node) {
    try {
      ApiClient api = new ApiClient(node.httpPort());
      api.deployJourney("cart", TestJourneys.cartReminder("cart", 1, "1h", "cart-reminder"));
      send(api, "{\"userId\":\"ana\",\"traits\":{\"email\":\"ana@example.com\"}}", "/v1/identify");
      send(
          api,
          "{\"userId\":\"ana\",\"event\":\"Product Added\",\"properties\":{\"sku\":\"p-1\",\"price\":89.5},\"timestamp\":\"2026-12-01T10:00:00.123456Z\"}",
          "/v1/track");
      send(
          api,
          "{\"userId\":\"ana\",\"name\":\"Shoes\",\"properties\":{\"path\":\"/shoes\"}}",
          "/v1/page");
      send(api, "{\"userId\":\"ana\",\"event\":\"Order Completed\"}", "/v1/track");
      send(api, "{\"userId\":\"auth0|5f7c\",\"event\":\"Product Added\"}", "/v1/track");
      send(
          api,
          "{\"userId\":\"auth0|5f7c\",\"groupId\":\"acme\",\"traits\":{\"plan\":\"pro\"}}",
          "/v1/group");
      send(api, "{\"userId\":\"ben\",\"event\":\"Product Added\"}", "/v1/track");
      // The visitor's profile is merged into ben's: events that are not touchpoints in both
      // journals.
      send(api, "{\"anonymousId\":\"visitor-1\",\"event\":\"Product Viewed\"}", "/v1/track");
      send(api, "{\"anonymousId\":\"visitor-1\",\"userId\":\"ben\",\"traits\":{}}", "/v1/identify");
      send(api, "{\"userId\":\"ben\",\"event\":\"Order Completed\"}", "/v1/track");

      RecordedTouchpoints reader =
          new RecordedTouchpoints(node.system(), StorageExtension.get(node.system()).dataSource());
      List<Recorded> all = reader.read(CUSTOMERS, 1_000);
      List<String> read = all.stream().map(Recorded::customerId).toList();
      assertEquals(
          List.of("ana", "auth0|5f7c", "ben", "visitor-1"), read, "in order; nobody has none");
      for (Recorded customer : all) {
        assertEquals(
            fromReadJournal(node, customer.customerId()),
            customer.touchpoints(),
            customer.customerId());
      }
      assertEquals(4, all.get(0).touchpoints().size(), "ana's identify, track, page, track");
      List<Recorded> bounded = reader.read(List.of("ana"), 2);
      assertEquals(all.get(0).touchpoints().subList(0, 2), bounded.get(0).touchpoints());
    } finally {
      TestNode.stop(node);
    }
  }

  private static void send(ApiClient api, String json, String path) {
    ApiClient.Reply reply = api.post(path, json);
    assertEquals(200, reply.status(), reply.body());
  }

  private static List<Touchpoint> fromReadJournal(ItineraNode node, String customerId) {
    return PersistenceQuery.get(node.system())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier())
        .currentEventsByPersistenceId(CustomerPersistenceId.of(customerId).id(), 0L, Long.MAX_VALUE)
        .map(envelope -> envelope.event())
        .filter(event -> event instanceof TouchpointRecorded)
        .map(event -> ((TouchpointRecorded) event).touchpoint())
        .runWith(Sink.seq(), node.system())
        .toCompletableFuture()
        .orTimeout(10, TimeUnit.SECONDS)
        .join();
  }
}
