package io.itinera.engine.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itinera.engine.storage.BlockingSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;

/**
 * The audit log of administration ({@code audit_log}): every change an admin route acknowledges is
 * written here before the route answers, so an acknowledged change is always in the log. Entries
 * are only ever appended (on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE).
 *
 * <p>Callers name the change: {@code journey.deploy}, {@code journey.retire}, {@code channel.put},
 * {@code channel.delete}, {@code delivery.retry}, {@code key.create}, {@code key.rotate}, {@code
 * key.revoke}, {@code customer.erase}. The detail is for what an auditor needs to tell changes
 * apart (a version, whether it was created), never personal data or a secret.
 */
public final class Audit {

  /** The longest detail kept, as JSON. Details are a few fields; a longer one is a caller's bug. */
  static final int MAX_DETAIL = 2000;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final DataSource dataSource;
  private final BlockingSql blocking;
  private final Clock clock;

  public Audit(DataSource dataSource, BlockingSql blocking, Clock clock) {
    this.dataSource = dataSource;
    this.blocking = blocking;
    this.clock = clock;
  }

  /** Filters and the page of {@link #list}. */
  public record Query(Optional<String> action, Optional<String> who, long before, int limit) {}

  /**
   * Appends an entry, on the blocking dispatcher; the stage completes once it is committed.
   *
   * @param who the caller's key id ({@code KeyIds.of(secret)})
   * @param detail a few fields (strings, numbers, booleans), no personal data, no secret
   */
  public CompletionStage<AuditEntry> record(
      String who, String action, String target, Map<String, ?> detail) {
    return blocking.supply(() -> recordNow(who, action, target, detail));
  }

  /** {@link #record} on the calling thread, for work already on the blocking dispatcher. */
  public AuditEntry recordNow(String who, String action, String target, Map<String, ?> detail)
      throws SQLException {
    if (!AuditEntry.ACTION.matcher(action).matches()) {
      throw new IllegalArgumentException("Not an audit action: " + action);
    }
    String json = json(detail);
    Instant at = clock.instant();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO audit_log (at, who, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
      insert.setTimestamp(1, Timestamp.from(at));
      insert.setString(2, who);
      insert.setString(3, action);
      insert.setString(4, target);
      insert.setString(5, json);
      insert.executeUpdate();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        keys.next();
        return new AuditEntry(keys.getLong(1), at, who, action, target, MAPPER.valueToTree(detail));
      }
    }
  }

  /** Entries newest first, older than {@code before} when it is above 0, by action and who. */
  public List<AuditEntry> list(Query query) throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT id, at, who, action, target, detail FROM audit_log WHERE 1 = 1");
    List<Object> values = new ArrayList<>();
    if (query.before() > 0) {
      sql.append(" AND id < ?");
      values.add(query.before());
    }
    query.action().ifPresent(action -> append(sql, values, " AND action = ?", action));
    query.who().ifPresent(who -> append(sql, values, " AND who = ?", who));
    sql.append(" ORDER BY id DESC LIMIT ?");
    values.add(query.limit());
    List<AuditEntry> entries = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < values.size(); i++) {
        select.setObject(i + 1, values.get(i));
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          entries.add(read(rows));
        }
      }
    }
    return entries;
  }

  public BlockingSql blocking() {
    return blocking;
  }

  private static void append(StringBuilder sql, List<Object> values, String clause, Object value) {
    sql.append(clause);
    values.add(value);
  }

  private static AuditEntry read(ResultSet rows) throws SQLException {
    try {
      return new AuditEntry(
          rows.getLong(1),
          rows.getTimestamp(2).toInstant(),
          rows.getString(3),
          rows.getString(4),
          rows.getString(5),
          MAPPER.readTree(rows.getString(6)));
    } catch (JsonProcessingException e) {
      throw new SQLException("An audit entry's detail is not JSON", e);
    }
  }

  private static String json(Map<String, ?> detail) {
    try {
      String json = MAPPER.writeValueAsString(detail);
      if (json.length() > MAX_DETAIL) {
        throw new IllegalArgumentException(
            "An audit detail holds a few fields; this one is " + json.length() + " characters");
      }
      return json;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("An audit detail must be plain JSON values", e);
    }
  }
}
