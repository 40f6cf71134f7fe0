package io.itinera.engine.timers;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerEvent.ChangesTimers;
import io.itinera.engine.customer.CustomerPersistenceId;
import io.itinera.engine.customer.Tags;
import io.itinera.engine.storage.PooledJdbcSession;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Keeps {@code due_timers} in step with the journal: each decision that changes a customer's timers
 * carries when their soonest timer is due afterwards, and this projection writes that down. It runs
 * one stream per tag slice, each on one node of the cluster (a sharded daemon process), and commits
 * each group of events with its offset in one transaction, so after a crash the table and the
 * offset agree and nothing is applied twice.
 */
public final class DueTimersProjection {

  private DueTimersProjection() {}

  /** Starts the projection's slices, spread over the cluster. */
  public static void init(
      ActorSystem<?> system, DataSource dataSource, DueTimers table, int slices) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            "due-timers-projection",
            slices,
            slice ->
                ProjectionBehavior.create(projection(system, dataSource, table, slice, slices)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static GroupedProjection<Offset, EventEnvelope<CustomerEvent>> projection(
      ActorSystem<?> system, DataSource dataSource, DueTimers table, int slice, int slices) {
    SourceProvider<Offset, EventEnvelope<CustomerEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), Tags.timers(slice));
    return JdbcProjection.groupedWithin(
            ProjectionId.of("due-timers", Tags.timers(slice)),
            source,
            () -> new PooledJdbcSession(dataSource),
            () -> new Handler(table, slices),
            system)
        .withGroup(500, Duration.ofMillis(20))
        .withRestartBackoff(Duration.ofMillis(500), Duration.ofSeconds(10), 0.2);
  }

  /** Writes the last due time of each customer in a group: earlier ones are already stale. */
  static final class Handler
      extends JdbcHandler<List<EventEnvelope<CustomerEvent>>, PooledJdbcSession> {

    private final DueTimers table;
    private final int slices;

    Handler(DueTimers table, int slices) {
      this.table = table;
      this.slices = slices;
    }

    @Override
    public void process(PooledJdbcSession session, List<EventEnvelope<CustomerEvent>> envelopes)
        throws Exception {
      Map<String, Instant> latest = new LinkedHashMap<>();
      for (EventEnvelope<CustomerEvent> envelope : envelopes) {
        if (envelope.event() instanceof ChangesTimers change) {
          latest.put(
              CustomerPersistenceId.customerId(envelope.persistenceId()), change.nextTimerDue());
        }
      }
      session.withConnection(
          connection -> {
            for (Map.Entry<String, Instant> due : latest.entrySet()) {
              table.set(connection, due.getKey(), Tags.slice(due.getKey(), slices), due.getValue());
            }
            return null;
          });
    }
  }
}
