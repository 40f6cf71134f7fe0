package io.itinera.engine.delivery;

import io.itinera.engine.storage.StorageSettings.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * Where the deliveries' SQL differs between PostgreSQL and H2 (the embedded mode and tests), so the
 * queueing, sending and reading of deliveries stay portable.
 */
final class DeliveryDialect {

  private final Dialect dialect;

  DeliveryDialect(Dialect dialect) {
    this.dialect = dialect;
  }

  /** Takes {@code count} cursors of the channel under its row lock; returns the last one. */
  long takeCursors(Connection connection, String channel, int count) throws SQLException {
    if (dialect == Dialect.POSTGRES) {
      try (PreparedStatement upsert =
          connection.prepareStatement(
              "INSERT INTO channel_sequences (channel, last_seq) VALUES (?, ?) ON CONFLICT (channel)"
                  + " DO UPDATE SET last_seq = channel_sequences.last_seq + EXCLUDED.last_seq"
                  + " RETURNING last_seq")) {
        upsert.setString(1, channel);
        upsert.setLong(2, count);
        try (ResultSet rows = upsert.executeQuery()) {
          rows.next();
          return rows.getLong(1);
        }
      }
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE channel_sequences SET last_seq = last_seq + ? WHERE channel = ?")) {
      update.setLong(1, count);
      update.setString(2, channel);
      if (update.executeUpdate() == 0) {
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO channel_sequences (channel, last_seq) VALUES (?, ?)")) {
          insert.setString(1, channel);
          insert.setLong(2, count);
          insert.executeUpdate();
          return count;
        }
      }
    }
    try (PreparedStatement query =
        connection.prepareStatement("SELECT last_seq FROM channel_sequences WHERE channel = ?")) {
      query.setString(1, channel);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /**
   * On PostgreSQL, the open transaction's commit no longer waits for the WAL flush; elsewhere it
   * commits as usual.
   */
  void commitWithoutFlushWait(Connection connection) throws SQLException {
    if (dialect == Dialect.POSTGRES) {
      try (Statement asynchronous = connection.createStatement()) {
        asynchronous.execute("SET LOCAL synchronous_commit = off");
      }
    }
  }

  /**
   * Deletes at most {@code limit} rows of {@code status} queued before {@code cutoff}, oldest first
   * on PostgreSQL. The outer condition is repeated there so that a row retried (set pending)
   * between the subquery's snapshot and the delete is re-checked on its new version and kept. H2
   * re-reads an IN subquery over the table being deleted from as it goes (deleting fewer than the
   * limit), so it takes its own form.
   */
  int deleteOldest(Connection connection, String status, Timestamp cutoff, int limit)
      throws SQLException {
    String sql =
        dialect == Dialect.POSTGRES
            ? "DELETE FROM deliveries WHERE status = ? AND queued_at < ? AND action_id IN"
                + " (SELECT action_id FROM deliveries WHERE status = ? AND queued_at < ?"
                + " ORDER BY queued_at LIMIT ?)"
            : "DELETE FROM deliveries WHERE status = ? AND queued_at < ? FETCH FIRST ? ROWS ONLY";
    try (PreparedStatement delete = connection.prepareStatement(sql)) {
      int i = 1;
      delete.setString(i++, status);
      delete.setTimestamp(i++, cutoff);
      if (dialect == Dialect.POSTGRES) {
        delete.setString(i++, status);
        delete.setTimestamp(i++, cutoff);
      }
      delete.setInt(i, limit);
      return delete.executeUpdate();
    }
  }
}
