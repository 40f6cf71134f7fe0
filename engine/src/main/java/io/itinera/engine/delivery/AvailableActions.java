package io.itinera.engine.delivery;

import io.itinera.engine.delivery.Delivery.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The real-time channels' side of {@code deliveries} (next-action): a customer's available actions,
 * taken when a page records it showed one, given back when the showing did not happen, or withdrawn
 * when the customer's entity refused it.
 */
final class AvailableActions {

  private final DataSource dataSource;

  AvailableActions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One delivery by its action id, whatever its status. */
  Optional<Delivery> get(String actionId) throws SQLException {
    return DeliveryRows.select(dataSource, "action_id = ?", query -> query.setString(1, actionId))
        .stream()
        .findFirst();
  }

  /** The customer's actions available on the channel, decided since {@code since}, oldest first. */
  List<Delivery> available(String customerId, String channel, Instant since, int limit)
      throws SQLException {
    return DeliveryRows.select(
        dataSource,
        "customer_id = ? AND channel = ? AND status = ? AND emitted_at >= ?"
            + " ORDER BY channel_seq LIMIT ?",
        query -> {
          query.setString(1, customerId);
          query.setString(2, channel);
          query.setString(3, Status.AVAILABLE.wireName());
          query.setTimestamp(4, Timestamp.from(since));
          query.setInt(5, limit);
        });
  }

  /**
   * Moves an available delivery to {@code to}; false when it is no longer available (another call
   * took it).
   */
  boolean take(String actionId, Status to, String reason, Instant now) throws SQLException {
    return transition(actionId, Status.AVAILABLE, to, reason, now);
  }

  /** Gives back a delivery {@link #take}n for a showing that did not happen. */
  void giveBack(String actionId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE deliveries SET status = ?, delivered_at = NULL WHERE action_id = ? AND status = ?")) {
      update.setString(1, Status.AVAILABLE.wireName());
      update.setString(2, actionId);
      update.setString(3, Status.DELIVERED.wireName());
      update.executeUpdate();
    }
  }

  /** Withdraws a delivery taken for showing that the customer's entity refused. */
  void withdrawTaken(String actionId, String reason) throws SQLException {
    transition(actionId, Status.DELIVERED, Status.WITHDRAWN, reason, null);
  }

  private boolean transition(String actionId, Status from, Status to, String reason, Instant now)
      throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE deliveries SET status = ?, last_error = ?, delivered_at = ?"
                    + " WHERE action_id = ? AND status = ?")) {
      update.setString(1, to.wireName());
      update.setString(2, DeliveryRows.truncate(reason, 1000));
      DeliveryRows.setInstant(update, 3, to == Status.DELIVERED ? now : null);
      update.setString(4, actionId);
      update.setString(5, from.wireName());
      return update.executeUpdate() == 1;
    }
  }
}
