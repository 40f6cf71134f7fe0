package io.itinera.engine.delivery;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerEvent.CustomerErased;
import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerPersistenceId;
import io.itinera.engine.customer.CustomerRecords;
import io.itinera.engine.customer.Tags;
import io.itinera.engine.metrics.Metrics;
import io.itinera.engine.metrics.ProjectionMetrics;
import io.itinera.engine.storage.PooledJdbcSession;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.GoalReached;
import io.itinera.journeys.decision.JourneyEvent.JourneyExited;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
 * The outbox: moves every action the journeys emit from the journal into {@code deliveries},
 * exactly once. One stream per tag slice ({@code actions-<slice>}), each on one node (a sharded
 * daemon process); each group of events is written with the projection's offset in one transaction,
 * so after a crash the queue and the offset agree: nothing queued twice, nothing lost. Delayed and
 * quiet-hours actions are emitted when their timer fires, so they arrive here when due.
 *
 * <p>The same events withdraw actions waiting for a real-time channel (next-action) when their
 * journey converted or was left before they were shown.
 */
public final class OutboxProjection {

  /** Tests only: called inside each group's transaction, after its rows are written. */
  static volatile IntConsumer beforeCommit = rows -> {};

  private OutboxProjection() {}

  /** Starts the outbox's slices, spread over the cluster. */
  public static void init(
      ActorSystem<?> system,
      DataSource dataSource,
      Queueing queueing,
      DeliveryNotices notices,
      DeliverySettings settings,
      int slices,
      Clock clock) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            "outbox-projection",
            slices,
            slice ->
                ProjectionBehavior.create(
                    projection(system, dataSource, queueing, notices, settings, slice, clock)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static GroupedProjection<Offset, EventEnvelope<CustomerEvent>> projection(
      ActorSystem<?> system,
      DataSource dataSource,
      Queueing queueing,
      DeliveryNotices notices,
      DeliverySettings settings,
      int slice,
      Clock clock) {
    SourceProvider<Offset, EventEnvelope<CustomerEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), Tags.actions(slice));
    return JdbcProjection.groupedWithin(
            ProjectionId.of("outbox", Tags.actions(slice)),
            source,
            () -> new PooledJdbcSession(dataSource),
            () -> new Handler(queueing, notices, clock, Metrics.get(system).projection("outbox")),
            system)
        .withGroup(settings.outboxGroupSize(), settings.outboxGroupWithin())
        .withRestartBackoff(Duration.ofMillis(500), Duration.ofSeconds(10), 0.2);
  }

  static final class Handler
      extends JdbcHandler<List<EventEnvelope<CustomerEvent>>, PooledJdbcSession> {

    private final Queueing queueing;
    private final DeliveryNotices notices;
    private final Clock clock;
    private final ProjectionMetrics metrics;

    Handler(Queueing queueing, DeliveryNotices notices, Clock clock, ProjectionMetrics metrics) {
      this.queueing = queueing;
      this.notices = notices;
      this.clock = clock;
      this.metrics = metrics;
    }

    @Override
    public void process(PooledJdbcSession session, List<EventEnvelope<CustomerEvent>> envelopes)
        throws Exception {
      long started = System.nanoTime();
      List<Queueing.Change> changes = changes(envelopes);
      List<EventEnvelope<CustomerEvent>> erasures =
          envelopes.stream().filter(e -> e.event() instanceof CustomerErased).toList();
      if (changes.isEmpty() && erasures.isEmpty()) {
        return;
      }
      Set<String> channels =
          session.withConnection(
              connection -> {
                Set<String> queued =
                    changes.isEmpty()
                        ? Set.of()
                        : queueing.apply(connection, changes, clock.instant());
                // What a lagging group queued from events read before an erasure deleted them.
                for (EventEnvelope<CustomerEvent> erasure : erasures) {
                  CustomerRecords.deleteDeliveries(
                      connection,
                      CustomerPersistenceId.customerId(erasure.persistenceId()),
                      ((CustomerErased) erasure.event()).at());
                }
                return queued;
              });
      beforeCommit.accept(changes.size());
      metrics.group(
          envelopes.size(),
          Duration.ofNanos(System.nanoTime() - started),
          Duration.ofMillis(
              System.currentTimeMillis() - envelopes.get(envelopes.size() - 1).timestamp()));
      if (!channels.isEmpty()) {
        List<String> queued = List.copyOf(channels);
        session.afterCommit(() -> notices.channelsQueued(queued));
      }
    }
  }

  /** What a group of journal events asks of the queue, in journal order. */
  static List<Queueing.Change> changes(List<EventEnvelope<CustomerEvent>> envelopes) {
    List<Queueing.Change> changes = new ArrayList<>();
    for (EventEnvelope<CustomerEvent> envelope : envelopes) {
      addChanges(
          CustomerPersistenceId.customerId(envelope.persistenceId()), envelope.event(), changes);
    }
    return changes;
  }

  /** Adds what one of the customer's events asks of the queue to {@code changes}. */
  static void addChanges(String customerId, CustomerEvent event, List<Queueing.Change> changes) {
    JourneysDecided decided = CustomerEvent.decisionIn(event).orElse(null);
    if (decided == null) {
      return;
    }
    for (JourneyEvent journeyEvent : decided.events()) {
      if (journeyEvent instanceof ActionEmitted emitted) {
        changes.add(new Queueing.Queue(emitted.action(), customerId, emitted.at()));
      } else if (journeyEvent instanceof GoalReached goal) {
        changes.add(
            new Queueing.Withdraw(
                customerId,
                goal.journey(),
                "goal " + goal.goal() + " of " + goal.journey() + " reached"));
      } else if (journeyEvent instanceof JourneyExited exited
          && !COMPLETED.equals(exited.reason())) {
        // A journey completed on its last stage keeps what it emitted on the way there.
        changes.add(
            new Queueing.Withdraw(
                customerId, exited.journey(), "left " + exited.journey() + ": " + exited.reason()));
      }
    }
  }

  /** The reason JourneyDecider gives a journey that ran to its final stage. */
  private static final String COMPLETED = "completed";
}
