package io.itinera.engine.delivery;

import com.typesafe.config.Config;
import io.itinera.engine.delivery.Delivery.Status;
import io.itinera.engine.storage.BlockingSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished deliveries once past their retention ({@code itinera.delivery.retention}):
 * delivered, dead, withdrawn and available rows queued before their cut-off, oldest first, in
 * batches of {@code batch-size}, each its own short transaction with a pause between, so neither
 * the senders nor the outbox wait on its locks. One runs in the cluster (a sharded daemon process
 * of one). Pending rows are never touched: they are still to be sent.
 */
public final class DeliveryRetention {

  private static final Logger log = LoggerFactory.getLogger(DeliveryRetention.class);

  /**
   * @param retention how long rows of each status are kept after they were queued; a status left
   *     out, or zero, is kept forever
   * @param maxBatchesPerRun bounds one run, so a first run over years of rows shares the blocking
   *     pool with the rest of the node; the next run goes on where it stopped
   */
  public record Settings(
      Map<Status, Duration> retention,
      Duration interval,
      int batchSize,
      int maxBatchesPerRun,
      Duration pause) {

    public Settings {
      retention = Map.copyOf(retention);
    }

    public static Settings from(Config config) {
      Config c = config.getConfig("itinera.delivery.retention");
      Map<Status, Duration> retention = new LinkedHashMap<>();
      for (Status status :
          List.of(Status.DELIVERED, Status.DEAD, Status.WITHDRAWN, Status.AVAILABLE)) {
        Duration keep = c.getDuration(status.wireName());
        if (!keep.isZero() && !keep.isNegative()) {
          retention.put(status, keep);
        }
      }
      return new Settings(
          retention,
          c.getDuration("interval"),
          c.getInt("batch-size"),
          c.getInt("max-batches-per-run"),
          c.getDuration("pause"));
    }
  }

  private final DataSource dataSource;
  private final DeliveryDialect dialect;
  private final Settings settings;

  DeliveryRetention(DataSource dataSource, DeliveryDialect dialect, Settings settings) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.settings = settings;
  }

  /**
   * Deletes one batch of {@code status} rows queued before {@code now} minus its retention.
   *
   * @return rows deleted; fewer than the batch size means none are left
   */
  public int deleteBatch(Status status, Instant now) throws SQLException {
    Duration keep = settings.retention().get(status);
    if (keep == null) {
      return 0;
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      return dialect.deleteOldest(
          connection, status.wireName(), Timestamp.from(now.minus(keep)), settings.batchSize());
    }
  }

  /** Starts the cluster's one retention worker, unless nothing is to be deleted. */
  static void start(
      ActorSystem<?> system,
      DataSource dataSource,
      DeliveryDialect dialect,
      Settings settings,
      Clock clock) {
    if (settings.retention().isEmpty()) {
      log.info("Delivery retention is off: every delivery is kept");
      return;
    }
    DeliveryRetention retention = new DeliveryRetention(dataSource, dialect, settings);
    BlockingSql blocking = BlockingSql.of(system);
    ShardedDaemonProcess.get(system)
        .init(
            Command.class,
            "delivery-retention",
            1,
            index ->
                Behaviors.setup(
                    context ->
                        Behaviors.withTimers(
                            timers ->
                                new Worker(retention, clock, blocking, context, timers).idle())));
  }

  private sealed interface Command {}

  private record Run() implements Command {}

  private record NextBatch() implements Command {}

  private record Deleted(int rows) implements Command {}

  private record Failed(Throwable cause) implements Command {}

  /** Runs every interval; within a run one batch at a time, a pause apart, off the actor. */
  private static final class Worker {
    private final DeliveryRetention retention;
    private final Clock clock;
    private final BlockingSql blocking;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final List<Status> statuses;
    private int current;
    private int batches;
    private Instant runAt;
    private final Map<Status, Integer> deleted = new LinkedHashMap<>();

    Worker(
        DeliveryRetention retention,
        Clock clock,
        BlockingSql blocking,
        ActorContext<Command> context,
        TimerScheduler<Command> timers) {
      this.retention = retention;
      this.clock = clock;
      this.blocking = blocking;
      this.context = context;
      this.timers = timers;
      this.statuses = new ArrayList<>(retention.settings.retention().keySet());
      timers.startTimerWithFixedDelay(new Run(), retention.settings.interval());
    }

    Behavior<Command> idle() {
      return Behaviors.receive(Command.class)
          .onMessage(Run.class, run -> startRun())
          .onAnyMessage(other -> Behaviors.same())
          .build();
    }

    private Behavior<Command> running() {
      return Behaviors.receive(Command.class)
          .onMessage(NextBatch.class, next -> batch())
          .onMessage(Deleted.class, this::onDeleted)
          .onMessage(Failed.class, this::onFailed)
          .onAnyMessage(other -> Behaviors.same())
          .build();
    }

    private Behavior<Command> startRun() {
      current = 0;
      batches = 0;
      runAt = clock.instant();
      deleted.clear();
      return batch();
    }

    private Behavior<Command> batch() {
      Status status = statuses.get(current);
      context.pipeToSelf(
          blocking.supply(() -> retention.deleteBatch(status, runAt)),
          (rows, failure) -> failure == null ? new Deleted(rows) : new Failed(failure));
      return running();
    }

    private Behavior<Command> onDeleted(Deleted done) {
      batches++;
      deleted.merge(statuses.get(current), done.rows(), Integer::sum);
      if (done.rows() < retention.settings.batchSize()) {
        current++;
      }
      if (current >= statuses.size() || batches >= retention.settings.maxBatchesPerRun()) {
        return finish();
      }
      timers.startSingleTimer(new NextBatch(), retention.settings.pause());
      return Behaviors.same();
    }

    private Behavior<Command> onFailed(Failed failed) {
      log.warn("Delivery retention stopped this run: {}", failed.cause().getMessage());
      return finish();
    }

    private Behavior<Command> finish() {
      int total = deleted.values().stream().mapToInt(Integer::intValue).sum();
      if (total > 0) {
        log.info("Delivery retention deleted {} rows {}", total, deleted);
      }
      return idle();
    }
  }
}
