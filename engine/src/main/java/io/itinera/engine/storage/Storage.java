package io.itinera.engine.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The engine's own connection pool (schema migrations, health checks, projections, the timer
 * tables, the journey registry), beside the journal's pool that pekko-persistence-jdbc owns.
 */
public final class Storage implements AutoCloseable {

  /**
   * Migrations whose SQL is the same on every database we support; each dialect's own (see {@link
   * StorageSettings.Dialect}) sit beside them, and a version number lives in one place only.
   */
  static final String COMMON_MIGRATIONS = "db/common";

  private final StorageSettings settings;
  private final HikariDataSource dataSource;

  private Storage(StorageSettings settings, HikariDataSource dataSource) {
    this.settings = settings;
    this.dataSource = dataSource;
  }

  public static Storage open(StorageSettings settings) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("itinera");
    hikari.setJdbcUrl(settings.url());
    hikari.setUsername(settings.user());
    hikari.setPassword(settings.password());
    hikari.setDriverClassName(settings.dialect().driver);
    // Migrations, health checks, the projections' transactions (one per slice) and the timer
    // wakers' polls (one per slice), the journey registry.
    hikari.setMaximumPoolSize(12);
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(3_000);
    // Start even when the database is down: readiness reports it, and the pool reconnects.
    hikari.setInitializationFailTimeout(-1);
    return new Storage(settings, new HikariDataSource(hikari));
  }

  public StorageSettings settings() {
    return settings;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Creates or upgrades the schema. Flyway keeps the applied versions, so this is safe on every
   * start and from several nodes at once (it takes a lock). It checks a script's checksum by its
   * name and content, not its folder: databases migrated when every dialect had its own copy of the
   * common scripts still validate.
   */
  public int migrate() {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:" + COMMON_MIGRATIONS, "classpath:" + settings.dialect().migrations)
        .load()
        .migrate()
        .migrationsExecuted;
  }

  /** Whether the database answers a trivial query within the given seconds. */
  public boolean answers(int timeoutSeconds) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(timeoutSeconds);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
