package io.itinera.engine.analytics;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerEvent.ActionShown;
import io.itinera.engine.customer.CustomerEvent.ProfileAbsorbed;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.engine.customer.CustomerPersistenceId;
import io.itinera.engine.customer.Tags;
import io.itinera.engine.metrics.Metrics;
import io.itinera.engine.metrics.ProjectionMetrics;
import io.itinera.engine.storage.PooledJdbcSession;
import io.itinera.engine.storage.StorageSettings.Dialect;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
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
 * Journey analytics' read side: counts the journal's journey events (tag {@code analytics-<slice>})
 * into the analytics tables. One stream per slice, each on one node (a sharded daemon process);
 * each group of events is counted with the projection's offset in one transaction, so a crash in
 * the middle of a group rolls back both, and the group is counted again, once, after the restart.
 * Grouping keeps it level with ingest: one round of reads and one of upserts per group.
 */
public final class AnalyticsProjection {

  /** The projection's name in the offset store; a rebuild deletes its offsets. */
  static final String NAME = "analytics";

  /** Tests only: called inside each group's transaction, after its counts are written. */
  static volatile IntConsumer beforeCommit = events -> {};

  private AnalyticsProjection() {}

  /** Starts the projection's slices, spread over the cluster. */
  public static void init(
      ActorSystem<?> system,
      DataSource dataSource,
      Dialect dialect,
      int slices,
      Grouping grouping) {
    AnalyticsTables tables = new AnalyticsTables(dialect);
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            "analytics-projection",
            slices,
            slice ->
                ProjectionBehavior.create(projection(system, dataSource, tables, slice, grouping)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** How many events a group holds at most, and how long it waits to fill. */
  public record Grouping(int size, Duration within) {}

  private static GroupedProjection<Offset, EventEnvelope<CustomerEvent>> projection(
      ActorSystem<?> system,
      DataSource dataSource,
      AnalyticsTables tables,
      int slice,
      Grouping grouping) {
    SourceProvider<Offset, EventEnvelope<CustomerEvent>> source =
        EventSourcedProvider.eventsByTag(
            system, JdbcReadJournal.Identifier(), Tags.analytics(slice));
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, Tags.analytics(slice)),
            source,
            () -> new PooledJdbcSession(dataSource),
            () -> new Handler(tables, Metrics.get(system).projection(NAME)),
            system)
        .withGroup(grouping.size(), grouping.within())
        .withRestartBackoff(Duration.ofMillis(500), Duration.ofSeconds(10), 0.2);
  }

  static final class Handler
      extends JdbcHandler<List<EventEnvelope<CustomerEvent>>, PooledJdbcSession> {

    private final AnalyticsTables tables;
    private final ProjectionMetrics metrics;

    Handler(AnalyticsTables tables, ProjectionMetrics metrics) {
      this.tables = tables;
      this.metrics = metrics;
    }

    @Override
    public void process(PooledJdbcSession session, List<EventEnvelope<CustomerEvent>> envelopes)
        throws Exception {
      long started = System.nanoTime();
      Set<String> customers = new LinkedHashSet<>();
      Set<String> actionIds = new LinkedHashSet<>();
      for (EventEnvelope<CustomerEvent> envelope : envelopes) {
        customers.add(CustomerPersistenceId.customerId(envelope.persistenceId()));
        if (envelope.event() instanceof ProfileAbsorbed absorbed) {
          // The visitor's rows, to carry over: they may live in another slice.
          customers.add(absorbed.from());
        }
        if (envelope.event() instanceof TouchpointRecorded recorded) {
          AnalyticsCounts.actionIdOf(recorded).ifPresent(actionIds::add);
        } else if (envelope.event() instanceof ActionShown shown) {
          actionIds.add(shown.actionId());
        }
      }
      session.withConnection(
          connection -> {
            AnalyticsCounts counts =
                new AnalyticsCounts(
                    tables.journeysOf(connection, customers),
                    tables.actions(connection, actionIds));
            for (EventEnvelope<CustomerEvent> envelope : envelopes) {
              counts.add(
                  CustomerPersistenceId.customerId(envelope.persistenceId()), envelope.event());
            }
            // Deliveries whose outcome came before the projection knew their action.
            List<String> recorded =
                counts.newActions().stream().map(EmittedAction::actionId).toList();
            DeliveryOutcomes.takeWaiting(connection, recorded)
                .forEach((id, outcomes) -> outcomes.forEach(o -> counts.outcome(id, o)));
            tables.write(connection, counts);
            return null;
          });
      beforeCommit.accept(envelopes.size());
      long newest = envelopes.get(envelopes.size() - 1).timestamp();
      metrics.group(
          envelopes.size(),
          Duration.ofNanos(System.nanoTime() - started),
          Duration.ofMillis(System.currentTimeMillis() - newest));
    }
  }
}
