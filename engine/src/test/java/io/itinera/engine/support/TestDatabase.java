package io.itinera.engine.support;

import io.itinera.engine.storage.Storage;
import io.itinera.engine.storage.StorageSettings;
import io.itinera.engine.storage.StorageSettings.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh PostgreSQL database on the local server (127.0.0.1:5432, user postgres, trust auth),
 * dropped again on close: tests touch the real store, never a mock of it.
 */
public final class TestDatabase implements AutoCloseable {

  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private final String name;

  private TestDatabase(String name) {
    this.name = name;
  }

  public static TestDatabase createFresh(String purpose) {
    String name = "itinera_test_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8);
    execute("CREATE DATABASE " + name);
    return new TestDatabase(name);
  }

  /** The engine's own pool on this database, its schema migrated: for tests below the node. */
  public Storage migratedStorage(int poolSize) {
    Storage storage =
        Storage.open(new StorageSettings(Dialect.POSTGRES, url(), "postgres", "", poolSize));
    storage.migrate();
    return storage;
  }

  public String url() {
    return SERVER + name + "?reWriteBatchedInserts=true";
  }

  /** This database's URL through another port on 127.0.0.1 (a {@link TcpProxy} in front). */
  public String urlThrough(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?reWriteBatchedInserts=true";
  }

  /** Reads one row of a result. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /** Every row a query returns, each read by {@code mapper}. */
  public <T> List<T> query(String sql, RowMapper<T> mapper) {
    try (Connection c = DriverManager.getConnection(SERVER + name, "postgres", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      List<T> rows = new ArrayList<>();
      while (r.next()) {
        rows.add(mapper.map(r));
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The single number a query returns, e.g. a count of journal rows. */
  public long queryLong(String sql) {
    try (Connection c = DriverManager.getConnection(SERVER + name, "postgres", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a statement in this database, e.g. rows a test generates with generate_series. */
  public void update(String sql) {
    try (Connection c = DriverManager.getConnection(SERVER + name, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Ends the backends of this database that sit in an open transaction, as when the process that
   * held them is killed (PostgreSQL rolls them back), and returns how many. With {@code writingTo}
   * only those holding a write lock on that table, e.g. the outbox's batch on {@code deliveries}.
   */
  public int endOpenTransactions(String writingTo) {
    String sql =
        "SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a"
            + " WHERE a.datname = current_database() AND a.state = 'idle in transaction'"
            + (writingTo == null
                ? ""
                : " AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid"
                    + " AND l.relation = '"
                    + writingTo
                    + "'::regclass AND l.mode = 'RowExclusiveLock')");
    return query(sql, row -> row.getBoolean(1)).size();
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL on 127.0.0.1:5432 is needed for this test: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
}
