package io.itinera.engine.storage;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the journal lives: PostgreSQL when {@code itinera.db.url} is set, otherwise an embedded H2
 * file database under {@code itinera.db.data-dir} (zero set-up, survives restarts).
 */
public record StorageSettings(
    Dialect dialect, String url, String user, String password, int poolSize) {

  /**
   * The databases we support, each with its JDBC driver, Slick profile and the migrations whose SQL
   * differs between them (those that do not are in {@link Storage#COMMON_MIGRATIONS}).
   */
  public enum Dialect {
    POSTGRES("org.postgresql.Driver", "slick.jdbc.PostgresProfile$", "db/postgres"),
    H2("org.h2.Driver", "slick.jdbc.H2Profile$", "db/h2");

    final String driver;
    final String slickProfile;
    final String migrations;

    Dialect(String driver, String slickProfile, String migrations) {
      this.driver = driver;
      this.slickProfile = slickProfile;
      this.migrations = migrations;
    }
  }

  public static StorageSettings from(Config config) {
    Config db = config.getConfig("itinera.db");
    String url = db.getString("url").trim();
    int poolSize = db.getInt("pool-size");
    if (url.isEmpty()) {
      return new StorageSettings(
          Dialect.H2, embeddedUrl(Path.of(db.getString("data-dir"))), "sa", "", poolSize);
    }
    Dialect dialect = url.startsWith("jdbc:h2:") ? Dialect.H2 : Dialect.POSTGRES;
    return new StorageSettings(
        dialect, url, db.getString("user"), db.getString("password"), poolSize);
  }

  /**
   * The embedded database's URL. {@code WRITE_DELAY=0}: H2's default of 500 ms loses acknowledged
   * events to a kill -9 (docs/benchmarks.md, "Behind the design"). {@code DB_CLOSE_ON_EXIT=FALSE}:
   * the engine closes it after its own shutdown, not H2's shutdown hook in the middle of it.
   */
  static String embeddedUrl(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("itinera")
        + ";WRITE_DELAY=0;DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE";
  }

  public boolean embedded() {
    return dialect == Dialect.H2;
  }

  /** The pekko-persistence-jdbc settings that follow from this choice of database. */
  public Config persistenceConfig() {
    String prefix = "pekko-persistence-jdbc.shared-databases.slick.";
    return ConfigFactory.parseMap(
            Map.of(
                prefix + "profile", dialect.slickProfile,
                prefix + "db.url", url,
                prefix + "db.user", user,
                prefix + "db.password", password,
                prefix + "db.driver", dialect.driver,
                prefix + "db.numThreads", poolSize,
                prefix + "db.maxConnections", poolSize))
        .withFallback(
            ConfigFactory.empty()
                .withValue(
                    prefix + "db.connectionInitSql",
                    ConfigValueFactory.fromAnyRef(
                        dialect == Dialect.POSTGRES ? EVENTS_BY_TAG_PLAN : "SELECT 1"))
                .withValue(
                    "jdbc-journal.dao",
                    ConfigValueFactory.fromAnyRef(
                        dialect == Dialect.POSTGRES
                            ? BatchedTagsJournalDao.class.getName()
                            : "org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao"))
                .withValue(
                    // On both databases: the customer index reads journal slices through it.
                    "jdbc-read-journal.dao",
                    ConfigValueFactory.fromAnyRef(TagRangeReadJournalDao.class.getName()))
                .withValue(
                    "pekko.projection.jdbc.dialect",
                    ConfigValueFactory.fromAnyRef(
                        dialect == Dialect.H2 ? "h2-dialect" : "postgres-dialect")));
  }

  /**
   * Set on the journal plugin's connections to PostgreSQL. Its only join is eventsByTag (the
   * projections' polls: journal rows in an ordering range joined to event_tag by tag); left to
   * itself PostgreSQL hashes or merges the tag's whole history on every poll, so a caught-up poll
   * grows with the journal and eight tag streams polling every 50 ms saturate the pool. Without
   * hash and merge joins it walks the ordering range and probes event_tag by key, whatever the
   * history (docs/benchmarks.md, "Behind the design", has the figures). No other query of the
   * plugin joins. That alone was not enough: the probe by key needs the range on event_tag too,
   * which {@link TagRangeReadJournalDao} adds; these settings stay as a second guard.
   */
  static final String EVENTS_BY_TAG_PLAN = "SET enable_hashjoin = off; SET enable_mergejoin = off";

  /** The URL without its password or options, for logs. */
  public String describe() {
    int options = url.indexOf(dialect == Dialect.H2 ? ';' : '?');
    return options < 0 ? url : url.substring(0, options);
  }
}
