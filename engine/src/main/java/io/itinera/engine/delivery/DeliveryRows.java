package io.itinera.engine.delivery;

import io.itinera.engine.delivery.Delivery.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** A {@code deliveries} row as a {@link Delivery}, and the column conversions its writers share. */
final class DeliveryRows {

  /** The columns {@link #read} expects, in its order. */
  private static final String COLUMNS =
      "id, action_id, channel, channel_seq, customer_id, journey, event, emitted_at, queued_at,"
          + " status, attempts, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at";

  /** Sets a query's parameters. */
  @FunctionalInterface
  interface Parameters {
    void set(PreparedStatement query) throws SQLException;
  }

  private DeliveryRows() {}

  /**
   * The deliveries that meet {@code condition} (SQL after {@code WHERE}, ordering and limit
   * included), its parameters set by {@code parameters}.
   */
  static List<Delivery> select(DataSource dataSource, String condition, Parameters parameters)
      throws SQLException {
    List<Delivery> all = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM deliveries WHERE " + condition)) {
      parameters.set(query);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          all.add(read(rows));
        }
      }
    }
    return all;
  }

  private static Delivery read(ResultSet rows) throws SQLException {
    int lastStatus = rows.getInt(14);
    Integer httpStatus = rows.wasNull() ? null : lastStatus;
    return new Delivery(
        rows.getLong(1),
        rows.getString(2),
        rows.getString(3),
        rows.getLong(4),
        rows.getString(5),
        rows.getString(6),
        rows.getString(7),
        instant(rows.getTimestamp(8)),
        instant(rows.getTimestamp(9)),
        Status.ofWireName(rows.getString(10)),
        rows.getInt(11),
        instant(rows.getTimestamp(12)),
        instant(rows.getTimestamp(13)),
        httpStatus,
        rows.getString(15),
        instant(rows.getTimestamp(16)));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  static void setInstant(PreparedStatement statement, int index, Instant instant)
      throws SQLException {
    statement.setTimestamp(index, instant == null ? null : Timestamp.from(instant));
  }

  static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
