package io.itinera.engine.delivery;

import io.itinera.engine.delivery.Delivery.Status;
import io.itinera.journeys.decision.PlannedAction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The queueing transaction: what the outbox (the projection, or the eager outbox ahead of it)
 * writes to {@code deliveries} for a group of journey events, on the caller's connection so the
 * caller's transaction holds it (the projection's also stores its offset). Each queued action takes
 * the next cursor of its channel, the order pull and stream clients read it in.
 */
final class Queueing {

  /** What the outbox does with one journey event: queue an action, or withdraw available ones. */
  sealed interface Change {}

  /** An action emitted for {@code customerId} at {@code decidedAt}. */
  record Queue(PlannedAction action, String customerId, Instant decidedAt) implements Change {}

  /** The customer's journey converted or ended: its actions not shown yet are withdrawn. */
  record Withdraw(String customerId, String journey, String reason) implements Change {}

  /**
   * What {@link #apply(Connection, List, Instant, boolean)} did: rows inserted, and their channels.
   */
  record Applied(Set<String> channels, int queued) {}

  /** An action to insert, its event rendered and its first status chosen before the locks. */
  private record Row(Queue queue, String event, boolean webhook) {}

  private final DeliveryDialect dialect;
  private final ActionEvents events;

  Queueing(DeliveryDialect dialect, ActionEvents events) {
    this.dialect = dialect;
    this.events = events;
  }

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
   * As {@link #apply(Connection, List, Instant)}; with {@code webhooksOnly} (the eager outbox),
   * actions of channels without a webhook endpoint are left to the projection, which orders them
   * with the withdrawals that concern them.
   */
  Applied apply(Connection connection, List<Change> changes, Instant now, boolean webhooksOnly)
      throws SQLException {
    Map<String, Queue> toQueue = notQueuedYet(connection, changes);
    Set<String> webhooks = toQueue.isEmpty() ? Set.of() : ChannelEndpoints.channels(connection);
    if (webhooksOnly) {
      toQueue.values().removeIf(q -> !webhooks.contains(q.action().channel()));
    }
    // Everything but the cursors is prepared first: the cursors' row locks are held until commit
    // and serialize the slices' transactions for a channel, so they are taken last.
    Map<String, Row> rows = new LinkedHashMap<>();
    toQueue.forEach(
        (id, q) ->
            rows.put(
                id,
                new Row(
                    q,
                    events.toJson(q.action(), q.customerId(), q.decidedAt()),
                    webhooks.contains(q.action().channel()))));
    Map<String, Long> nextCursor = takeCursors(connection, toQueue.values());
    if (!rows.isEmpty()) {
      // The eager outbox and the projection can queue the same action at the same moment. Both
      // hold the channel's cursor lock by now, so the second sees the first's committed row here
      // and leaves it (its cursors then skip a number, which readers of "after N" never notice).
      rows.keySet().removeAll(queued(connection, List.copyOf(rows.keySet())));
    }
    return insert(connection, changes, rows, nextCursor, now);
  }

  /** The group's actions not in the table yet, each once, in the group's order. */
  private static Map<String, Queue> notQueuedYet(Connection connection, List<Change> changes)
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
    return toQueue;
  }

  /** The first cursor of each channel's rows, all taken in one go. */
  private Map<String, Long> takeCursors(Connection connection, Collection<Queue> toQueue)
      throws SQLException {
    Map<String, Integer> perChannel = new TreeMap<>();
    toQueue.forEach(q -> perChannel.merge(q.action().channel(), 1, Integer::sum));
    // Cursors are taken in channel order, so two slices' transactions never wait on each other in
    // a cycle; the row locks are held until commit, so cursors commit in their order.
    Map<String, Long> nextCursor = new TreeMap<>();
    for (Map.Entry<String, Integer> channel : perChannel.entrySet()) {
      long last = dialect.takeCursors(connection, channel.getKey(), channel.getValue());
      nextCursor.put(channel.getKey(), last - channel.getValue() + 1);
    }
    return nextCursor;
  }

  /** Inserts the rows and applies the withdrawals in the group's order. */
  private static Applied insert(
      Connection connection,
      List<Change> changes,
      Map<String, Row> rows,
      Map<String, Long> nextCursor,
      Instant now)
      throws SQLException {
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
          Row row = rows.remove(queue.action().id());
          if (row == null) {
            continue;
          }
          String channel = queue.action().channel();
          bind(insert, row, nextCursor.merge(channel, 1L, Long::sum) - 1, now);
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

  private static void bind(PreparedStatement insert, Row row, long cursor, Instant now)
      throws SQLException {
    PlannedAction action = row.queue().action();
    insert.setString(1, action.id());
    insert.setString(2, action.channel());
    insert.setLong(3, cursor);
    insert.setString(4, row.queue().customerId());
    insert.setString(5, action.journey());
    insert.setString(6, row.event());
    insert.setTimestamp(7, Timestamp.from(row.queue().decidedAt()));
    insert.setTimestamp(8, Timestamp.from(now));
    insert.setString(9, (row.webhook() ? Status.PENDING : Status.AVAILABLE).wireName());
    DeliveryRows.setInstant(insert, 10, row.webhook() ? now : null);
  }

  /** Those of {@code ids} that are in the table already. */
  private static Set<String> queued(Connection connection, List<String> ids) throws SQLException {
    Set<String> found = new HashSet<>();
    if (ids.isEmpty()) {
      return found;
    }
    String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
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

  private static void withdraw(Connection connection, Withdraw withdraw) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE deliveries SET status = ?, last_error = ? WHERE customer_id = ? AND journey = ?"
                + " AND status = ?")) {
      update.setString(1, Status.WITHDRAWN.wireName());
      update.setString(2, DeliveryRows.truncate(withdraw.reason(), 1000));
      update.setString(3, withdraw.customerId());
      update.setString(4, withdraw.journey());
      update.setString(5, Status.AVAILABLE.wireName());
      update.executeUpdate();
    }
  }
}
