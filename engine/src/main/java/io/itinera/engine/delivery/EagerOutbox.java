package io.itinera.engine.delivery;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.DecisionsPersisted;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
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
 * instead of when {@link OutboxProjection} reads it back (the read journal's polling put 100-250
 * ms between an acknowledged touchpoint and its delivery row). Only a head start: the projection
 * still reads every event and queues whatever is not queued yet, so an action this lane drops (its
 * buffer full, the database failing, the node crashing) is queued a moment later all the same, and
 * one it queued is never queued twice (the action id is the row's key; {@link Deliveries#apply}
 * checks under the channel's cursor lock).
 *
 * <p>Only channels with a webhook endpoint take the fast lane: actions of pull and real-time
 * channels can be withdrawn by later events, which the projection applies in journal order.
 */
final class EagerOutbox implements DecisionsPersisted {

  private static final Logger log = LoggerFactory.getLogger(EagerOutbox.class);

  private final BoundedSourceQueue<Deliveries.Queue> queue;
  private final AtomicLong dropped = new AtomicLong();

  private EagerOutbox(BoundedSourceQueue<Deliveries.Queue> queue) {
    this.queue = queue;
  }

  /** This node's lane: groups of what its entities persisted, one transaction per group. */
  static EagerOutbox start(
      ActorSystem<?> system,
      DataSource dataSource,
      Deliveries deliveries,
      DeliveryNotices notices,
      DeliverySettings settings,
      Clock clock,
      Executor blocking) {
    BoundedSourceQueue<Deliveries.Queue> queue =
        Source.<Deliveries.Queue>queue(settings.eagerBuffer())
            .groupedWithin(settings.outboxGroupSize(), settings.eagerGroupWithin())
            .mapAsync(
                1,
                group ->
                    CompletableFuture.supplyAsync(
                        () -> write(dataSource, deliveries, notices, group, clock), blocking))
            .to(Sink.ignore())
            .run(Materializer.matFromSystem(system));
    return new EagerOutbox(queue);
  }

  @Override
  public void persisted(String customerId, List<CustomerEvent> events) {
    List<Deliveries.Change> changes = new ArrayList<>();
    for (CustomerEvent event : events) {
      OutboxProjection.addChanges(customerId, event, changes);
    }
    for (Deliveries.Change change : changes) {
      if (change instanceof Deliveries.Queue action && !queue.offer(action).isEnqueued()) {
        // The projection queues it shortly; say so once in a while, not per action.
        if (dropped.incrementAndGet() % 10_000 == 1) {
          log.info("Eager outbox full: {} action(s) left to the outbox projection so far", dropped.get());
        }
      }
    }
  }

  private static Done write(
      DataSource dataSource,
      Deliveries deliveries,
      DeliveryNotices notices,
      List<Deliveries.Queue> group,
      Clock clock) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Set<String> channels =
            deliveries.apply(connection, List.copyOf(group), clock.instant(), true);
        connection.commit();
        if (!channels.isEmpty()) {
          notices.channelsQueued(List.copyOf(channels));
        }
      } catch (Exception e) {
        connection.rollback();
        throw e;
      }
    } catch (Exception e) {
      // The projection queues these; only a head start was lost.
      log.debug("Eager outbox: {} action(s) left to the projection: {}", group.size(), e.getMessage());
    }
    return Done.getInstance();
  }
}
