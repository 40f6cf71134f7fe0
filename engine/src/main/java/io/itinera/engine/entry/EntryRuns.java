package io.itinera.engine.entry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code entry_runs} table: one row per run of a segment entry, written by the run as it goes.
 * It is what makes a run durable: the scheduler starts a run by inserting its row (the id names the
 * journey, version and instant, so an instant is run once), stores the cursor after every page, and
 * a run without {@code finished_at} is resumed from its cursor after a crash or a restart.
 */
public final class EntryRuns {

  /** A run as stored, and as {@code GET /v1/journeys/{name}/runs} shows it. */
  public record Run(
      String runId,
      String journey,
      int version,
      Instant scheduledAt,
      Instant startedAt,
      String cursor,
      long evaluated,
      long matched,
      long entered,
      Instant finishedAt) {

    Run advanced(String cursor, long evaluated, long matched, long entered) {
      return new Run(
          runId,
          journey,
          version,
          scheduledAt,
          startedAt,
          cursor,
          this.evaluated + evaluated,
          this.matched + matched,
          this.entered + entered,
          finishedAt);
    }
  }

  private static final String COLUMNS =
      "run_id, journey, version, scheduled_at, started_at, after_customer, evaluated, matched,"
          + " entered, finished_at";

  /** The latest run of {@code journey} not finished yet, if any. */
  Optional<Run> unfinished(Connection connection, String journey) throws SQLException {
    List<Run> runs =
        query(
            connection,
            "SELECT "
                + COLUMNS
                + " FROM entry_runs WHERE journey = ? AND finished_at IS NULL"
                + " ORDER BY scheduled_at DESC LIMIT ?",
            journey,
            1);
    return runs.stream().findFirst();
  }

  /** The instant of the latest run of {@code journey}, any version, finished or not. */
  Optional<Instant> lastScheduled(Connection connection, String journey) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT max(scheduled_at) FROM entry_runs WHERE journey = ?")) {
      query.setString(1, journey);
      try (ResultSet result = query.executeQuery()) {
        result.next();
        Timestamp at = result.getTimestamp(1);
        return Optional.ofNullable(at).map(Timestamp::toInstant);
      }
    }
  }

  boolean exists(Connection connection, String runId) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT 1 FROM entry_runs WHERE run_id = ?")) {
      query.setString(1, runId);
      try (ResultSet result = query.executeQuery()) {
        return result.next();
      }
    }
  }

  /** Starts a run: its row, with no cursor and nothing counted. */
  Run start(
      Connection connection,
      String runId,
      String journey,
      int version,
      Instant scheduledAt,
      Instant now)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO entry_runs (run_id, journey, version, scheduled_at, started_at)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, runId);
      insert.setString(2, journey);
      insert.setInt(3, version);
      insert.setTimestamp(4, Timestamp.from(scheduledAt));
      insert.setTimestamp(5, Timestamp.from(now));
      insert.executeUpdate();
    }
    return new Run(runId, journey, version, scheduledAt, now, null, 0, 0, 0, null);
  }

  /** Stores a run's cursor and counts once a page is done (its entries are in the journal). */
  void progress(Connection connection, Run run) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE entry_runs SET after_customer = ?, evaluated = ?, matched = ?, entered = ?"
                + " WHERE run_id = ?")) {
      update.setString(1, run.cursor());
      update.setLong(2, run.evaluated());
      update.setLong(3, run.matched());
      update.setLong(4, run.entered());
      update.setString(5, run.runId());
      update.executeUpdate();
    }
  }

  void finish(Connection connection, String runId, Instant at) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE entry_runs SET finished_at = ? WHERE run_id = ?")) {
      update.setTimestamp(1, Timestamp.from(at));
      update.setString(2, runId);
      update.executeUpdate();
    }
  }

  /** The latest {@code limit} runs of {@code journey}, newest first. */
  public List<Run> recent(Connection connection, String journey, int limit) throws SQLException {
    return query(
        connection,
        "SELECT "
            + COLUMNS
            + " FROM entry_runs WHERE journey = ? ORDER BY scheduled_at DESC LIMIT ?",
        journey,
        limit);
  }

  private static List<Run> query(Connection connection, String sql, String journey, int limit)
      throws SQLException {
    List<Run> runs = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, journey);
      query.setInt(2, limit);
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          runs.add(
              new Run(
                  result.getString(1),
                  result.getString(2),
                  result.getInt(3),
                  instant(result.getTimestamp(4)),
                  instant(result.getTimestamp(5)),
                  result.getString(6),
                  result.getLong(7),
                  result.getLong(8),
                  result.getLong(9),
                  instant(result.getTimestamp(10))));
        }
      }
    }
    return runs;
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
