package io.itinera.engine.timers;

import io.itinera.engine.customer.CustomerCommand.WakeUp;
import io.itinera.engine.customer.CustomerCommand.Woken;
import io.itinera.engine.customer.CustomerEntity;
import io.itinera.engine.metrics.Metrics;
import io.itinera.engine.metrics.TimerMetrics;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.engine.timers.DueTimers.Due;
import io.itinera.protocol.LogSafe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes customers whose timers are due, so timers fire although their entities were passivated, or
 * their node died, or the whole cluster restarted. One waker per tag slice runs somewhere in the
 * cluster (a sharded daemon process, moved to another node if its node goes); it polls {@code
 * due_timers} for its slice and sends each due customer a {@link WakeUp}. The entity decides what
 * actually fires, so a wake-up that comes twice, or early, or for a timer already cancelled, does
 * nothing.
 */
public final class TimerWaker {

  private static final Logger log = LoggerFactory.getLogger(TimerWaker.class);

  /** How the wakers poll and how hard they push the entities. */
  public record Settings(
      Duration pollInterval,
      int batchSize,
      int parallelism,
      Duration askTimeout,
      Duration rewakeAfter) {

    public static Settings from(com.typesafe.config.Config config) {
      com.typesafe.config.Config c = config.getConfig("itinera.timers");
      return new Settings(
          c.getDuration("poll-interval"),
          c.getInt("batch-size"),
          c.getInt("parallelism"),
          c.getDuration("ask-timeout"),
          c.getDuration("rewake-after"));
    }
  }

  private TimerWaker() {}

  /** Starts one waker per slice, spread over the cluster. */
  public static void init(
      ActorSystem<?> system,
      DataSource dataSource,
      DueTimers table,
      int slices,
      Settings settings,
      Clock clock) {
    ShardedDaemonProcess.get(system)
        .init(
            Void.class,
            "due-timers-waker",
            slices,
            slice -> create(slice, dataSource, table, settings, clock));
  }

  static Behavior<Void> create(
      int slice, DataSource dataSource, DueTimers table, Settings settings, Clock clock) {
    return Behaviors.setup(
        context -> {
          ActorSystem<?> system = context.getSystem();
          BlockingSql blocking = BlockingSql.of(system);
          ClusterSharding sharding = ClusterSharding.get(system);
          Map<String, Instant> recentlyWoken = new HashMap<>();
          TimerMetrics metrics = Metrics.get(system).timers();
          TimerMetrics.SliceGauge dueGauge = metrics.slice(slice);
          UniqueKillSwitch polling =
              Source.tick(Duration.ZERO, settings.pollInterval(), "poll")
                  .mapAsync(1, tick -> due(dataSource, table, slice, settings, clock, blocking))
                  .wireTap(due -> dueGauge.due(due.size()))
                  .mapConcat(due -> notRecentlyWoken(due, recentlyWoken, settings, clock.instant()))
                  .mapAsyncUnordered(
                      settings.parallelism(),
                      due -> wake(sharding, due, settings.askTimeout(), metrics))
                  .viaMat(KillSwitches.single(), Keep.right())
                  .to(Sink.ignore())
                  .run(system);
          context.getLog().debug("Timer waker for slice {} started", slice);
          return Behaviors.receive(Void.class)
              .onSignal(
                  PostStop.class,
                  stop -> {
                    polling.shutdown();
                    dueGauge.close();
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static CompletionStage<List<Due>> due(
      DataSource dataSource,
      DueTimers table,
      int slice,
      Settings settings,
      Clock clock,
      BlockingSql blocking) {
    return blocking.supply(
        () -> {
          try {
            return table.dueIn(dataSource, slice, clock.instant(), settings.batchSize());
          } catch (Exception e) {
            // The database is down: the timers wait in the table; poll again on the next tick.
            log.warn("Due timers of slice {} not read: {}", slice, e.getMessage());
            return List.<Due>of();
          }
        });
  }

  /**
   * Leaves out customers woken for the same due time a moment ago: the table lags the journal by
   * the projection's delay, and waking them again before it catches up only repeats work.
   */
  private static List<Due> notRecentlyWoken(
      List<Due> due, Map<String, Instant> recentlyWoken, Settings settings, Instant now) {
    recentlyWoken.values().removeIf(at -> at.isBefore(now.minus(settings.rewakeAfter())));
    return due.stream()
        .filter(d -> recentlyWoken.putIfAbsent(d.customerId() + "@" + d.dueAt(), now) == null)
        .toList();
  }

  private static CompletionStage<Done> wake(
      ClusterSharding sharding, Due due, Duration timeout, TimerMetrics metrics) {
    return sharding
        .entityRefFor(CustomerEntity.TYPE_KEY, due.customerId())
        .<Woken>ask(WakeUp::new, timeout)
        .handle(
            (woken, failure) -> {
              metrics.woken(failure == null);
              if (failure != null) {
                log.warn(
                    "Customer {} not woken for its timer: {}",
                    LogSafe.quote(due.customerId()),
                    LogSafe.quote(failure.toString()));
              }
              return Done.getInstance();
            });
  }
}
