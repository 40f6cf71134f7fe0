package io.itinera.engine.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * pekko-persistence-jdbc's read journal DAO with two changes to the projections' poll ({@code
 * eventsByTag}): it names its ordering range on the tag table as well as on the journal, and it
 * reads the pseudo tags of {@link JournalSlices} (every event of a slice of entities) from the
 * journal alone.
 *
 * <p>Why: the plugin (1.1.1) puts the range on the journal only ({@code event_journal.ordering >
 * offset AND <= max}, joined to {@code event_tag} by {@code tag}). PostgreSQL cannot carry a range
 * across a join, so a plan cached while the tables were small (a server-prepared statement, stats
 * from an early auto-analyze) probed {@code event_tag} by tag alone for every journal row of the
 * range: the tag's whole history per row. Measured on a fresh database under 220 entries/s, each
 * poll took 5 to 28 s of PostgreSQL CPU and the analytics lagged 30 s behind the journal
 * (docs/benchmarks.md). With the range on both tables every plan PostgreSQL can pick is bounded by
 * the range: the {@code (tag, event_id)} index (migration V5) gives the tag's rows in order, each
 * joined to its journal row by the unique ordering index. The rows, their order and the limit are
 * the plugin's, so the projections see no difference.
 *
 * <p>A slice's poll walks the journal's ordering range in steps of the poll's limit, keeping the
 * rows of the slice's entities (decided before their payload is decoded), until it has the limit or
 * has walked to the end of the range. It must walk that far: the plugin takes an empty answer to
 * mean that nothing up to the range's end matches, and moves its offset there. Identifiers are
 * quoted, so the same queries run on the embedded H2 database.
 */
public class TagRangeReadJournalDao extends DefaultReadJournalDao {

  private final JdbcBackend.JdbcDatabaseDef database;
  private final Serialization serialization;
  private final String query;
  private final String sliceQuery;

  /** The constructor the plugin calls, by reflection, for {@code jdbc-read-journal.dao}. */
  public TagRangeReadJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      ReadJournalConfig readJournalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, readJournalConfig, serialization, ec, mat);
    this.database = db;
    this.serialization = serialization;
    String journal =
        qualified(
            readJournalConfig.eventJournalTableConfiguration().schemaName(),
            readJournalConfig.eventJournalTableConfiguration().tableName());
    String tags =
        qualified(
            readJournalConfig.eventTagTableConfiguration().schemaName(),
            readJournalConfig.eventTagTableConfiguration().tableName());
    String columns =
        "SELECT e.\"ordering\", e.\"deleted\", e.\"persistence_id\", e.\"sequence_number\","
            + " e.\"writer\", e.\"write_timestamp\", e.\"adapter_manifest\", e.\"event_payload\","
            + " e.\"event_ser_id\", e.\"event_ser_manifest\", e.\"meta_payload\", e.\"meta_ser_id\","
            + " e.\"meta_ser_manifest\" FROM ";
    this.query =
        columns
            + tags
            + " t JOIN "
            + journal
            + " e ON e.\"ordering\" = t.\"event_id\""
            + " WHERE t.\"tag\" = ? AND t.\"event_id\" > ? AND t.\"event_id\" <= ?"
            + " AND e.\"ordering\" > ? AND e.\"ordering\" <= ? AND e.\"deleted\" = FALSE"
            + " ORDER BY t.\"event_id\" LIMIT ?";
    this.sliceQuery =
        columns
            + journal
            + " e WHERE e.\"ordering\" > ? AND e.\"ordering\" <= ? AND e.\"deleted\" = FALSE"
            + " ORDER BY e.\"ordering\" LIMIT ?";
  }

  private static String qualified(Option<String> schema, String table) {
    String quoted = '"' + table + '"';
    return schema.isDefined() ? '"' + schema.get() + "\"." + quoted : quoted;
  }

  @Override
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(
      String tag, long offset, long maxOffset, long max) {
    if (offset >= maxOffset) {
      // Nothing written since the last poll: the plugin would still query an empty range, for
      // each of the sixteen streams every 50 ms (an idle node's steady load on the database).
      return Source.empty();
    }
    SimpleJdbcAction<List<JournalPekkoSerializationRow>> read =
        SimpleJdbcAction.apply(
            context -> {
              try {
                return rows(context.connection(), tag, offset, maxOffset, max);
              } catch (SQLException e) {
                throw new IllegalStateException("eventsByTag failed: " + e.getMessage(), e);
              }
            });
    // As the plugin's: the tags of each event are not read back (nothing uses them).
    Set<String> noTags = scala.collection.immutable.Set$.MODULE$.empty();
    return org.apache.pekko.stream.javadsl.Source.completionStage(
            FutureConverters.asJava(run(read)))
        .mapConcat(rows -> rows)
        .map(
            row ->
                PekkoSerialization.fromRow(serialization, row)
                    .map(
                        decoded ->
                            new Tuple3<PersistentRepr, Set<String>, Object>(
                                decoded._1(), noTags, decoded._2())))
        .asScala();
  }

  /** Slick's effect types have no Java equivalent (db.run wants Nothing): run it raw. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private scala.concurrent.Future<List<JournalPekkoSerializationRow>> run(
      SimpleJdbcAction<List<JournalPekkoSerializationRow>> action) {
    return (scala.concurrent.Future<List<JournalPekkoSerializationRow>>)
        database.run((DBIOAction) action);
  }

  private List<JournalPekkoSerializationRow> rows(
      Connection connection, String tag, long offset, long maxOffset, long max)
      throws SQLException {
    Optional<JournalSlices.Slice> slice = JournalSlices.parse(tag);
    if (slice.isPresent()) {
      return sliceRows(connection, slice.get(), offset, maxOffset, max);
    }
    List<JournalPekkoSerializationRow> rows = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(query)) {
      select.setString(1, tag);
      select.setLong(2, offset);
      select.setLong(3, maxOffset);
      select.setLong(4, offset);
      select.setLong(5, maxOffset);
      select.setLong(6, max);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(row(result));
        }
      }
    }
    return rows;
  }

  /** Up to {@code max} rows of the slice's entities in (offset, maxOffset], walking the range. */
  private List<JournalPekkoSerializationRow> sliceRows(
      Connection connection, JournalSlices.Slice slice, long offset, long maxOffset, long max)
      throws SQLException {
    List<JournalPekkoSerializationRow> rows = new ArrayList<>();
    long from = offset;
    try (PreparedStatement select = connection.prepareStatement(sliceQuery)) {
      while (rows.size() < max && from < maxOffset) {
        select.setLong(1, from);
        select.setLong(2, maxOffset);
        select.setLong(3, max);
        int read = 0;
        try (ResultSet result = select.executeQuery()) {
          while (result.next() && rows.size() < max) {
            read++;
            from = result.getLong(1);
            if (slice.holds(result.getString(3))) {
              rows.add(row(result));
            }
          }
        }
        if (read < max) {
          break; // the range is walked to its end (or the limit met on its last row)
        }
      }
    }
    return rows;
  }

  private static JournalPekkoSerializationRow row(ResultSet result) throws SQLException {
    int metaSerId = result.getInt(12);
    boolean hasMeta = !result.wasNull();
    return new JournalPekkoSerializationRow(
        result.getLong(1),
        result.getBoolean(2),
        result.getString(3),
        result.getLong(4),
        result.getString(5),
        result.getLong(6),
        result.getString(7),
        result.getBytes(8),
        result.getInt(9),
        result.getString(10),
        Option.apply(result.getBytes(11)),
        hasMeta ? Option.apply(metaSerId) : Option.empty(),
        Option.apply(result.getString(13)));
  }
}
