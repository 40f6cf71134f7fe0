package io.itinera.engine.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.itinera.engine.storage.Storage;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.engine.support.TestDatabase;
import io.itinera.journeys.decision.PlannedAction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The eager outbox and the outbox projection queue the same actions, each in its own transaction on
 * a real PostgreSQL: whichever comes second must leave the first's row, not fail on its key.
 */
class QueueingRaceTest {

  private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");

  @Test
  void theSecondToQueueAnActionWaitsForTheFirstsCommitAndLeavesItsRow() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("queueing_race");
        Storage storage = database.migratedStorage(4)) {
      new ChannelEndpoints(storage.dataSource(), Dialect.POSTGRES)
          .put(
              new ChannelEndpoint.Settings(
                  "email", "http://127.0.0.1:9/hook", null, Duration.ofSeconds(1), 4, 0),
              "test",
              NOW);
      Queueing queueing =
          new Queueing(new DeliveryDialect(Dialect.POSTGRES), new ActionEvents("/itinera"));
      List<Queueing.Change> changes = List.of(queue("a-1", "email"), queue("a-2", "email"));

      try (Connection eager = storage.dataSource().getConnection()) {
        eager.setAutoCommit(false);
        assertEquals(
            new Queueing.Applied(Set.of("email"), 2), queueing.apply(eager, changes, NOW, true));
        // The projection reads the same events while the eager transaction is still open: its
        // check before the lock cannot see the uncommitted rows.
        CompletableFuture<Void> projection =
            CompletableFuture.runAsync(
                () -> {
                  try (Connection connection = storage.dataSource().getConnection()) {
                    connection.setAutoCommit(false);
                    queueing.apply(connection, changes, NOW);
                    connection.commit();
                  } catch (SQLException e) {
                    throw new CompletionException(e);
                  }
                });
        Thread.sleep(500);
        assertFalse(projection.isDone(), "the projection waits for the channel's cursor lock");
        eager.commit();
        projection.get(10, TimeUnit.SECONDS);
      }

      assertEquals(2, database.queryLong("SELECT count(*) FROM deliveries"), "each action once");
      assertEquals(
          2,
          database.queryLong("SELECT max(channel_seq) FROM deliveries"),
          "the eager lane's cursors");
      assertEquals(
          4,
          database.queryLong("SELECT last_seq FROM channel_sequences WHERE channel = 'email'"),
          "the projection's two cursors were taken, then skipped");
    }
  }

  @Test
  void theEagerLaneLeavesChannelsWithoutAWebhookToTheProjection() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("queueing_pull");
        Storage storage = database.migratedStorage(2)) {
      Queueing queueing =
          new Queueing(new DeliveryDialect(Dialect.POSTGRES), new ActionEvents("/itinera"));
      List<Queueing.Change> changes = List.of(queue("f-1", "feed"));
      try (Connection connection = storage.dataSource().getConnection()) {
        connection.setAutoCommit(false);
        assertEquals(
            new Queueing.Applied(Set.of(), 0), queueing.apply(connection, changes, NOW, true));
        connection.commit();
      }
      assertEquals(0, database.queryLong("SELECT count(*) FROM deliveries"));
      try (Connection connection = storage.dataSource().getConnection()) {
        connection.setAutoCommit(false);
        assertEquals(Set.of("feed"), queueing.apply(connection, changes, NOW));
        connection.commit();
      }
      assertEquals(
          1, database.queryLong("SELECT count(*) FROM deliveries WHERE status = 'available'"));
    }
  }

  private static Queueing.Queue queue(String id, String channel) {
    return new Queueing.Queue(
        new PlannedAction(
            id, "pings", 1, "open", "ping", "send", channel, "send", "ping", null, Map.of()),
        "eve",
        NOW);
  }
}
