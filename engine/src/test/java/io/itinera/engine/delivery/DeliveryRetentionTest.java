package io.itinera.engine.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.delivery.Delivery.Status;
import io.itinera.engine.storage.Storage;
import io.itinera.engine.storage.StorageSettings;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.engine.storage.TableSizes;
import io.itinera.engine.support.Scrape;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Retention of finished deliveries, on PostgreSQL and on H2: what is past its status's retention
 * goes, in batches; what is younger, and anything pending, stays. And on a running node, the one
 * retention worker deleting on its own, and the table-size gauges.
 */
class DeliveryRetentionTest {

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  private static final DeliveryRetention.Settings WEEK_AND_MONTH =
      new DeliveryRetention.Settings(
          Map.of(Status.DELIVERED, Duration.ofDays(7), Status.DEAD, Duration.ofDays(30)),
          Duration.ofMinutes(1),
          3,
          100,
          Duration.ofMillis(20));

  @Test
  void finishedDeliveriesPastTheirRetentionAreDeletedInBatchesOnPostgres() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("retention");
        Storage storage = database.migratedStorage(4)) {
      deletesWhatIsPastRetention(storage.dataSource(), storage.settings().dialect());
    }
  }

  @Test
  void finishedDeliveriesPastTheirRetentionAreDeletedInBatchesOnH2() throws Exception {
    Path directory = Files.createTempDirectory("itinera-retention");
    String url =
        "jdbc:h2:file:"
            + directory.resolve("itinera")
            + ";WRITE_DELAY=0;DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE";
    try (Storage storage = Storage.open(new StorageSettings(Dialect.H2, url, "sa", "", 4))) {
      storage.migrate();
      deletesWhatIsPastRetention(storage.dataSource(), storage.settings().dialect());
      assertTrue(
          TableSizes.read(storage.dataSource(), Dialect.H2).stream()
              .anyMatch(size -> size.table().equals("deliveries") && size.rows() == 8),
          "H2 tells the rows left");
    }
  }

  private static void deletesWhatIsPastRetention(DataSource dataSource, Dialect dialect)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      insert(connection, "delivered", Duration.ofDays(8), 7);
      insert(connection, "delivered", Duration.ofDays(6), 2);
      insert(connection, "dead", Duration.ofDays(31), 4);
      insert(connection, "dead", Duration.ofDays(10), 1);
      insert(connection, "pending", Duration.ofDays(90), 2);
      insert(connection, "available", Duration.ofDays(90), 3);
    }
    DeliveryRetention retention =
        new DeliveryRetention(dataSource, new DeliveryDialect(dialect), WEEK_AND_MONTH);

    assertEquals(3, retention.deleteBatch(Status.DELIVERED, NOW), "one batch at a time");
    assertEquals(3, retention.deleteBatch(Status.DELIVERED, NOW));
    assertEquals(1, retention.deleteBatch(Status.DELIVERED, NOW), "a short batch: the last");
    assertEquals(3, retention.deleteBatch(Status.DEAD, NOW));
    assertEquals(1, retention.deleteBatch(Status.DEAD, NOW));
    assertEquals(0, retention.deleteBatch(Status.DEAD, NOW));
    assertEquals(0, retention.deleteBatch(Status.AVAILABLE, NOW), "no retention set for it");

    assertEquals(
        Map.of("available", 3L, "dead", 1L, "delivered", 2L, "pending", 2L),
        countByStatus(dataSource),
        "younger rows, pending ones and statuses without a retention stay");
  }

  @Test
  void aNodeDeletesOldDeliveriesOnItsOwnAndReportsTableSizes() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("retention_node")) {
      ItineraNode node =
          TestNode.start(
              Map.of(
                  "itinera.db.url", database.url(),
                  "itinera.delivery.retention.interval", "300ms",
                  "itinera.metrics.table-size-poll-interval", "300ms"));
      try {
        try (Connection connection = DriverManager.getConnection(database.url(), "postgres", "")) {
          insert(connection, Instant.now(), "delivered", Duration.ofDays(8), 5);
          insert(connection, Instant.now(), "delivered", Duration.ofHours(1), 2);
        }
        WebhookDeliveryTest.await(
            "the old delivered rows are deleted",
            Duration.ofSeconds(20),
            () -> database.queryLong("SELECT count(*) FROM deliveries") == 2);

        WebhookDeliveryTest.await(
            "the gauges show the deliveries table",
            Duration.ofSeconds(30),
            () -> {
              Scrape scrape = Scrape.of(node.managementPort());
              return scrape.has("itinera_storage_table_rows", "table", "deliveries")
                  && scrape.value("itinera_storage_table_bytes", "table", "deliveries") > 0;
            });
        Scrape scrape = Scrape.of(node.managementPort());
        assertTrue(
            scrape.text().contains("# HELP itinera_storage_table_rows Live rows per table"),
            "HELP text");
        assertTrue(scrape.text().contains("# HELP itinera_storage_table_bytes Bytes on disk"));
        assertTrue(
            scrape.value("itinera_storage_table_bytes", "table", "event_journal") > 0,
            "every table of the schema, the journal too");
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static void insert(Connection connection, String status, Duration age, int count)
      throws SQLException {
    insert(connection, NOW, status, age, count);
  }

  private static void insert(
      Connection connection, Instant now, String status, Duration age, int count)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO deliveries (action_id, channel, channel_seq, customer_id, journey, event,"
                + " emitted_at, queued_at, status, attempts)"
                + " VALUES (?, 'email', ?, 'c-1', 'pings', '{}', ?, ?, ?, 1)")) {
      Timestamp queued = Timestamp.from(now.minus(age));
      for (int i = 0; i < count; i++) {
        insert.setString(1, UUID.randomUUID().toString());
        insert.setLong(2, SEQ.incrementAndGet());
        insert.setTimestamp(3, queued);
        insert.setTimestamp(4, queued);
        insert.setString(5, status);
        insert.executeUpdate();
      }
    }
  }

  /** Cursors, unique per channel. */
  private static final AtomicLong SEQ = new AtomicLong();

  private static Map<String, Long> countByStatus(DataSource dataSource) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement("SELECT status, count(*) FROM deliveries GROUP BY status");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        counts.put(rows.getString(1), rows.getLong(2));
      }
    }
    return counts;
  }
}
