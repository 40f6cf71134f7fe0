package io.itinera.engine.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerEvent.CustomerErased;
import io.itinera.engine.customer.CustomerPersistenceId;
import io.itinera.engine.metrics.ProjectionMetrics;
import io.itinera.engine.storage.PooledJdbcSession;
import io.itinera.engine.storage.Storage;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.engine.support.TestClock;
import io.itinera.engine.support.TestDatabase;
import io.itinera.journeys.decision.PlannedAction;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.Test;

/**
 * The outbox reading an erasure's marker, on PostgreSQL: the customer's deliveries of actions
 * decided up to the erasure go (rows a lagging group queued from events read before the erasure
 * deleted them), those decided after it stay, and other customers' are untouched.
 */
class OutboxErasureTest {

  private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");

  @Test
  void theMarkerDeletesTheCustomersEarlierDeliveriesAndKeepsLaterOnes() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("outbox_erasure");
        Storage storage = database.migratedStorage(2)) {
      Queueing queueing =
          new Queueing(new DeliveryDialect(Dialect.POSTGRES), new ActionEvents("/itinera"));
      try (Connection connection = storage.dataSource().getConnection()) {
        connection.setAutoCommit(false);
        queueing.apply(
            connection,
            List.of(
                queue("before", "eve", NOW),
                queue("after", "eve", NOW.plusSeconds(60)),
                queue("other", "bob", NOW)),
            NOW);
        connection.commit();
      }

      CustomerErased marker = new CustomerErased(12, 0, NOW.plusSeconds(30));
      EventEnvelope<CustomerEvent> envelope =
          EventEnvelope.create(
              Offset.sequence(40),
              CustomerPersistenceId.of("eve").id(),
              13,
              marker,
              marker.at().toEpochMilli());
      // No channel gets rows from a marker, so the handler tells no one: no notices needed.
      OutboxProjection.Handler handler =
          new OutboxProjection.Handler(
              queueing,
              null,
              new TestClock(NOW.plus(Duration.ofMinutes(2))),
              ProjectionMetrics.none("outbox"));
      PooledJdbcSession session = new PooledJdbcSession(storage.dataSource());
      handler.process(session, List.<EventEnvelope<CustomerEvent>>of(envelope));
      session.commit();
      session.close();

      assertEquals(
          List.of("after", "other"),
          database.query(
              "SELECT action_id FROM deliveries ORDER BY action_id", row -> row.getString(1)));
    }
  }

  private static Queueing.Queue queue(String id, String customer, Instant decidedAt) {
    return new Queueing.Queue(
        new PlannedAction(
            id, "pings", 1, "open", "ping", "send", "feed", "send", "ping", null, Map.of()),
        customer,
        decidedAt);
  }
}
