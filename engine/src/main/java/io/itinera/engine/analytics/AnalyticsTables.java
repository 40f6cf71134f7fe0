package io.itinera.engine.analytics;

import io.itinera.engine.storage.StorageSettings.Dialect;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The analytics projection's SQL, on the connection of a group's transaction: reading the
 * per-customer rows a group needs, writing them back, and adding its counts to the aggregate tables
 * (an upsert that adds, race-free across slices on PostgreSQL with {@code ON CONFLICT}; the
 * standard {@code MERGE} on the embedded H2, which has no {@code ON CONFLICT}).
 */
final class AnalyticsTables {

  /** Every table the projection writes, for a rebuild. */
  static final List<String> ALL =
      List.of(
          "analytics_journey_day",
          "analytics_stage_day",
          "analytics_transition_day",
          "analytics_stage_time",
          "analytics_action_day",
          "analytics_split_day",
          "analytics_customer_journey",
          "analytics_action");

  /** Ids bound in one {@code IN (...)}: far below every driver's limit on parameters. */
  private static final int CHUNK = 500;

  private final Dialect dialect;

  AnalyticsTables(Dialect dialect) {
    this.dialect = dialect;
  }

  Map<CustomerJourney.Key, CustomerJourney> journeysOf(
      Connection connection, Collection<String> customerIds) throws SQLException {
    Map<CustomerJourney.Key, CustomerJourney> rows = new HashMap<>();
    for (List<String> chunk : chunks(customerIds)) {
      try (PreparedStatement query =
          connection.prepareStatement(
              "SELECT customer_id, journey, version, arm, segments, stage, stage_since,"
                  + " entered_day, splits FROM analytics_customer_journey WHERE customer_id IN ("
                  + marks(chunk.size())
                  + ")")) {
        bind(query, chunk);
        try (ResultSet result = query.executeQuery()) {
          while (result.next()) {
            CustomerJourney row =
                new CustomerJourney(
                    result.getString(1),
                    result.getString(2),
                    result.getInt(3),
                    result.getString(4),
                    CustomerJourney.decodeSegments(result.getString(5)),
                    result.getString(6),
                    result.getTimestamp(7).toInstant(),
                    result.getDate(8).toLocalDate(),
                    CustomerJourney.decodeSplits(result.getString(9)));
            rows.put(row.key(), row);
          }
        }
      }
    }
    return rows;
  }

  Map<String, EmittedAction> actions(Connection connection, Collection<String> actionIds)
      throws SQLException {
    Map<String, EmittedAction> rows = new HashMap<>();
    for (List<String> chunk : chunks(actionIds)) {
      try (PreparedStatement query =
          connection.prepareStatement(
              "SELECT action_id, customer_id, journey, version, \"day\", arm, segments, stage,"
                  + " channel, template, engaged, emitted_at FROM analytics_action"
                  + " WHERE action_id IN ("
                  + marks(chunk.size())
                  + ")")) {
        bind(query, chunk);
        try (ResultSet result = query.executeQuery()) {
          while (result.next()) {
            EmittedAction row =
                new EmittedAction(
                    result.getString(1),
                    result.getString(2),
                    result.getString(3),
                    result.getInt(4),
                    result.getDate(5).toLocalDate(),
                    result.getString(6),
                    CustomerJourney.decodeSegments(result.getString(7)),
                    result.getString(8),
                    result.getString(9),
                    result.getString(10),
                    result.getBoolean(11),
                    result.getTimestamp(12).toInstant());
            rows.put(row.actionId(), row);
          }
        }
      }
    }
    return rows;
  }

  /** Writes what a group counted: erasures first, then rows, then the aggregate counts. */
  void write(Connection connection, AnalyticsCounts counted) throws SQLException {
    for (String customerId : counted.erasedCustomers()) {
      erase(connection, customerId);
    }
    writeJourneys(connection, counted.changedJourneys());
    writeActions(connection, counted.newActions(), counted.engagedActions());
    addCounts(connection, counted.counts());
  }

  /** Deletes the rows that name the customer; the aggregate rows name nobody and stay. */
  static int erase(Connection connection, String customerId) throws SQLException {
    int deleted = 0;
    for (String table : List.of("analytics_customer_journey", "analytics_action")) {
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM " + table + " WHERE customer_id = ?")) {
        delete.setString(1, customerId);
        deleted += delete.executeUpdate();
      }
    }
    return deleted;
  }

  /** Empties every analytics table, for a rebuild from the journal. */
  static void truncate(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String table : ALL) {
        statement.executeUpdate("DELETE FROM " + table);
      }
    }
  }

  private void writeJourneys(Connection connection, List<CustomerJourney> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement delete =
            connection.prepareStatement(
                "DELETE FROM analytics_customer_journey WHERE customer_id = ? AND journey = ?");
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO analytics_customer_journey (customer_id, journey, version, arm,"
                    + " segments, stage, stage_since, entered_day, splits)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (CustomerJourney row : rows) {
        delete.setString(1, row.customerId());
        delete.setString(2, row.journey());
        delete.addBatch();
        insert.setString(1, row.customerId());
        insert.setString(2, row.journey());
        insert.setInt(3, row.version());
        insert.setString(4, row.arm());
        insert.setString(5, row.encodedSegments());
        insert.setString(6, row.stage());
        insert.setTimestamp(7, Timestamp.from(row.stageSince()));
        insert.setDate(8, Date.valueOf(row.enteredDay()));
        insert.setString(9, row.encodedSplits());
        insert.addBatch();
      }
      delete.executeBatch();
      insert.executeBatch();
    }
  }

  private void writeActions(Connection connection, List<EmittedAction> added, List<String> engaged)
      throws SQLException {
    if (!added.isEmpty()) {
      try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM analytics_action WHERE action_id = ?");
          PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO analytics_action (action_id, customer_id, journey, version, \"day\","
                      + " arm, segments, stage, channel, template, engaged, emitted_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (EmittedAction action : added) {
          // A deferred action emitted again under the same id replaces its row.
          delete.setString(1, action.actionId());
          delete.addBatch();
          insert.setString(1, action.actionId());
          insert.setString(2, action.customerId());
          insert.setString(3, action.journey());
          insert.setInt(4, action.version());
          insert.setDate(5, Date.valueOf(action.day()));
          insert.setString(6, action.arm());
          insert.setString(7, String.join(",", action.segments()));
          insert.setString(8, action.stage());
          insert.setString(9, action.channel());
          insert.setString(10, action.template());
          insert.setBoolean(11, action.engaged());
          insert.setTimestamp(12, Timestamp.from(action.emittedAt()));
          insert.addBatch();
        }
        delete.executeBatch();
        insert.executeBatch();
      }
    }
    if (!engaged.isEmpty()) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE analytics_action SET engaged = TRUE WHERE action_id = ?")) {
        for (String id : engaged) {
          update.setString(1, id);
          update.addBatch();
        }
        update.executeBatch();
      }
    }
  }

  /**
   * Adds the counts: one batched upsert per table, one row per key with every column this group
   * counted for the table (0 where it counted nothing), tables and rows in the counts' order. Every
   * slice's transaction therefore locks the shared aggregate rows once each and in one global
   * order, so two slices never wait on each other in a cycle. (An upsert per table and column
   * locked a row in one statement and the next in another, in an order that differed between
   * slices: PostgreSQL found deadlocks between the analytics slices under load, and the projection
   * restarted.)
   */
  void addCounts(Connection connection, Map<Counter, Long> counts) throws SQLException {
    // The counts are sorted by table, key, segment, column: a row's columns are adjacent.
    Map<Table, Map<CountRow, Map<String, Long>>> rows = new LinkedHashMap<>();
    for (Map.Entry<Counter, Long> count : counts.entrySet()) {
      Counter counter = count.getKey();
      CountRow row = new CountRow(counter.key(), counter.segment());
      rows.computeIfAbsent(counter.table(), t -> new LinkedHashMap<>())
          .computeIfAbsent(row, r -> new LinkedHashMap<>())
          .merge(counter.column(), count.getValue(), Long::sum);
    }
    for (Map.Entry<Table, Map<CountRow, Map<String, Long>>> table : rows.entrySet()) {
      List<String> columns =
          table.getValue().values().stream()
              .flatMap(columnsOfRow -> columnsOfRow.keySet().stream())
              .distinct()
              .sorted()
              .toList();
      try (PreparedStatement upsert =
          connection.prepareStatement(upsert(table.getKey(), columns))) {
        for (Map.Entry<CountRow, Map<String, Long>> row : table.getValue().entrySet()) {
          int i = 1;
          for (Object value : row.getKey().key()) {
            setKey(upsert, i++, value);
          }
          upsert.setString(i++, row.getKey().segment());
          for (String column : columns) {
            upsert.setLong(i++, row.getValue().getOrDefault(column, 0L));
          }
          upsert.addBatch();
        }
        upsert.executeBatch();
      }
    }
  }

  /** One row of an aggregate table: its key and segment. */
  private record CountRow(List<Object> key, String segment) {}

  private static void setKey(PreparedStatement statement, int index, Object value)
      throws SQLException {
    if (value instanceof LocalDate day) {
      statement.setDate(index, Date.valueOf(day));
    } else if (value instanceof Integer number) {
      statement.setInt(index, number);
    } else {
      statement.setString(index, (String) value);
    }
  }

  private String upsert(Table table, List<String> columns) {
    List<String> keys = table.allKeyColumns();
    String keyList = String.join(", ", keys);
    String columnList = String.join(", ", columns);
    if (dialect == Dialect.POSTGRES) {
      return "INSERT INTO "
          + table.table
          + " AS t ("
          + keyList
          + ", "
          + columnList
          + ") VALUES ("
          + marks(keys.size() + columns.size())
          + ") ON CONFLICT ("
          + keyList
          + ") DO UPDATE SET "
          + columns.stream()
              .map(c -> c + " = t." + c + " + EXCLUDED." + c)
              .collect(Collectors.joining(", "));
    }
    String source =
        Stream.concat(
                keys.stream().map(k -> "CAST(? AS " + h2Type(k) + ") AS " + k),
                columns.stream().map(c -> "CAST(? AS BIGINT) AS " + c))
            .collect(Collectors.joining(", "));
    String on = keys.stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "));
    return "MERGE INTO "
        + table.table
        + " t USING (SELECT "
        + source
        + ") s ON ("
        + on
        + ") WHEN MATCHED THEN UPDATE SET "
        + columns.stream().map(c -> c + " = t." + c + " + s." + c).collect(Collectors.joining(", "))
        + " WHEN NOT MATCHED THEN INSERT ("
        + keyList
        + ", "
        + columnList
        + ") VALUES ("
        + Stream.concat(keys.stream(), columns.stream())
            .map(k -> "s." + k)
            .collect(Collectors.joining(", "))
        + ")";
  }

  /** H2 cannot type a bare parameter in a select list. */
  private static String h2Type(String column) {
    return switch (column) {
      case Table.DAY -> "DATE";
      case "version", "bucket" -> "INT";
      default -> "VARCHAR(200)";
    };
  }

  private static List<List<String>> chunks(Collection<String> ids) {
    List<String> all = List.copyOf(ids);
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < all.size(); from += CHUNK) {
      chunks.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
    }
    return chunks;
  }

  private static String marks(int count) {
    return String.join(", ", java.util.Collections.nCopies(count, "?"));
  }

  private static void bind(PreparedStatement statement, List<String> values) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      statement.setString(i + 1, values.get(i));
    }
  }
}
