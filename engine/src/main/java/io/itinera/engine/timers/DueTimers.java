package io.itinera.engine.timers;

import io.itinera.engine.storage.StorageSettings.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The {@code due_timers} table: for every customer with a pending timer, when the soonest is due.
 * The projection writes it from the journal; the timer daemon reads it.
 */
public final class DueTimers {

  /** A customer to wake up at {@code dueAt}. */
  public record Due(String customerId, Instant dueAt) {}

  private final Dialect dialect;

  public DueTimers(Dialect dialect) {
    this.dialect = dialect;
  }

  /** Sets the customer's soonest due time, or removes the customer when {@code dueAt} is null. */
  void set(Connection connection, String customerId, int slice, Instant dueAt) throws SQLException {
    if (dueAt == null) {
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM due_timers WHERE customer_id = ?")) {
        delete.setString(1, customerId);
        delete.executeUpdate();
      }
      return;
    }
    String upsert =
        dialect == Dialect.H2
            ? "MERGE INTO due_timers (customer_id, slice, due_at) KEY (customer_id) VALUES (?, ?, ?)"
            : "INSERT INTO due_timers (customer_id, slice, due_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (customer_id) DO UPDATE SET slice = EXCLUDED.slice, due_at = EXCLUDED.due_at";
    try (PreparedStatement statement = connection.prepareStatement(upsert)) {
      statement.setString(1, customerId);
      statement.setInt(2, slice);
      statement.setTimestamp(3, Timestamp.from(dueAt));
      statement.executeUpdate();
    }
  }

  /** The customers of {@code slice} with a timer due at or before {@code now}, soonest first. */
  public List<Due> dueIn(DataSource dataSource, int slice, Instant now, int limit)
      throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT customer_id, due_at FROM due_timers WHERE slice = ? AND due_at <= ?"
                    + " ORDER BY due_at LIMIT ?")) {
      query.setInt(1, slice);
      query.setTimestamp(2, Timestamp.from(now));
      query.setInt(3, limit);
      List<Due> due = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          due.add(new Due(rows.getString(1), rows.getTimestamp(2).toInstant()));
        }
      }
      return due;
    }
  }
}
