package io.itinera.engine.delivery;

import io.itinera.engine.delivery.Delivery.Status;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.journeys.decision.PlannedAction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The {@code deliveries} table, the queue every action waits in for its channel: the outbox
 * projection fills it, webhook senders work through the pending rows of their channels, pull and
 * stream clients read a channel's rows by cursor.
 */
public final class Deliveries {

  private static final String COLUMNS =
      "id, action_id, channel, channel_seq, customer_id, journey, event, emitted_at, queued_at,"
          + " status, attempts, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at";

  /** What the outbox does with one journey event: queue an action, or withdraw available ones. */
  public sealed interface Change {}

  /** An action emitted for {@code customerId} at {@code decidedAt}. */
  public record Queue(PlannedAction action, String customerId, Instant decidedAt)
      implements Change {}

  /** The customer's journey converted or ended: its actions not shown yet are withdrawn. */
  public record Withdraw(String customerId, String journey, String reason) implements Change {}

  /**
   * What an attempt came to, to be written down.
   *
   * @param status the delivery's status afterwards (pending to try again)
   * @param attempts attempts made, this one included
   * @param attemptedAt when the last attempt was made (for an outcome that made no attempt, the
   *     previous one's time, or null)
   */
  public record Outcome(
      String actionId,
      Status status,
      int attempts,
      Instant nextAttemptAt,
      Instant attemptedAt,
      Integer httpStatus,
      String error) {}

  /** What a retry request found. */
  public enum RetryResult {
    QUEUED,
    NOT_FOUND,
    NO_ENDPOINT
  }

  private final DataSource dataSource;
  private final Dialect dialect;
  private final ActionEvents events;

  public Deliveries(DataSource dataSource, Dialect dialect, ActionEvents events) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.events = events;
  }

  // The outbox's side, in the projection's transaction.

  /**
   * Applies one group of the outbox, in order, on the projection's connection (its transaction also
   * stores the offset). An action already queued is left as it is.
   *
   * @return the channels that got rows
   */
  Set<String> apply(Connection connection, List<Change> changes, Instant now) throws SQLException {
    return apply(connection, changes, now, false).channels();
  }

  /**
   * What {@link #apply(Connection, List, Instant, boolean)} did: rows inserted, and their channels.
   */
  record Applied(Set<String> channels, int queued) {}

  /**
   * As {@link #apply(Connection, List, Instant)}; with {@code webhooksOnly} (the eager outbox),
   * actions of channels without a webhook endpoint are left to the projection, which orders them
   * with the withdrawals that concern them.
   */
  Applied apply(Connection connection, List<Change> changes, Instant now, boolean webhooksOnly)
      throws SQLException {
    List<String> ids = new ArrayList<>();
    changes.forEach(
        c -> {
          if (c instanceof Queue queue) {
            ids.add(queue.action().id());
          }
        });
    Set<String> already = queued(connection, ids);
    Map<String, Queue> toQueue = new LinkedHashMap<>();
    for (Change change : changes) {
      if (change instanceof Queue queue && !already.contains(queue.action().id())) {
        toQueue.putIfAbsent(queue.action().id(), queue);
      }
    }
    Set<String> webhooks = toQueue.isEmpty() ? Set.of() : ChannelEndpoints.channels(connection);
    if (webhooksOnly) {
      toQueue.values().removeIf(q -> !webhooks.contains(q.action().channel()));
    }
    // Everything but the cursors is prepared first: the cursors' row locks are held until commit
    // and serialize the slices' transactions for a channel, so they are taken last.
    Map<String, String> json = new HashMap<>();
    toQueue
        .values()
        .forEach(
            q ->
                json.put(
                    q.action().id(), events.toJson(q.action(), q.customerId(), q.decidedAt())));
    Map<String, Integer> perChannel = new TreeMap<>();
    toQueue.values().forEach(q -> perChannel.merge(q.action().channel(), 1, Integer::sum));
    // Cursors are taken in channel order, so two slices' transactions never wait on each other in
    // a cycle; the row locks are held until commit, so cursors commit in their order.
    Map<String, Long> nextCursor = new TreeMap<>();
    for (Map.Entry<String, Integer> channel : perChannel.entrySet()) {
      long last = takeCursors(connection, channel.getKey(), channel.getValue());
      nextCursor.put(channel.getKey(), last - channel.getValue() + 1);
    }
    if (!toQueue.isEmpty()) {
      // The eager outbox and the projection can queue the same action at the same moment. Both
      // hold the channel's cursor lock by now, so the second sees the first's committed row here
      // and leaves it (its cursors then skip a number, which readers of "after N" never notice).
      toQueue.keySet().removeAll(queued(connection, List.copyOf(toQueue.keySet())));
    }
    int inserted = 0;
    Set<String> filled = new TreeSet<>();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO deliveries (action_id, channel, channel_seq, customer_id, journey, event,"
                + " emitted_at, queued_at, status, attempts, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)")) {
      int batched = 0;
      for (Change change : changes) {
        if (change instanceof Queue queue) {
          if (toQueue.remove(queue.action().id()) == null) {
            continue;
          }
          PlannedAction action = queue.action();
          String channel = action.channel();
          boolean webhook = webhooks.contains(channel);
          insert.setString(1, action.id());
          insert.setString(2, channel);
          insert.setLong(3, nextCursor.merge(channel, 1L, Long::sum) - 1);
          insert.setString(4, queue.customerId());
          insert.setString(5, action.journey());
          insert.setString(6, json.get(action.id()));
          insert.setTimestamp(7, Timestamp.from(queue.decidedAt()));
          insert.setTimestamp(8, Timestamp.from(now));
          insert.setString(9, (webhook ? Status.PENDING : Status.AVAILABLE).wireName());
          setInstant(insert, 10, webhook ? now : null);
          insert.addBatch();
          batched++;
          inserted++;
          filled.add(channel);
        } else if (change instanceof Withdraw withdraw) {
          // Rows of this same group queued before it are withdrawn too: write them first.
          if (batched > 0) {
            insert.executeBatch();
            batched = 0;
          }
          withdraw(connection, withdraw);
        }
      }
      if (batched > 0) {
        insert.executeBatch();
      }
    }
    return new Applied(filled, inserted);
  }

  /** Those of {@code ids} that are in the table already. */
  private static Set<String> queued(Connection connection, List<String> ids) throws SQLException {
    Set<String> found = new HashSet<>();
    if (ids.isEmpty()) {
      return found;
    }
    String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT action_id FROM deliveries WHERE action_id IN (" + marks + ")")) {
      for (int i = 0; i < ids.size(); i++) {
        query.setString(i + 1, ids.get(i));
      }
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getString(1));
        }
      }
    }
    return found;
  }

  /** Takes {@code count} cursors of the channel under its row lock; returns the last one. */
  private long takeCursors(Connection connection, String channel, int count) throws SQLException {
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

  private static void withdraw(Connection connection, Withdraw withdraw) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE deliveries SET status = ?, last_error = ? WHERE customer_id = ? AND journey = ?"
                + " AND status = ?")) {
      update.setString(1, Status.WITHDRAWN.wireName());
      update.setString(2, truncate(withdraw.reason(), 1000));
      update.setString(3, withdraw.customerId());
      update.setString(4, withdraw.journey());
      update.setString(5, Status.AVAILABLE.wireName());
      update.executeUpdate();
    }
  }

  // The senders' side.

  /**
   * Pending deliveries of the channel due at {@code now}, soonest first, leaving out {@code
   * inFlight}.
   */
  public List<Delivery> due(String channel, Instant now, int limit, Collection<String> inFlight)
      throws SQLException {
    List<Delivery> due = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM deliveries WHERE channel = ? AND status = ?"
                    + " AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?")) {
      query.setString(1, channel);
      query.setString(2, Status.PENDING.wireName());
      query.setTimestamp(3, Timestamp.from(now));
      query.setInt(4, limit + inFlight.size());
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next() && due.size() < limit) {
          if (!inFlight.contains(rows.getString(2))) {
            due.add(read(rows));
          }
        }
      }
    }
    return due;
  }

  /** Writes the outcomes of attempts in one transaction; rows no longer pending are left alone. */
  public void record(List<Outcome> outcomes) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      if (dialect == Dialect.POSTGRES) {
        // An outcome lost with a database crash only means the delivery is sent again, under the
        // same webhook-id; not waiting for the WAL flush keeps these commits out of the journal's
        // way (at 2,000 actions/s commits queued on WALWrite). Cursors are never assigned here.
        try (Statement asynchronous = connection.createStatement()) {
          asynchronous.execute("SET LOCAL synchronous_commit = off");
        }
      }
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?,"
                  + " last_attempt_at = ?, last_status = ?,"
                  + " last_error = ?, delivered_at = ? WHERE action_id = ? AND status = ?")) {
        for (Outcome outcome : outcomes) {
          update.setString(1, outcome.status().wireName());
          update.setInt(2, outcome.attempts());
          setInstant(
              update, 3, outcome.status() == Status.PENDING ? outcome.nextAttemptAt() : null);
          setInstant(update, 4, outcome.attemptedAt());
          if (outcome.httpStatus() == null) {
            update.setNull(5, Types.INTEGER);
          } else {
            update.setInt(5, outcome.httpStatus());
          }
          update.setString(6, truncate(outcome.error(), 1000));
          setInstant(
              update, 7, outcome.status() == Status.DELIVERED ? outcome.attemptedAt() : null);
          update.setString(8, outcome.actionId());
          update.setString(9, Status.PENDING.wireName());
          update.addBatch();
        }
        update.executeBatch();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  // The API's side.

  public Optional<Delivery> get(String actionId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM deliveries WHERE action_id = ?")) {
      query.setString(1, actionId);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /** Deliveries in queue order after {@code afterId}, by status and channel when given. */
  public List<Delivery> list(Status status, String channel, long afterId, int limit)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM deliveries WHERE id > ?");
    if (status != null) {
      sql.append(" AND status = ?");
    }
    if (channel != null) {
      sql.append(" AND channel = ?");
    }
    sql.append(" ORDER BY id LIMIT ?");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(sql.toString())) {
      int i = 1;
      query.setLong(i++, afterId);
      if (status != null) {
        query.setString(i++, status.wireName());
      }
      if (channel != null) {
        query.setString(i++, channel);
      }
      query.setInt(i, limit);
      return readAll(query);
    }
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
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM deliveries WHERE channel = ? AND channel_seq > ?"
                    + " AND status <> ? ORDER BY channel_seq LIMIT ?")) {
      query.setString(1, channel);
      query.setLong(2, cursor);
      query.setString(3, Status.WITHDRAWN.wireName());
      query.setInt(4, limit);
      return readAll(query);
    }
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

  // Real-time decisions (next-action).

  /** The customer's actions available on the channel, decided since {@code since}, oldest first. */
  public List<Delivery> available(String customerId, String channel, Instant since, int limit)
      throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM deliveries WHERE customer_id = ? AND channel = ?"
                    + " AND status = ? AND emitted_at >= ? ORDER BY channel_seq LIMIT ?")) {
      query.setString(1, customerId);
      query.setString(2, channel);
      query.setString(3, Status.AVAILABLE.wireName());
      query.setTimestamp(4, Timestamp.from(since));
      query.setInt(5, limit);
      return readAll(query);
    }
  }

  /**
   * Moves an available delivery to {@code to}; false when it is no longer available (another call
   * took it).
   */
  public boolean take(String actionId, Status to, String reason, Instant now) throws SQLException {
    return transition(actionId, Status.AVAILABLE, to, reason, now);
  }

  /** Gives back a delivery {@link #take}n for a showing that did not happen. */
  public void giveBack(String actionId) throws SQLException {
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
  public void withdrawTaken(String actionId, String reason) throws SQLException {
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
      update.setString(2, truncate(reason, 1000));
      setInstant(update, 3, to == Status.DELIVERED ? now : null);
      update.setString(4, actionId);
      update.setString(5, from.wireName());
      return update.executeUpdate() == 1;
    }
  }

  // Rows.

  private static List<Delivery> readAll(PreparedStatement query) throws SQLException {
    List<Delivery> all = new ArrayList<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        all.add(read(rows));
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

  private static void setInstant(PreparedStatement statement, int index, Instant instant)
      throws SQLException {
    statement.setTimestamp(index, instant == null ? null : Timestamp.from(instant));
  }

  static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
