package io.itinera.engine.analytics;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the analytics tables for a report: sums over a range of days for one journey, one segment
 * and optionally one version, grouped as the report shows them. Every read is a range of the
 * tables' primary keys (journey, day, ...), never a scan of events.
 */
final class AnalyticsQuery {

  /** What a report asks for; {@code version} null for every version. */
  record Range(String journey, LocalDate from, LocalDate to, Integer version, String segment) {}

  record StageRow(String stage, String arm, long entered, long movedOn, long dropped, long goal) {}

  record TransitionRow(String from, String to, long moved) {}

  record TimeRow(String stage, int bucket, long customers) {}

  record ActionRow(String stage, String channel, String template, String outcome, long actions) {}

  record ArmRow(String arm, long entered, long goalReached, long exited) {}

  record SplitRow(String split, String arm, long assigned, long goalReached) {}

  private final DataSource dataSource;

  AnalyticsQuery(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Whether any row counts {@code journey}, or under {@code segment} when not null. */
  boolean known(String journey, String segment) throws SQLException {
    String sql =
        "SELECT 1 FROM analytics_journey_day WHERE journey = ?"
            + (segment == null ? "" : " AND segment = ?")
            + " FETCH FIRST 1 ROWS ONLY";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, journey);
      if (segment != null) {
        query.setString(2, segment);
      }
      try (ResultSet result = query.executeQuery()) {
        return result.next();
      }
    }
  }

  List<StageRow> stages(Range range) throws SQLException {
    return select(
        range,
        "SELECT stage, arm, sum(entered), sum(moved_on), sum(dropped), sum(goal_reached)"
            + " FROM analytics_stage_day",
        " GROUP BY stage, arm",
        r ->
            new StageRow(
                r.getString(1),
                r.getString(2),
                r.getLong(3),
                r.getLong(4),
                r.getLong(5),
                r.getLong(6)));
  }

  List<TransitionRow> transitions(Range range) throws SQLException {
    return select(
        range,
        "SELECT from_stage, to_stage, sum(moved) FROM analytics_transition_day",
        " GROUP BY from_stage, to_stage",
        r -> new TransitionRow(r.getString(1), r.getString(2), r.getLong(3)));
  }

  List<TimeRow> times(Range range) throws SQLException {
    return select(
        range,
        "SELECT stage, bucket, sum(customers) FROM analytics_stage_time",
        " GROUP BY stage, bucket",
        r -> new TimeRow(r.getString(1), r.getInt(2), r.getLong(3)));
  }

  List<ActionRow> actions(Range range) throws SQLException {
    return select(
        range,
        "SELECT stage, channel, template, outcome, sum(actions) FROM analytics_action_day",
        " GROUP BY stage, channel, template, outcome",
        r ->
            new ActionRow(
                r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5)));
  }

  List<ArmRow> arms(Range range) throws SQLException {
    return select(
        range,
        "SELECT arm, sum(entered), sum(goal_reached), sum(exited) FROM analytics_journey_day",
        " GROUP BY arm",
        r -> new ArmRow(r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4)));
  }

  List<SplitRow> splits(Range range) throws SQLException {
    return select(
        range,
        "SELECT split, arm, sum(assigned), sum(goal_reached) FROM analytics_split_day",
        " GROUP BY split, arm",
        r -> new SplitRow(r.getString(1), r.getString(2), r.getLong(3), r.getLong(4)));
  }

  private interface RowReader<T> {
    T read(ResultSet result) throws SQLException;
  }

  private <T> List<T> select(Range range, String select, String groupBy, RowReader<T> reader)
      throws SQLException {
    String sql =
        select
            + " WHERE journey = ? AND \"day\" >= ? AND \"day\" <= ? AND segment = ?"
            + (range.version() == null ? "" : " AND version = ?")
            + groupBy;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, range.journey());
      query.setDate(2, Date.valueOf(range.from()));
      query.setDate(3, Date.valueOf(range.to()));
      query.setString(4, range.segment());
      if (range.version() != null) {
        query.setInt(5, range.version());
      }
      List<T> rows = new ArrayList<>();
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          rows.add(reader.read(result));
        }
      }
      return rows;
    }
  }
}
