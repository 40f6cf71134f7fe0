package io.itinera.engine.analytics;

import io.itinera.engine.storage.StorageSettings.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts deliveries by outcome (delivered, dead) in the very transaction where the webhook senders
 * write the outcome to {@code deliveries}: the status change happens once, so it is counted once.
 *
 * <p>The counts need the action's journey, stage, arm and entry day, which the analytics projection
 * records ({@code analytics_action}) when it reads the action from the journal, maybe after the
 * delivery. An outcome whose action is not known yet waits in {@code analytics_delivery_outcome},
 * and the projection counts it when it records the action. Neither side can miss the other: both
 * lock the {@code deliveries} row first (the sender by its update, the projection with {@code FOR
 * UPDATE}), so whichever comes second sees what the first committed.
 */
public final class DeliveryOutcomes {

  public static final String DELIVERED = "delivered";
  public static final String DEAD = "dead";

  private final AnalyticsTables tables;

  public DeliveryOutcomes(Dialect dialect) {
    this.tables = new AnalyticsTables(dialect);
  }

  /**
   * Counts the outcomes on {@code connection}, in the caller's transaction, after it changed the
   * deliveries' status.
   *
   * @param outcomes by action id, {@link #DELIVERED} or {@link #DEAD}
   */
  public void record(Connection connection, Map<String, String> outcomes) throws SQLException {
    if (outcomes.isEmpty()) {
      return;
    }
    Map<String, EmittedAction> known = tables.actions(connection, outcomes.keySet());
    AnalyticsCounts counts = new AnalyticsCounts(Map.of(), known);
    List<String> waiting = new ArrayList<>();
    for (Map.Entry<String, String> outcome : new TreeMap<>(outcomes).entrySet()) {
      if (known.containsKey(outcome.getKey())) {
        counts.outcome(outcome.getKey(), outcome.getValue());
      } else {
        waiting.add(outcome.getKey());
      }
    }
    tables.write(connection, counts);
    if (!waiting.isEmpty()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO analytics_delivery_outcome (action_id, outcome) VALUES (?, ?)")) {
        for (String actionId : waiting) {
          insert.setString(1, actionId);
          insert.setString(2, outcomes.get(actionId));
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }

  /**
   * The outcomes waiting for actions the projection records now: locks their deliveries rows first
   * (see the class comment), then takes the waiting outcomes out of their table.
   */
  static Map<String, List<String>> takeWaiting(Connection connection, Collection<String> actionIds)
      throws SQLException {
    Map<String, List<String>> waiting = new TreeMap<>();
    if (actionIds.isEmpty()) {
      return waiting;
    }
    List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(actionIds));
    String marks = String.join(", ", java.util.Collections.nCopies(sorted.size(), "?"));
    try (PreparedStatement lock =
            connection.prepareStatement(
                "SELECT action_id FROM deliveries WHERE action_id IN ("
                    + marks
                    + ") ORDER BY action_id FOR UPDATE");
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT action_id, outcome FROM analytics_delivery_outcome WHERE action_id IN ("
                    + marks
                    + ")");
        PreparedStatement delete =
            connection.prepareStatement(
                "DELETE FROM analytics_delivery_outcome WHERE action_id IN (" + marks + ")")) {
      for (int i = 0; i < sorted.size(); i++) {
        lock.setString(i + 1, sorted.get(i));
        select.setString(i + 1, sorted.get(i));
        delete.setString(i + 1, sorted.get(i));
      }
      try (ResultSet locked = lock.executeQuery()) {
        while (locked.next()) {
          // Only the locks matter.
        }
      }
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          waiting
              .computeIfAbsent(result.getString(1), id -> new ArrayList<>())
              .add(result.getString(2));
        }
      }
      if (!waiting.isEmpty()) {
        delete.executeUpdate();
      }
    }
    return waiting;
  }
}
