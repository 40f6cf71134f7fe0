package io.itinera.engine.delivery;

import io.itinera.engine.analytics.DeliveryOutcomes;
import io.itinera.engine.delivery.Delivery.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The webhook senders' side of {@code deliveries}: a channel's pending rows that are due, and the
 * outcomes of their attempts written back.
 */
final class WebhookAttempts {

  /**
   * What an attempt came to, to be written down.
   *
   * @param status the delivery's status afterwards (pending to try again)
   * @param attempts attempts made, this one included
   * @param attemptedAt when the last attempt was made (for an outcome that made no attempt, the
   *     previous one's time, or null)
   */
  record Outcome(
      String actionId,
      Status status,
      int attempts,
      Instant nextAttemptAt,
      Instant attemptedAt,
      Integer httpStatus,
      String error) {}

  private final DataSource dataSource;
  private final DeliveryDialect dialect;
  private final DeliveryOutcomes analytics;

  WebhookAttempts(DataSource dataSource, DeliveryDialect dialect, DeliveryOutcomes analytics) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.analytics = analytics;
  }

  /**
   * Pending deliveries of the channel due at {@code now}, soonest first, leaving out {@code
   * inFlight}.
   */
  List<Delivery> due(String channel, Instant now, int limit, Collection<String> inFlight)
      throws SQLException {
    return DeliveryRows.select(
            dataSource,
            "channel = ? AND status = ? AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
            query -> {
              query.setString(1, channel);
              query.setString(2, Status.PENDING.wireName());
              query.setTimestamp(3, Timestamp.from(now));
              query.setInt(4, limit + inFlight.size());
            })
        .stream()
        .filter(delivery -> !inFlight.contains(delivery.actionId()))
        .limit(limit)
        .toList();
  }

  /**
   * When the channel's oldest due pending delivery not in {@code inFlight} fell due, if there is
   * one: the backlog a sender whose slots are all busy has not read (reads the due index and two
   * columns, up to one row past those in flight).
   */
  Optional<Instant> oldestDue(String channel, Instant now, Collection<String> inFlight)
      throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT action_id, next_attempt_at FROM deliveries WHERE channel = ? AND status = ?"
                    + " AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?")) {
      query.setString(1, channel);
      query.setString(2, Status.PENDING.wireName());
      query.setTimestamp(3, Timestamp.from(now));
      query.setInt(4, inFlight.size() + 1);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          if (!inFlight.contains(rows.getString(1))) {
            return Optional.of(rows.getTimestamp(2).toInstant());
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Writes the outcomes of attempts in one transaction; rows no longer pending are left alone. A
   * final outcome (delivered, dead) is counted for journey analytics in the same transaction, so
   * exactly once. Rows are updated in action id order, the order the analytics projection locks
   * them in.
   */
  void record(List<Outcome> unordered) throws SQLException {
    List<Outcome> outcomes =
        unordered.stream().sorted(Comparator.comparing(Outcome::actionId)).toList();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      // An outcome lost with a database crash only means the delivery is sent again, under the
      // same webhook-id; not waiting for the WAL flush keeps these commits out of the journal's
      // way (at 2,000 actions/s commits queued on WALWrite). Cursors are never assigned here.
      dialect.commitWithoutFlushWait(connection);
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?,"
                  + " last_attempt_at = ?, last_status = ?,"
                  + " last_error = ?, delivered_at = ? WHERE action_id = ? AND status = ?")) {
        for (Outcome outcome : outcomes) {
          bind(update, outcome);
          update.addBatch();
        }
        int[] updated = update.executeBatch();
        Map<String, String> finished = new HashMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
          Status status = outcomes.get(i).status();
          if (updated[i] == 1 && (status == Status.DELIVERED || status == Status.DEAD)) {
            finished.put(
                outcomes.get(i).actionId(),
                status == Status.DELIVERED ? DeliveryOutcomes.DELIVERED : DeliveryOutcomes.DEAD);
          }
        }
        analytics.record(connection, finished);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private static void bind(PreparedStatement update, Outcome outcome) throws SQLException {
    update.setString(1, outcome.status().wireName());
    update.setInt(2, outcome.attempts());
    DeliveryRows.setInstant(
        update, 3, outcome.status() == Status.PENDING ? outcome.nextAttemptAt() : null);
    DeliveryRows.setInstant(update, 4, outcome.attemptedAt());
    if (outcome.httpStatus() == null) {
      update.setNull(5, Types.INTEGER);
    } else {
      update.setInt(5, outcome.httpStatus());
    }
    update.setString(6, DeliveryRows.truncate(outcome.error(), 1000));
    DeliveryRows.setInstant(
        update, 7, outcome.status() == Status.DELIVERED ? outcome.attemptedAt() : null);
    update.setString(8, outcome.actionId());
    update.setString(9, Status.PENDING.wireName());
  }
}
