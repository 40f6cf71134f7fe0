package io.itinera.engine.delivery;

import io.itinera.engine.storage.BlockingSql;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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

  interface Command {}

  private enum Reload implements Command {
    INSTANCE
  }

  private record Loaded(List<ChannelEndpoint> endpoints) implements Command {}

  private record LoadFailed(Throwable cause) implements Command {}

  private WebhookSenders() {}

  static void init(
      ActorSystem<?> system,
      ChannelEndpoints endpoints,
      WebhookAttempts attempts,
      DeliveryNotices notices,
      DeliverySettings settings,
      Clock clock,
      BlockingSql blocking) {
    int senders = settings.senders();
    ShardedDaemonProcess.get(system)
        .init(
            Command.class,
            "webhook-senders",
            senders,
            index ->
                create(index, senders, endpoints, attempts, notices, settings, clock, blocking));
  }

  static boolean owns(int index, int senders, String channel) {
    return Math.floorMod(channel.hashCode(), senders) == index;
  }

  private static Behavior<Command> create(
      int index,
      int senders,
      ChannelEndpoints endpoints,
      WebhookAttempts attempts,
      DeliveryNotices notices,
      DeliverySettings settings,
      Clock clock,
      BlockingSql blocking) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  ActorSystem<?> system = context.getSystem();
                  Map<String, ChannelSender> running = new ConcurrentHashMap<>();
                  Map<String, Set<String>> inFlight = new HashMap<>();
                  Runnable stopListening =
                      notices.listen(
                          notice -> {
                            if (notice.endpointsChanged()) {
                              context.getSelf().tell(Reload.INSTANCE);
                            }
                            for (String channel : notice.channels()) {
                              ChannelSender sender = running.get(channel);
                              if (sender != null) {
                                sender.nudge();
                              }
                            }
                          });
                  timers.startTimerWithFixedDelay(
                      Reload.INSTANCE, settings.endpointReloadInterval());
                  context.getSelf().tell(Reload.INSTANCE);
                  return Behaviors.receive(Command.class)
                      .onMessage(
                          Reload.class,
                          reload -> {
                            context.pipeToSelf(
                                CompletableFuture.supplyAsync(
                                    () -> {
                                      try {
                                        return endpoints.all();
                                      } catch (Exception e) {
                                        throw new IllegalStateException(e.getMessage(), e);
                                      }
                                    },
                                    blocking.executor()),
                                (all, failure) ->
                                    failure == null ? new Loaded(all) : new LoadFailed(failure));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Loaded.class,
                          loaded -> {
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
                                        return true;
                                      }
                                      return false;
                                    });
                            owned.forEach(
                                (channel, endpoint) ->
                                    running.computeIfAbsent(
                                        channel,
                                        c ->
                                            new ChannelSender(
                                                    endpoint,
                                                    attempts,
                                                    endpoints,
                                                    notices,
                                                    settings,
                                                    inFlight.computeIfAbsent(
                                                        c, x -> ConcurrentHashMap.newKeySet()),
                                                    clock,
                                                    blocking.executor(),
                                                    system)
                                                .start()));
                            return Behaviors.same();
                          })
                      .onMessage(
                          LoadFailed.class,
                          failed -> {
                            log.warn(
                                "Channel endpoints not read (sender {}): {}",
                                index,
                                failed.cause().getMessage());
                            return Behaviors.same();
                          })
                      .onSignal(
                          PostStop.class,
                          stop -> {
                            stopListening.run();
                            running.values().forEach(ChannelSender::stop);
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
