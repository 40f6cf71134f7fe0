package io.itinera.engine.journey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The {@code journey_versions} table: every version ever deployed, retired ones included, since a
 * version stays reserved for its source. Every method blocks on JDBC.
 */
final class JourneyVersions {

  /**
   * What every node polls to see whether another node deployed or retired something: cheap to read,
   * and changed by every write the registry makes.
   */
  record Fingerprint(long rows, long retired, Instant lastDeployed, Instant lastRetired) {}

  /** The versions not retired, oldest first within each name, and the fingerprint read before. */
  record Snapshot(Fingerprint fingerprint, List<StoredVersion> active) {}

  private static final String COLUMNS =
      "name, version, source, source_sha256, file_name, deployed_at, retired_at";

  private final DataSource dataSource;

  JourneyVersions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  Snapshot snapshot() {
    try (Connection c = dataSource.getConnection()) {
      // The fingerprint first: a change after it is seen by the next poll.
      Fingerprint fingerprint = fingerprint(c);
      return new Snapshot(fingerprint, active(c, "ORDER BY name, version"));
    } catch (SQLException e) {
      throw unreadable(e);
    }
  }

  Fingerprint fingerprint() {
    try (Connection c = dataSource.getConnection()) {
      return fingerprint(c);
    } catch (SQLException e) {
      throw unreadable(e);
    }
  }

  /** The versions not retired, by name, newest first within each. */
  List<StoredVersion> activeByName() {
    try (Connection c = dataSource.getConnection()) {
      return active(c, "ORDER BY name, version DESC");
    } catch (SQLException e) {
      throw unreadable(e);
    }
  }

  /** A journey's versions not retired, newest first. */
  List<StoredVersion> activeVersionsOf(String name) {
    try {
      return versionsOf(name, true);
    } catch (SQLException e) {
      throw unreadable(e);
    }
  }

  /**
   * A journey's versions, retired ones included, newest first; as a step of a deployment, whose
   * caller tells a failure from a concurrent deployment.
   */
  List<StoredVersion> allVersionsOf(String name) throws SQLException {
    return versionsOf(name, false);
  }

  /**
   * Inserts a version unless one as high or higher exists by now; a concurrent insert of the same
   * version fails on the primary key.
   */
  boolean insert(StoredVersion version) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO journey_versions (name, version, source, source_sha256, file_name, deployed_at)"
                    + " SELECT ?, ?, ?, ?, ?, ? FROM (SELECT 1 AS one) AS single_row WHERE NOT EXISTS"
                    + " (SELECT 1 FROM journey_versions WHERE name = ? AND version >= ?)")) {
      s.setString(1, version.name());
      s.setInt(2, version.version());
      s.setString(3, version.source());
      s.setString(4, version.sha256());
      s.setString(5, version.fileName());
      s.setObject(6, timestamp(version.deployedAt()));
      s.setString(7, version.name());
      s.setInt(8, version.version());
      return s.executeUpdate() == 1;
    }
  }

  /** Deploys a retired version again, unless that happened already. */
  boolean redeploy(String name, int version, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE journey_versions SET retired_at = NULL, deployed_at = ?"
                    + " WHERE name = ? AND version = ? AND retired_at IS NOT NULL")) {
      s.setObject(1, timestamp(now));
      s.setString(2, name);
      s.setInt(3, version);
      return s.executeUpdate() == 1;
    }
  }

  /**
   * Retires every version of a journey not retired yet.
   *
   * @return how many it retired
   */
  int retire(String name, Instant now) {
    return retire(name, null, now);
  }

  /**
   * Retires the versions of a journey below {@code version} not retired yet.
   *
   * @return how many it retired
   */
  int retireBelow(String name, int version, Instant now) {
    return retire(name, version, now);
  }

  /**
   * @param below null to retire every version
   */
  private int retire(String name, Integer below, Instant now) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE journey_versions SET retired_at = ? WHERE name = ?"
                    + (below == null ? "" : " AND version < ?")
                    + " AND retired_at IS NULL")) {
      s.setObject(1, timestamp(now));
      s.setString(2, name);
      if (below != null) {
        s.setInt(3, below);
      }
      return s.executeUpdate();
    } catch (SQLException e) {
      throw unwritable(e);
    }
  }

  /** A failure of a write, as every caller reports it. */
  static IllegalStateException unwritable(SQLException e) {
    return new IllegalStateException(
        "The journey registry could not be written: " + e.getMessage(), e);
  }

  private static IllegalStateException unreadable(SQLException e) {
    return new IllegalStateException(
        "The journey registry could not be read: " + e.getMessage(), e);
  }

  private static Fingerprint fingerprint(Connection c) throws SQLException {
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) AS row_count, count(retired_at) AS retired_count,"
                    + " max(deployed_at) AS last_deployed, max(retired_at) AS last_retired FROM journey_versions");
        ResultSet r = s.executeQuery()) {
      r.next();
      return new Fingerprint(
          r.getLong("row_count"),
          r.getLong("retired_count"),
          instant(r, "last_deployed"),
          instant(r, "last_retired"));
    }
  }

  private static List<StoredVersion> active(Connection c, String order) throws SQLException {
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT " + COLUMNS + " FROM journey_versions WHERE retired_at IS NULL " + order);
        ResultSet r = s.executeQuery()) {
      return all(r);
    }
  }

  private List<StoredVersion> versionsOf(String name, boolean activeOnly) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM journey_versions WHERE name = ?"
                    + (activeOnly ? " AND retired_at IS NULL" : "")
                    + " ORDER BY version DESC")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return all(r);
      }
    }
  }

  private static List<StoredVersion> all(ResultSet r) throws SQLException {
    List<StoredVersion> versions = new ArrayList<>();
    while (r.next()) {
      versions.add(
          new StoredVersion(
              r.getString("name"),
              r.getInt("version"),
              r.getString("source"),
              r.getString("source_sha256"),
              r.getString("file_name"),
              instant(r, "deployed_at"),
              instant(r, "retired_at")));
    }
    return versions;
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet r, String column) throws SQLException {
    OffsetDateTime value = r.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
