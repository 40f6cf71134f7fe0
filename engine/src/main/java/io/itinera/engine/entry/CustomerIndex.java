package io.itinera.engine.entry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.journeys.entry.IndexedCustomer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code customer_index} table: what a segment can read of every customer, written by {@link
 * CustomerIndexProjection} and paged through by entry runs in customer id order (keyset pagination:
 * each page starts after the last id of the one before, so a page costs the same at the start of a
 * million rows as at the end, and a run resumes from the id it stored).
 */
public final class CustomerIndex {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final TypeReference<Map<String, Map<String, String>>> JOURNEYS =
      new TypeReference<>() {};

  /** One customer's row, as the projection changes it. */
  static final class Row {
    final String customerId;
    Map<String, Object> traits = new LinkedHashMap<>();
    Map<String, Long> counters = new TreeMap<>();
    Instant lastSeen;

    /** Journey to {@code {"stage": ..., "cause": ...}}: where they are, and what entered them. */
    Map<String, Map<String, String>> journeys = new TreeMap<>();

    boolean deleted;

    Row(String customerId) {
      this.customerId = customerId;
    }
  }

  private final Dialect dialect;

  public CustomerIndex(Dialect dialect) {
    this.dialect = dialect;
  }

  /** The rows of these customers as stored; a customer without one gets an empty row. */
  Map<String, Row> rows(Connection connection, Collection<String> customerIds) throws SQLException {
    Map<String, Row> rows = new HashMap<>();
    for (String id : customerIds) {
      rows.put(id, new Row(id));
    }
    if (customerIds.isEmpty()) {
      return rows;
    }
    String marks = String.join(", ", Collections.nCopies(customerIds.size(), "?"));
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT customer_id, traits, counters, last_seen, journeys FROM customer_index"
                + " WHERE customer_id IN ("
                + marks
                + ")")) {
      int i = 1;
      for (String id : customerIds) {
        query.setString(i++, id);
      }
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          Row row = rows.get(result.getString(1));
          row.traits = new LinkedHashMap<>(object(result.getString(2)));
          row.counters = new TreeMap<>(counters(result.getString(3)));
          row.lastSeen = instant(result.getTimestamp(4));
          row.journeys = new TreeMap<>(journeys(result.getString(5)));
        }
      }
    }
    return rows;
  }

  /**
   * The persistence ids among {@code latest} (id to the sequence number of its last event in a
   * group) whose event is no longer in the journal: the customer was erased since the projection
   * read it. The rows still there are locked until the group commits, so an erasure deleting them
   * waits, and then deletes the index row this group writes; a group that comes after the erasure
   * finds them gone and writes no row. Either way no erased customer is left in the index.
   */
  Set<String> erasedSince(Connection connection, Map<String, Long> latest) throws SQLException {
    Set<String> missing = new HashSet<>(latest.keySet());
    if (latest.isEmpty()) {
      return missing;
    }
    // Exactly these (id, number) pairs, each found by the primary key: two separate IN lists would
    // also match, and lock, other customers' rows of those numbers.
    String pairs = String.join(", ", Collections.nCopies(latest.size(), "(?, ?)"));
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT \"persistence_id\", \"sequence_number\" FROM \"event_journal\""
                + " WHERE (\"persistence_id\", \"sequence_number\") IN ("
                + pairs
                + ") FOR UPDATE")) {
      int i = 1;
      for (Map.Entry<String, Long> pair : latest.entrySet()) {
        query.setString(i++, pair.getKey());
        query.setLong(i++, pair.getValue());
      }
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          String id = result.getString(1);
          if (latest.get(id) == result.getLong(2)) {
            missing.remove(id);
          }
        }
      }
    }
    return missing;
  }

  /** Writes each row, or deletes it when the customer was erased or merged away. */
  void write(Connection connection, Collection<Row> rows, Instant now) throws SQLException {
    String json = dialect == Dialect.POSTGRES ? "CAST(? AS JSONB)" : "?";
    String upsert =
        dialect == Dialect.H2
            ? "MERGE INTO customer_index (customer_id, traits, counters, last_seen, journeys,"
                + " updated_at) KEY (customer_id) VALUES (?, ?, ?, ?, ?, ?)"
            : "INSERT INTO customer_index (customer_id, traits, counters, last_seen, journeys,"
                + " updated_at) VALUES (?, "
                + json
                + ", "
                + json
                + ", ?, "
                + json
                + ", ?) ON CONFLICT (customer_id) DO UPDATE SET traits = EXCLUDED.traits,"
                + " counters = EXCLUDED.counters, last_seen = EXCLUDED.last_seen,"
                + " journeys = EXCLUDED.journeys, updated_at = EXCLUDED.updated_at";
    try (PreparedStatement insert = connection.prepareStatement(upsert);
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM customer_index WHERE customer_id = ?")) {
      for (Row row : rows) {
        if (row.deleted) {
          delete.setString(1, row.customerId);
          delete.addBatch();
          continue;
        }
        insert.setString(1, row.customerId);
        insert.setString(2, text(row.traits));
        insert.setString(3, text(row.counters));
        insert.setTimestamp(4, row.lastSeen == null ? null : Timestamp.from(row.lastSeen));
        insert.setString(5, text(row.journeys));
        insert.setTimestamp(6, Timestamp.from(now));
        insert.addBatch();
      }
      insert.executeBatch();
      delete.executeBatch();
    }
  }

  /** Up to {@code limit} customers whose id sorts after {@code afterId} ("" from the start). */
  public List<IndexedCustomer> page(Connection connection, String afterId, int limit)
      throws SQLException {
    List<IndexedCustomer> page = new ArrayList<>(limit);
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT customer_id, traits, counters, last_seen, journeys FROM customer_index"
                + " WHERE customer_id > ? ORDER BY customer_id LIMIT ?")) {
      query.setString(1, afterId);
      query.setInt(2, limit);
      query.setFetchSize(limit);
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          page.add(
              new IndexedCustomer(
                  result.getString(1),
                  object(result.getString(2)),
                  counters(result.getString(3)),
                  instant(result.getTimestamp(4)),
                  causes(result.getString(5))));
        }
      }
    }
    return page;
  }

  private static Map<String, Object> object(String json) throws SQLException {
    return json == null || json.equals("{}") ? Map.of() : read(json, OBJECT);
  }

  private static Map<String, Long> counters(String json) throws SQLException {
    if (json == null || json.equals("{}")) {
      return Map.of();
    }
    Map<String, Long> counters = new HashMap<>();
    read(json, OBJECT).forEach((name, n) -> counters.put(name, ((Number) n).longValue()));
    return counters;
  }

  private static Map<String, Map<String, String>> journeys(String json) throws SQLException {
    return json == null || json.equals("{}") ? Map.of() : read(json, JOURNEYS);
  }

  /** Journey to the cause that entered the customer. */
  private static Map<String, String> causes(String json) throws SQLException {
    Map<String, Map<String, String>> journeys = journeys(json);
    if (journeys.isEmpty()) {
      return Map.of();
    }
    Map<String, String> causes = new HashMap<>();
    journeys.forEach((journey, in) -> causes.put(journey, in.getOrDefault("cause", "")));
    return causes;
  }

  private static <T> T read(String json, TypeReference<T> type) throws SQLException {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException bad) {
      throw new SQLException("customer_index holds malformed JSON: " + bad.getMessage(), bad);
    }
  }

  private static String text(Object value) throws SQLException {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException bad) {
      throw new SQLException("a customer's traits cannot be written as JSON", bad);
    }
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
