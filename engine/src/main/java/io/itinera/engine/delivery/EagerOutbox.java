package io.itinera.engine.delivery;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.DecisionsPersisted;
import io.itinera.engine.metrics.DeliveryMetrics;
import io.itinera.engine.metrics.Metrics;
import io.itinera.engine.storage.BlockingSql;
import io.micrometer.core.instrument.Counter;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's fast lane: queues a webhook action as soon as its decision is in the journal,
 * instead of when {@link OutboxProjection} reads it back (the read journal's polling was most of
 * the time between an acknowledged touchpoint and its delivery row; docs/benchmarks.md). Only a
 * head start: the projection still reads every event and queues whatever is not queued yet, so an
 * action this lane drops (its buffer full, the database failing, the node crashing) is queued a
 * moment later all the same, and one it queued is never queued twice (the action id is the row's
 * key; {@link Queueing#apply} checks under the channel's cursor lock).
 *
 * <p>Only channels with a webhook endpoint take the fast lane: actions of pull and real-time
 * channels can be withdrawn by later events, which the projection applies in journal order.
 */
final class EagerOutbox implements DecisionsPersisted {

  private static final Logger log = LoggerFactory.getLogger(EagerOutbox.class);

  private final BoundedSourceQueue<Queueing.Queue> queue;
  private final Counter dropped;

  /**
   * When each action in the lane was offered ({@link System#nanoTime}), oldest first: the lane
   * writes in the order it was offered, so its head is the action longest without a row.
   */
  private final Deque<Long> offered;

  private EagerOutbox(
      BoundedSourceQueue<Queueing.Queue> queue, Counter dropped, Deque<Long> offered) {
    this.queue = queue;
    this.dropped = dropped;
    this.offered = offered;
  }

  /** How long the oldest action in the lane has waited to become a row, if one waits. */
  Optional<Duration> oldestWaiting() {
    Long first = offered.peekFirst();
    return first == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(System.nanoTime() - first));
  }

  /** This node's lane: groups of what its entities persisted, one transaction per group. */
  static EagerOutbox start(
      ActorSystem<?> system,
      DataSource dataSource,
      Queueing queueing,
      DeliveryNotices notices,
      DeliverySettings settings,
      Clock clock,
      BlockingSql blocking,
      DeliveryBacklog backlog) {
    DeliveryMetrics meters = Metrics.get(system).deliveries();
    Counter queued = meters.eagerQueued();
    Counter left = meters.eagerLeft();
    Deque<Long> offered = new ConcurrentLinkedDeque<>();
    BoundedSourceQueue<Queueing.Queue> queue =
        Source.<Queueing.Queue>queue(settings.eagerBuffer())
            .groupedWithin(settings.outboxGroupSize(), settings.eagerGroupWithin())
            .mapAsync(
                1,
                group ->
                    blocking.supply(
                        () -> {
                          try {
                            return write(dataSource, queueing, notices, group, clock, queued, left);
                          } finally {
                            group.forEach(written -> offered.pollFirst());
                          }
                        }))
            .to(Sink.ignore())
            .run(Materializer.matFromSystem(system));
    EagerOutbox outbox = new EagerOutbox(queue, meters.eagerDropped(), offered);
    backlog.outbox(outbox::oldestWaiting, system);
    return outbox;
  }

  @Override
  public void persisted(String customerId, List<CustomerEvent> events) {
    List<Queueing.Change> changes = new ArrayList<>();
    for (CustomerEvent event : events) {
      OutboxProjection.addChanges(customerId, event, changes);
    }
    for (Queueing.Change change : changes) {
      if (change instanceof Queueing.Queue action) {
        // Stamped before the offer, so the lane never takes off the deque more than it holds.
        offered.addLast(System.nanoTime());
        if (!queue.offer(action).isEnqueued()) {
          offered.pollLast();
          // The projection queues it shortly; the meter says how often (no log line per action).
          dropped.increment();
        }
      }
    }
  }

  private static Done write(
      DataSource dataSource,
      Queueing queueing,
      DeliveryNotices notices,
      List<Queueing.Queue> group,
      Clock clock,
      Counter queued,
      Counter left) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Queueing.Applied applied =
            queueing.apply(connection, List.copyOf(group), clock.instant(), true);
        connection.commit();
        queued.increment(applied.queued());
        left.increment(group.size() - applied.queued());
        if (!applied.channels().isEmpty()) {
          notices.channelsQueued(List.copyOf(applied.channels()));
        }
      } catch (Exception e) {
        connection.rollback();
        throw e;
      }
    } catch (Exception e) {
      // The projection queues these; only a head start was lost.
      left.increment(group.size());
      log.debug(
          "Eager outbox: {} action(s) left to the projection: {}", group.size(), e.getMessage());
    }
    return Done.getInstance();
  }
}
