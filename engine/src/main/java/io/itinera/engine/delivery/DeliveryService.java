package io.itinera.engine.delivery;

import com.typesafe.config.Config;
import io.itinera.engine.analytics.DeliveryOutcomes;
import io.itinera.engine.customer.DecisionsPersisted;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.engine.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Action delivery on one node: the outbox projection, the webhook senders, and what the gateway
 * needs for the channel, delivery, pull, stream and next-action routes. See docs/delivery.md.
 *
 * @param decisionsPersisted what the customer entities on this node tell of their persisted
 *     decisions (the eager outbox)
 * @param blocking where the routes run their blocking database calls
 * @param addresses which receivers webhooks may reach (checked on PUT and on each connection)
 * @param backlog how far behind each channel's webhooks are, for write admission
 */
public record DeliveryService(
    DeliverySettings settings,
    ChannelEndpoints endpoints,
    Deliveries deliveries,
    DeliveryNotices notices,
    NextAction nextAction,
    DecisionsPersisted decisionsPersisted,
    BlockingSql blocking,
    Clock clock,
    ReceiverAddresses addresses,
    DeliveryBacklog backlog) {

  private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);

  /**
   * Writes the configured endpoints, then starts the outbox's slices and the senders (each placed
   * somewhere in the cluster), and this node's eager outbox.
   */
  public static DeliveryService start(
      ActorSystem<?> system,
      Storage storage,
      Config config,
      int slices,
      Duration askTimeout,
      Clock clock)
      throws Exception {
    DeliverySettings settings = DeliverySettings.from(config);
    ReceiverAddresses addresses = ReceiverAddresses.allowing(settings.allowedNetworks());
    ChannelEndpoints endpoints =
        new ChannelEndpoints(storage.dataSource(), storage.settings().dialect());
    int written = endpoints.applyConfigured(settings.channels(), addresses, clock.instant());
    if (written > 0) {
      log.info("{} channel endpoint(s) set from configuration", written);
    }
    DeliveryDialect dialect = new DeliveryDialect(storage.settings().dialect());
    Queueing queueing = new Queueing(dialect, new ActionEvents(settings.source()));
    DeliveryNotices notices = DeliveryNotices.start(system);
    BlockingSql blocking = BlockingSql.of(system);
    OutboxProjection.init(system, storage.dataSource(), queueing, notices, settings, slices, clock);
    // Final outcomes are counted for journey analytics in the transaction that writes them.
    WebhookAttempts attempts =
        new WebhookAttempts(
            storage.dataSource(), dialect, new DeliveryOutcomes(storage.settings().dialect()));
    DeliveryBacklog backlog =
        DeliveryBacklog.start(system, DeliveryBacklog.Settings.from(config), clock);
    WebhookSenders.init(
        system, endpoints, attempts, notices, settings, addresses, clock, blocking, backlog);
    DeliveryRetention.start(
        system, storage.dataSource(), dialect, DeliveryRetention.Settings.from(config), clock);
    DecisionsPersisted eager =
        settings.eager()
            ? EagerOutbox.start(
                system, storage.dataSource(), queueing, notices, settings, clock, blocking, backlog)
            : DecisionsPersisted.NONE;
    NextAction nextAction =
        new NextAction(
            new AvailableActions(storage.dataSource()),
            ClusterSharding.get(system),
            askTimeout,
            settings.nextActionMaxAge(),
            clock,
            blocking);
    return new DeliveryService(
        settings,
        endpoints,
        new Deliveries(storage.dataSource()),
        notices,
        nextAction,
        eager,
        blocking,
        clock,
        addresses,
        backlog);
  }
}
