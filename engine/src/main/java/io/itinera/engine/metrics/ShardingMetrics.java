package io.itinera.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Gauges of what runs on this node, refreshed every {@code itinera.metrics.sharding-poll-interval}
 * from the local shard region and the cluster membership:
 *
 * <ul>
 *   <li>{@code itinera_sharding_shards{entity_type}}, {@code
 *       itinera_sharding_entities{entity_type}}: shards hosted here and their live entities;
 *   <li>{@code itinera_cluster_members_up}, {@code itinera_cluster_members_unreachable}: members as
 *       this node sees them.
 * </ul>
 */
public final class ShardingMetrics {

  private ShardingMetrics() {}

  private sealed interface Message {}

  private record Poll() implements Message {}

  private record RegionState(CurrentShardRegionState state) implements Message {}

  /** Starts polling the shard region of {@code typeKey} on this node. */
  public static void start(ActorSystem<?> system, EntityTypeKey<?> typeKey, Duration interval) {
    system.systemActorOf(
        create(typeKey, interval, Metrics.get(system).registry()),
        "itinera-sharding-metrics-" + typeKey.name(),
        Props.empty());
  }

  static Behavior<Message> create(
      EntityTypeKey<?> typeKey, Duration interval, MeterRegistry registry) {
    AtomicLong shards = new AtomicLong();
    AtomicLong entities = new AtomicLong();
    AtomicLong up = new AtomicLong();
    AtomicLong unreachable = new AtomicLong();
    Gauge.builder("itinera.sharding.shards", shards, AtomicLong::get)
        .description("Shards hosted on this node")
        .tag("entity_type", typeKey.name())
        .strongReference(true)
        .register(registry);
    Gauge.builder("itinera.sharding.entities", entities, AtomicLong::get)
        .description("Live entities on this node (active, not passivated)")
        .tag("entity_type", typeKey.name())
        .strongReference(true)
        .register(registry);
    Gauge.builder("itinera.cluster.members.up", up, AtomicLong::get)
        .description("Cluster members Up, as this node sees them")
        .strongReference(true)
        .register(registry);
    Gauge.builder("itinera.cluster.members.unreachable", unreachable, AtomicLong::get)
        .description("Cluster members this node sees as unreachable")
        .strongReference(true)
        .register(registry);
    return Behaviors.setup(
        context -> {
          ActorRef<CurrentShardRegionState> replies =
              context.messageAdapter(CurrentShardRegionState.class, RegionState::new);
          ClusterSharding sharding = ClusterSharding.get(context.getSystem());
          Cluster cluster = Cluster.get(context.getSystem());
          return Behaviors.withTimers(
              timers -> {
                timers.startTimerWithFixedDelay(new Poll(), Duration.ZERO, interval);
                return Behaviors.receive(Message.class)
                    .onMessage(
                        Poll.class,
                        poll -> {
                          sharding.shardState().tell(new GetShardRegionState(typeKey, replies));
                          CurrentClusterState state = cluster.state();
                          up.set(
                              StreamSupport.stream(state.getMembers().spliterator(), false)
                                  .filter(m -> m.status().equals(MemberStatus.up()))
                                  .count());
                          unreachable.set(state.getUnreachable().size());
                          return Behaviors.same();
                        })
                    .onMessage(
                        RegionState.class,
                        reply -> {
                          shards.set(reply.state().getShards().size());
                          entities.set(
                              reply.state().getShards().stream()
                                  .mapToLong(shard -> shard.getEntityIds().size())
                                  .sum());
                          return Behaviors.same();
                        })
                    .build();
              });
        });
  }
}
