package io.itinera.engine.customer;

import io.itinera.engine.storage.BlockingSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;

/**
 * The rows that hold a customer's data outside the entity's state, for export and erasure (GDPR
 * Art. 15, 17, 20): the journal and its tags, snapshots, deliveries and the due timer. One place
 * that knows every table naming a customer, so a new one is added here, and both see it.
 *
 * <p>Journal tables are quoted: H2's are created quoted lowercase ({@code db/h2/V1__journal.sql}),
 * PostgreSQL's unquoted, which is the same lowercase name there.
 */
public final class CustomerRecords {

  /** What an erasure deleted. */
  public record Deleted(long events, int snapshots, int deliveries, int dueTimers) {}

  /** Records that never touch a database: for entities run without one (the unit test kit). */
  public static final CustomerRecords NONE = new CustomerRecords(null, null);

  private static final String DELETE_TAGS =
      "DELETE FROM \"event_tag\" WHERE \"event_id\" IN (SELECT \"ordering\" FROM"
          + " \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?)";
  private static final String DELETE_EVENTS =
      "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?";
  private static final String DELETE_SNAPSHOTS =
      "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?";
  private static final String DELETE_DELIVERIES =
      "DELETE FROM deliveries WHERE customer_id = ? AND emitted_at <= ?";
  private static final String DELETE_ANALYTICS_JOURNEYS =
      "DELETE FROM analytics_customer_journey WHERE customer_id = ?";
  private static final String DELETE_ANALYTICS_ACTIONS =
      "DELETE FROM analytics_action WHERE customer_id = ?";
  private static final String DELETE_DUE_TIMER = "DELETE FROM due_timers WHERE customer_id = ?";
  private static final String DELETE_CUSTOMER_INDEX =
      "DELETE FROM customer_index WHERE customer_id = ?";

  private final DataSource dataSource;
  private final BlockingSql blocking;

  public CustomerRecords(DataSource dataSource, BlockingSql blocking) {
    this.dataSource = dataSource;
    this.blocking = blocking;
  }

  /**
   * Deletes, in one transaction on the blocking pool, the customer's journal rows before {@code
   * markerSequenceNr} with their tags, their snapshots before it, their deliveries of actions
   * emitted up to {@code erasedAt} and their due timer. Rows from after the marker stay: the
   * customer may have started afresh.
   */
  public CompletionStage<Deleted> erase(
      String customerId, long markerSequenceNr, Instant erasedAt) {
    if (dataSource == null) {
      return CompletableFuture.completedFuture(new Deleted(0, 0, 0, 0));
    }
    String persistenceId = CustomerPersistenceId.of(customerId).id();
    return blocking.supply(
        () -> {
          try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
              update(connection, DELETE_TAGS, persistenceId, markerSequenceNr);
              long events = update(connection, DELETE_EVENTS, persistenceId, markerSequenceNr);
              int snapshots = update(connection, DELETE_SNAPSHOTS, persistenceId, markerSequenceNr);
              int deliveries = deleteDeliveries(connection, customerId, erasedAt);
              int dueTimers = update(connection, DELETE_DUE_TIMER, customerId, null);
              // Analytics' rows naming the customer; its counts name nobody and stay.
              update(connection, DELETE_ANALYTICS_JOURNEYS, customerId, null);
              update(connection, DELETE_ANALYTICS_ACTIONS, customerId, null);
              // The customer index (entry runs); its projection deletes it again on the marker.
              update(connection, DELETE_CUSTOMER_INDEX, customerId, null);
              connection.commit();
              return new Deleted(events, snapshots, deliveries, dueTimers);
            } catch (SQLException | RuntimeException e) {
              connection.rollback();
              throw e;
            }
          }
        });
  }

  private static final String RECENT_CUSTOMERS =
      "SELECT \"persistence_id\" FROM \"event_journal\" WHERE \"sequence_number\" = 1 AND"
          + " \"persistence_id\" LIKE ? ORDER BY \"ordering\" DESC LIMIT ?";

  /**
   * The ids of the {@code limit} customers whose journals began most recently (a replay's sample):
   * read backwards along the journal's ordering, so it stops after {@code limit} customers however
   * long the journal.
   */
  public CompletionStage<List<String>> recentCustomerIds(int limit) {
    if (dataSource == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    return blocking.supply(
        () -> {
          try (Connection connection = dataSource.getConnection();
              PreparedStatement statement = connection.prepareStatement(RECENT_CUSTOMERS)) {
            statement.setString(1, CustomerEntity.TYPE_KEY.name() + "|%");
            statement.setInt(2, limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                ids.add(CustomerPersistenceId.customerId(rows.getString(1)));
              }
            }
            return ids;
          }
        });
  }

  /**
   * Deletes the customer's deliveries of actions emitted up to {@code erasedAt}, on the caller's
   * connection: the outbox calls it when it reads the erasure's marker, for rows it queued from
   * events it had read before they were deleted.
   */
  public static int deleteDeliveries(Connection connection, String customerId, Instant erasedAt)
      throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(DELETE_DELIVERIES)) {
      delete.setString(1, customerId);
      delete.setTimestamp(2, Timestamp.from(erasedAt));
      return delete.executeUpdate();
    }
  }

  private static int update(Connection connection, String sql, String id, Long sequenceNr)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, id);
      if (sequenceNr != null) {
        statement.setLong(2, sequenceNr);
      }
      return statement.executeUpdate();
    }
  }

  /** The customer's deliveries, oldest first, each as its columns by name (for the export). */
  public CompletionStage<List<Map<String, Object>>> deliveries(String customerId) {
    if (dataSource == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    return blocking.supply(
        () -> {
          try (Connection connection = dataSource.getConnection();
              PreparedStatement query =
                  connection.prepareStatement(
                      "SELECT action_id, channel, journey, status, attempts, emitted_at, queued_at,"
                          + " last_attempt_at, last_status, last_error, delivered_at, event"
                          + " FROM deliveries WHERE customer_id = ? ORDER BY id")) {
            query.setString(1, customerId);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
              while (result.next()) {
                rows.add(row(result));
              }
            }
            return rows;
          }
        });
  }

  private static Map<String, Object> row(ResultSet result) throws SQLException {
    Map<String, Object> row = new LinkedHashMap<>();
    int columns = result.getMetaData().getColumnCount();
    for (int i = 1; i <= columns; i++) {
      Object value = result.getObject(i);
      if (value instanceof Timestamp timestamp) {
        value = timestamp.toInstant();
      } else if (value instanceof OffsetDateTime offset) {
        value = offset.toInstant();
      }
      if (value != null) {
        row.put(toCamelCase(result.getMetaData().getColumnLabel(i)), value);
      }
    }
    return row;
  }

  private static String toCamelCase(String column) {
    StringBuilder name = new StringBuilder();
    boolean upper = false;
    for (char c : column.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        name.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return name.toString();
  }
}
