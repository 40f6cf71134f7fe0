package io.itinera.engine.experiment;

import io.itinera.engine.storage.BlockingSql;
import io.itinera.journeys.decision.ArmCounts;
import io.itinera.journeys.decision.ArmStatistics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What bandit splits learn from on this node: each arm's customers and conversions, summed over the
 * days of {@code analytics_split_day}, which the analytics projection writes from every node's
 * journal. Each node reloads it every few seconds, so the cluster shares one view of the arms a few
 * seconds late; that is all a bandit needs, and its decisions are journalled (ArmAssigned), so a
 * replay never asks again. Until the first load, and while the table cannot be read, bandits see
 * the last counts read (none at first: they warm up by weight).
 */
public final class SplitCounts implements ArmStatistics {

  private static final Logger log = LoggerFactory.getLogger(SplitCounts.class);

  /** Every customer once: the table also counts each segment's customers separately. */
  static final String SUMS =
      "SELECT journey, version, split, arm, SUM(assigned), SUM(goal_reached)"
          + " FROM analytics_split_day WHERE segment = ''"
          + " GROUP BY journey, version, split, arm";

  private record Key(String journey, int version, String split) {}

  private final DataSource dataSource;
  private final BlockingSql blocking;
  private final AtomicReference<Map<Key, Map<String, ArmCounts>>> counts =
      new AtomicReference<>(Map.of());

  /** The last reload's failure, logged once rather than every few seconds. */
  private final AtomicReference<String> lastFailure = new AtomicReference<>();

  SplitCounts(DataSource dataSource, BlockingSql blocking) {
    this.dataSource = dataSource;
    this.blocking = blocking;
  }

  /** Counts reloaded every {@code refresh}, the first time at once (not waited for). */
  public static SplitCounts start(ActorSystem<?> system, DataSource dataSource, Duration refresh) {
    SplitCounts splitCounts = new SplitCounts(dataSource, BlockingSql.of(system));
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ZERO, refresh, splitCounts::reload, system.executionContext());
    return splitCounts;
  }

  @Override
  public Map<String, ArmCounts> counts(String journey, int version, String split) {
    return counts.get().getOrDefault(new Key(journey, version, split), Map.of());
  }

  CompletionStage<Void> reload() {
    return blocking
        .supply(this::read)
        .handle(
            (read, failure) -> {
              if (failure == null) {
                counts.set(read);
                if (lastFailure.getAndSet(null) != null) {
                  log.info("Split counts are read again from analytics_split_day");
                }
              } else if (!String.valueOf(failure.getMessage()).equals(lastFailure.get())) {
                lastFailure.set(String.valueOf(failure.getMessage()));
                log.warn(
                    "Split counts could not be read from analytics_split_day (bandits keep the"
                        + " last counts read): {}",
                    failure.toString());
              }
              return null;
            });
  }

  private Map<Key, Map<String, ArmCounts>> read() throws SQLException {
    Map<Key, Map<String, ArmCounts>> read = new HashMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(SUMS);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        read.computeIfAbsent(
                new Key(rows.getString(1), rows.getInt(2), rows.getString(3)),
                key -> new TreeMap<>())
            .put(rows.getString(4), new ArmCounts(rows.getLong(5), rows.getLong(6)));
      }
    }
    return Map.copyOf(read);
  }
}
