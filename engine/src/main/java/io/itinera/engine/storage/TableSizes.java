package io.itinera.engine.storage;

import io.itinera.engine.storage.StorageSettings.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * How big each table of the engine's schema is, as the database's own statistics say: cheap to ask
 * (no count over millions of rows), so the numbers are estimates. PostgreSQL gives live rows and
 * bytes on disk with indexes and TOAST; H2 gives its row count estimate, and no bytes (its
 * per-table size reads every page).
 */
public final class TableSizes {

  /**
   * One table.
   *
   * @param bytes on disk, indexes included; -1 when the database does not say
   */
  public record TableSize(String table, long rows, long bytes) {}

  private TableSizes() {}

  public static List<TableSize> read(DataSource dataSource, Dialect dialect) throws SQLException {
    String sql =
        dialect == Dialect.POSTGRES
            ? "SELECT relname, n_live_tup, pg_total_relation_size(relid) FROM pg_stat_user_tables"
                + " WHERE schemaname = current_schema() ORDER BY relname"
            : "SELECT TABLE_NAME, ROW_COUNT_ESTIMATE, -1 FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = SCHEMA() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(sql);
        ResultSet rows = query.executeQuery()) {
      List<TableSize> sizes = new ArrayList<>();
      while (rows.next()) {
        sizes.add(new TableSize(rows.getString(1), rows.getLong(2), rows.getLong(3)));
      }
      return sizes;
    }
  }
}
