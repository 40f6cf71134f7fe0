package io.itinera.engine.entry;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerEvent.ActionShown;
import io.itinera.engine.customer.CustomerEvent.ActionWithheld;
import io.itinera.engine.customer.CustomerEvent.CustomerErased;
import io.itinera.engine.customer.CustomerEvent.EntryRequested;
import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.MergedInto;
import io.itinera.engine.customer.CustomerEvent.ProfileAbsorbed;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.engine.customer.CustomerPersistenceId;
import io.itinera.engine.customer.Tags;
import io.itinera.engine.storage.JournalSlices;
import io.itinera.engine.storage.PooledJdbcSession;
import io.itinera.journeys.decision.CustomerContext;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyProgress;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * Keeps the customer index from the journal (every event of a slice of customers, read without tags
 * through {@link JournalSlices#tag}; offsets stored under {@code index-<slice>}): each customer's
 * traits and touchpoint counts as the entity keeps them, the latest touchpoint, and the journeys
 * they are in with their stage. One stream per slice, each on one node (a sharded daemon process),
 * built as {@code AnalyticsProjection} is: a group of events is read, applied to the rows of its
 * customers and written with the projection's offset in one transaction, so a crash repeats the
 * group, once. An erasure, or a merge into another customer, deletes the row.
 */
public final class CustomerIndexProjection {

  static final String NAME = "customer-index";

  private CustomerIndexProjection() {}

  /** How many events a group holds at most, and how long it waits to fill. */
  public record Grouping(int size, Duration within) {}

  public static void init(
      ActorSystem<?> system,
      DataSource dataSource,
      CustomerIndex index,
      int slices,
      Grouping grouping,
      Clock clock) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            "customer-index-projection",
            slices,
            slice ->
                ProjectionBehavior.create(
                    projection(system, dataSource, index, slice, slices, grouping, clock)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static GroupedProjection<Offset, EventEnvelope<CustomerEvent>> projection(
      ActorSystem<?> system,
      DataSource dataSource,
      CustomerIndex index,
      int slice,
      int slices,
      Grouping grouping,
      Clock clock) {
    // Every event of the slice's customers, from the journal itself: no tag row per event.
    SourceProvider<Offset, EventEnvelope<CustomerEvent>> source =
        EventSourcedProvider.eventsByTag(
            system, JdbcReadJournal.Identifier(), JournalSlices.tag(slice, slices));
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, Tags.index(slice)),
            source,
            () -> new PooledJdbcSession(dataSource),
            () -> new Handler(index, clock),
            system)
        .withGroup(grouping.size(), grouping.within())
        .withRestartBackoff(Duration.ofMillis(500), Duration.ofSeconds(10), 0.2);
  }

  static final class Handler
      extends JdbcHandler<List<EventEnvelope<CustomerEvent>>, PooledJdbcSession> {

    private final CustomerIndex index;
    private final Clock clock;

    Handler(CustomerIndex index, Clock clock) {
      this.index = index;
      this.clock = clock;
    }

    @Override
    public void process(PooledJdbcSession session, List<EventEnvelope<CustomerEvent>> envelopes)
        throws Exception {
      Set<String> customers = new LinkedHashSet<>();
      Map<String, Long> latest = new LinkedHashMap<>();
      for (EventEnvelope<CustomerEvent> envelope : envelopes) {
        if (changesTheRow(envelope.event())) {
          customers.add(CustomerPersistenceId.customerId(envelope.persistenceId()));
          latest.put(envelope.persistenceId(), envelope.sequenceNr());
        }
      }
      if (customers.isEmpty()) {
        return; // the offset is still stored, in the projection's own transaction
      }
      session.withConnection(
          connection -> {
            Set<String> erased = index.erasedSince(connection, latest);
            Map<String, CustomerIndex.Row> rows = index.rows(connection, customers);
            for (EventEnvelope<CustomerEvent> envelope : envelopes) {
              if (!changesTheRow(envelope.event())) {
                continue;
              }
              apply(
                  rows.get(CustomerPersistenceId.customerId(envelope.persistenceId())),
                  envelope.event());
            }
            for (String persistenceId : erased) {
              rows.get(CustomerPersistenceId.customerId(persistenceId)).deleted = true;
            }
            index.write(connection, rows.values(), clock.instant());
            return null;
          });
    }
  }

  /** Whether an event can change its customer's row: an action shown or withheld cannot. */
  static boolean changesTheRow(CustomerEvent event) {
    return !(event instanceof ActionShown || event instanceof ActionWithheld);
  }

  /** What one journal event changes in its customer's row. */
  static void apply(CustomerIndex.Row row, CustomerEvent event) {
    if (event instanceof CustomerErased || event instanceof MergedInto) {
      row.deleted = true;
      row.traits = new LinkedHashMap<>();
      row.counters = new TreeMap<>();
      row.lastSeen = null;
      row.journeys = new TreeMap<>();
      return;
    }
    if (event instanceof TouchpointRecorded recorded) {
      row.deleted = false;
      Touchpoint touchpoint = recorded.touchpoint();
      CustomerContext after =
          new CustomerContext(row.customerId, row.traits, row.counters).recording(touchpoint);
      row.traits = new LinkedHashMap<>(after.traits());
      row.counters = new TreeMap<>(after.counters());
      Instant at = touchpoint.timestamp();
      if (at != null && (row.lastSeen == null || at.isAfter(row.lastSeen))) {
        row.lastSeen = at;
      }
      if (recorded.decided() != null) {
        journeys(row, recorded.decided());
      }
    } else if (event instanceof JourneysDecided decided) {
      journeys(row, decided);
    } else if (event instanceof EntryRequested requested) {
      row.deleted = false;
      journeys(row, requested.decided());
    } else if (event instanceof ProfileAbsorbed absorbed) {
      row.deleted = false;
      Map<String, Object> traits = new LinkedHashMap<>(absorbed.traits());
      traits.putAll(row.traits);
      row.traits = traits;
      absorbed.counters().forEach((name, n) -> row.counters.merge(name, n, Long::sum));
      for (Map.Entry<String, JourneyProgress> other : absorbed.journeys().journeys().entrySet()) {
        row.journeys.putIfAbsent(other.getKey(), in(other.getValue().stage(), ""));
      }
    }
  }

  private static Map<String, String> in(String stage, String cause) {
    return Map.of("stage", stage, "cause", cause == null ? "" : cause);
  }

  private static void journeys(CustomerIndex.Row row, JourneysDecided decided) {
    for (JourneyEvent event : decided.events()) {
      if (event instanceof JourneyEvent.JourneyEntered entered) {
        row.journeys.put(entered.journey(), in(entered.stage(), entered.cause()));
      } else if (event instanceof JourneyEvent.StageEntered stage) {
        Map<String, String> was = row.journeys.get(stage.journey());
        row.journeys.put(
            stage.journey(), in(stage.to(), was == null ? "" : was.getOrDefault("cause", "")));
      } else if (event instanceof JourneyEvent.JourneyExited exited) {
        row.journeys.remove(exited.journey());
      } else if (event instanceof JourneyEvent.TraitsChanged changed) {
        // A journey's set: the traits change as an identify's would (null removes).
        row.traits =
            new LinkedHashMap<>(
                new CustomerContext(row.customerId, row.traits, row.counters)
                    .withTraits(changed.traits())
                    .traits());
      }
    }
  }
}
