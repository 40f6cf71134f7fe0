package io.itinera.engine.delivery;

import io.itinera.engine.storage.BlockingSql;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook senders: {@code itinera.delivery.senders} of them spread over the cluster (a sharded
 * daemon process, moved when a node leaves), each owning the channels whose name hashes to it and
 * running one {@link ChannelSender} per enabled endpoint it owns. Each reloads the endpoints every
 * second and at once when told they changed, so an endpoint PUT on any node takes effect
 * everywhere.
 */
public final class WebhookSenders {

  private static final Logger log = LoggerFactory.getLogger(WebhookSenders.class);

  sealed interface Command {}

  /** Read the endpoints again (the timer, a notice that they changed, the start). */
  private record Reload() implements Command {}

  private static final Reload RELOAD = new Reload();

  private record Loaded(List<ChannelEndpoint> endpoints) implements Command {}

  private record LoadFailed(Throwable cause) implements Command {}

  /** What every sender of a node works with. */
  private record Parts(
      ChannelEndpoints endpoints,
      WebhookAttempts attempts,
      DeliveryNotices notices,
      DeliverySettings settings,
      ReceiverAddresses addresses,
      Clock clock,
      BlockingSql blocking,
      DeliveryBacklog backlog) {}

  private WebhookSenders() {}

  static void init(
      ActorSystem<?> system,
      ChannelEndpoints endpoints,
      WebhookAttempts attempts,
      DeliveryNotices notices,
      DeliverySettings settings,
      ReceiverAddresses addresses,
      Clock clock,
      BlockingSql blocking,
      DeliveryBacklog backlog) {
    int senders = settings.senders();
    Parts parts =
        new Parts(endpoints, attempts, notices, settings, addresses, clock, blocking, backlog);
    ShardedDaemonProcess.get(system)
        .init(
            Command.class,
            "webhook-senders",
            senders,
            index ->
                Behaviors.setup(
                    context ->
                        Behaviors.withTimers(
                            timers -> new Sender(context, timers, index, senders, parts))));
  }

  static boolean owns(int index, int senders, String channel) {
    return Math.floorMod(channel.hashCode(), senders) == index;
  }

  /** Sender {@code index} of {@code senders}: its channels' {@link ChannelSender}s. */
  private static final class Sender extends AbstractBehavior<Command> {

    private final int index;
    private final int senders;
    private final Parts parts;

    /** Read by the notices' listener, off the actor's thread. */
    private final Map<String, ChannelSender> running = new ConcurrentHashMap<>();

    /** Per channel, shared by its successive senders (see {@link ChannelSender}). */
    private final Map<String, Set<String>> inFlight = new HashMap<>();

    private final ActorRef<Command> self;
    private final Runnable stopListening;

    private Sender(
        ActorContext<Command> context,
        TimerScheduler<Command> timers,
        int index,
        int senders,
        Parts parts) {
      super(context);
      this.index = index;
      this.senders = senders;
      this.parts = parts;
      this.self = context.getSelf();
      this.stopListening = parts.notices().listen(this::onNotice);
      timers.startTimerWithFixedDelay(RELOAD, parts.settings().endpointReloadInterval());
      self.tell(RELOAD);
    }

    @Override
    public Receive<Command> createReceive() {
      return newReceiveBuilder()
          .onMessage(Reload.class, reload -> onReload())
          .onMessage(Loaded.class, this::onLoaded)
          .onMessage(LoadFailed.class, this::onLoadFailed)
          .onSignal(PostStop.class, stop -> onPostStop())
          .build();
    }

    /** Called on the notices' thread. */
    private void onNotice(DeliveryNotices.Notice notice) {
      if (notice.endpointsChanged()) {
        self.tell(RELOAD);
      }
      for (String channel : notice.channels()) {
        ChannelSender sender = running.get(channel);
        if (sender != null) {
          sender.nudge();
        }
      }
    }

    private Behavior<Command> onReload() {
      getContext()
          .pipeToSelf(
              parts.blocking().supply(parts.endpoints()::all),
              (all, failure) -> failure == null ? new Loaded(all) : new LoadFailed(failure));
      return this;
    }

    /** Stops the senders whose endpoint changed or went, and starts those missing. */
    private Behavior<Command> onLoaded(Loaded loaded) {
      Map<String, ChannelEndpoint> owned = new HashMap<>();
      for (ChannelEndpoint endpoint : loaded.endpoints()) {
        if (owns(index, senders, endpoint.channel()) && endpoint.enabled()) {
          owned.put(endpoint.channel(), endpoint);
        }
      }
      running
          .keySet()
          .removeIf(
              channel -> {
                ChannelSender sender = running.get(channel);
                if (!sender.endpoint().sameDelivery(owned.get(channel))) {
                  sender.stop();
                  parts.backlog().stopped(sender);
                  return true;
                }
                return false;
              });
      owned.forEach((channel, endpoint) -> running.computeIfAbsent(channel, c -> start(endpoint)));
      return this;
    }

    private ChannelSender start(ChannelEndpoint endpoint) {
      ChannelSender sender =
          new ChannelSender(
                  endpoint,
                  parts.attempts(),
                  parts.endpoints(),
                  parts.notices(),
                  parts.settings(),
                  parts.addresses(),
                  inFlight.computeIfAbsent(endpoint.channel(), x -> ConcurrentHashMap.newKeySet()),
                  parts.clock(),
                  parts.blocking().executor(),
                  getContext().getSystem())
              .start();
      parts.backlog().running(sender, getContext().getSystem());
      return sender;
    }

    private Behavior<Command> onLoadFailed(LoadFailed failed) {
      log.warn("Channel endpoints not read (sender {}): {}", index, failed.cause().getMessage());
      return this;
    }

    private Behavior<Command> onPostStop() {
      stopListening.run();
      running
          .values()
          .forEach(
              sender -> {
                sender.stop();
                parts.backlog().stopped(sender);
              });
      return this;
    }
  }
}
