package io.itinera.engine.delivery;

import io.itinera.engine.delivery.Delivery.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The {@code deliveries} table as the API reads it: single deliveries, the listing, a channel's
 * pages by cursor for pull and stream clients, the backlog per channel, and the retry an operator
 * asks for. {@link Queueing} fills the table, {@link WebhookAttempts} and {@link AvailableActions}
 * work through it.
 */
public final class Deliveries {

  /** What a retry request found. */
  public enum RetryResult {
    QUEUED,
    NOT_FOUND,
    NO_ENDPOINT
  }

  private final DataSource dataSource;

  public Deliveries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Optional<Delivery> get(String actionId) throws SQLException {
    return DeliveryRows.select(dataSource, "action_id = ?", query -> query.setString(1, actionId))
        .stream()
        .findFirst();
  }

  /** Deliveries in queue order after {@code afterId}, by status and channel when given. */
  public List<Delivery> list(Status status, String channel, long afterId, int limit)
      throws SQLException {
    StringBuilder condition = new StringBuilder("id > ?");
    if (status != null) {
      condition.append(" AND status = ?");
    }
    if (channel != null) {
      condition.append(" AND channel = ?");
    }
    condition.append(" ORDER BY id LIMIT ?");
    return DeliveryRows.select(
        dataSource,
        condition.toString(),
        query -> {
          int i = 1;
          query.setLong(i++, afterId);
          if (status != null) {
            query.setString(i++, status.wireName());
          }
          if (channel != null) {
            query.setString(i++, channel);
          }
          query.setInt(i, limit);
        });
  }

  /**
   * Sends a delivery again from its first attempt, at once, whatever its status: dead, delivered (a
   * resend, under the same id), pending (now rather than later), or available (the channel has an
   * endpoint now). Its channel needs an endpoint.
   */
  public RetryResult retry(String actionId, Instant now) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        String channel;
        try (PreparedStatement query =
            connection.prepareStatement("SELECT channel FROM deliveries WHERE action_id = ?")) {
          query.setString(1, actionId);
          try (ResultSet rows = query.executeQuery()) {
            if (!rows.next()) {
              connection.rollback();
              return RetryResult.NOT_FOUND;
            }
            channel = rows.getString(1);
          }
        }
        if (!ChannelEndpoints.channels(connection).contains(channel)) {
          connection.rollback();
          return RetryResult.NO_ENDPOINT;
        }
        try (PreparedStatement update =
            connection.prepareStatement(
                "UPDATE deliveries SET status = ?, attempts = 0, next_attempt_at = ?,"
                    + " delivered_at = NULL WHERE action_id = ?")) {
          update.setString(1, Status.PENDING.wireName());
          update.setTimestamp(2, Timestamp.from(now));
          update.setString(3, actionId);
          update.executeUpdate();
        }
        connection.commit();
        return RetryResult.QUEUED;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /** Pending and dead deliveries per channel, for the channel list. */
  public Map<String, Map<Status, Long>> backlog() throws SQLException {
    Map<String, Map<Status, Long>> counts = new TreeMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT channel, status, count(*) FROM deliveries WHERE status IN (?, ?)"
                    + " GROUP BY channel, status")) {
      query.setString(1, Status.PENDING.wireName());
      query.setString(2, Status.DEAD.wireName());
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          counts
              .computeIfAbsent(rows.getString(1), c -> new TreeMap<>())
              .put(Status.ofWireName(rows.getString(2)), rows.getLong(3));
        }
      }
    }
    return counts;
  }

  // Pull and stream.

  /** The channel's actions after {@code cursor}, in cursor order; withdrawn ones left out. */
  public List<Delivery> page(String channel, long cursor, int limit) throws SQLException {
    return DeliveryRows.select(
        dataSource,
        "channel = ? AND channel_seq > ? AND status <> ? ORDER BY channel_seq LIMIT ?",
        query -> {
          query.setString(1, channel);
          query.setLong(2, cursor);
          query.setString(3, Status.WITHDRAWN.wireName());
          query.setInt(4, limit);
        });
  }

  /** The channel's last committed cursor, 0 when it never had an action. */
  public long lastCursor(String channel) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT last_seq FROM channel_sequences WHERE channel = ?")) {
      query.setString(1, channel);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    }
  }
}
