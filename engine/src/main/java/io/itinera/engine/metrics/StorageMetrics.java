package io.itinera.engine.metrics;

import io.itinera.engine.storage.BlockingSql;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.engine.storage.TableSizes;
import io.itinera.engine.storage.TableSizes.TableSize;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the database's tables, refreshed every {@code itinera.metrics.table-size-poll-interval}
 * from its statistics ({@link TableSizes}), so that growth of the journal or the delivery queue
 * shows before the disk fills:
 *
 * <ul>
 *   <li>{@code itinera_storage_table_rows{table}}: estimated live rows;
 *   <li>{@code itinera_storage_table_bytes{table}}: bytes on disk with indexes (PostgreSQL only).
 * </ul>
 *
 * Every node reports the same shared database; take one node's value, not the sum.
 */
public final class StorageMetrics {

  private static final Logger log = LoggerFactory.getLogger(StorageMetrics.class);

  private StorageMetrics() {}

  private sealed interface Message {}

  private record Poll() implements Message {}

  private record Read(List<TableSize> sizes) implements Message {}

  private record Failed(Throwable cause) implements Message {}

  public static void start(
      ActorSystem<?> system, DataSource dataSource, Dialect dialect, Duration interval) {
    system.systemActorOf(
        create(
            dataSource, dialect, interval, Metrics.get(system).registry(), BlockingSql.of(system)),
        "itinera-storage-metrics",
        Props.empty());
  }

  static Behavior<Message> create(
      DataSource dataSource,
      Dialect dialect,
      Duration interval,
      MeterRegistry registry,
      BlockingSql blocking) {
    MultiGauge rows =
        MultiGauge.builder("itinera.storage.table.rows")
            .description(
                "Live rows per table, as the database's statistics estimate them (PostgreSQL"
                    + " n_live_tup, H2 its row count estimate)")
            .register(registry);
    MultiGauge bytes =
        MultiGauge.builder("itinera.storage.table")
            .baseUnit("bytes")
            .description(
                "Bytes on disk per table, indexes and TOAST included (PostgreSQL"
                    + " pg_total_relation_size; absent on H2)")
            .register(registry);
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(new Poll(), Duration.ZERO, interval);
                  return Behaviors.receive(Message.class)
                      .onMessage(
                          Poll.class,
                          poll -> {
                            context.pipeToSelf(
                                blocking.supply(() -> TableSizes.read(dataSource, dialect)),
                                (sizes, failure) ->
                                    failure == null ? new Read(sizes) : new Failed(failure));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Read.class,
                          read -> {
                            rows.register(
                                read.sizes().stream()
                                    .map(
                                        size ->
                                            MultiGauge.Row.of(
                                                Tags.of("table", size.table()), size.rows()))
                                    .toList(),
                                true);
                            bytes.register(
                                read.sizes().stream()
                                    .filter(size -> size.bytes() >= 0)
                                    .map(
                                        size ->
                                            MultiGauge.Row.of(
                                                Tags.of("table", size.table()), size.bytes()))
                                    .toList(),
                                true);
                            return Behaviors.same();
                          })
                      .onMessage(
                          Failed.class,
                          failed -> {
                            log.debug("Table sizes not read: {}", failed.cause().getMessage());
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
