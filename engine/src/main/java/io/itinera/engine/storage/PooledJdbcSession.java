package io.itinera.engine.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * One transaction on a connection from the engine's pool, as pekko-projection-jdbc wants it: the
 * projection runs its handler and stores its offset through the same session, then commits, so a
 * read model and its offset never disagree.
 */
public final class PooledJdbcSession implements JdbcSession {

  private final Connection connection;
  private final List<Runnable> afterCommit = new ArrayList<>();

  public PooledJdbcSession(DataSource dataSource) {
    try {
      this.connection = dataSource.getConnection();
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "No database connection for a projection: " + e.getMessage(), e);
    }
  }

  @Override
  public <Result> Result withConnection(Function<Connection, Result> func) throws Exception {
    return func.apply(connection);
  }

  /**
   * Runs {@code action} once this session's transaction has committed (never if it rolls back): for
   * telling others about rows they can now read.
   */
  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
    afterCommit.forEach(Runnable::run);
    afterCommit.clear();
  }

  @Override
  public void rollback() throws SQLException {
    afterCommit.clear();
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
