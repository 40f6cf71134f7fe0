package io.itinera.engine.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * pekko-persistence-jdbc's journal DAO with one change, for PostgreSQL: a write batch that holds a
 * tagged event goes in as one multi-row {@code INSERT ... RETURNING} and one batch of tag rows,
 * instead of one round trip per event.
 *
 * <p>Why: the plugin (1.1.1) writes a batch with tags through Slick's {@code returning ++=}, which
 * inserts row by row to read back each generated {@code ordering}; and since the journal groups the
 * writes of many customers into one batch, a single tagged event in it (every decision that emits
 * an action or changes a timer) makes every event of the batch a round trip (docs/benchmarks.md has
 * what it cost). Untagged batches keep the plugin's own batched insert. Both run in one
 * transaction, as the plugin's do; the rows, columns and tags written are the same, so the read
 * side and the projections see no difference.
 */
public class BatchedTagsJournalDao extends DefaultJournalDao {

  private static final String COLUMNS =
      "(deleted, persistence_id, sequence_number, writer, write_timestamp, adapter_manifest,"
          + " event_ser_id, event_ser_manifest, event_payload, meta_ser_id, meta_ser_manifest,"
          + " meta_payload)";
  private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final JdbcBackend.JdbcDatabaseDef database;
  private final String journalTable;
  private final String tagTable;

  /** The constructor the plugin calls, by reflection, for {@code jdbc-journal.dao}. */
  public BatchedTagsJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      JournalConfig journalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    this.database = db;
    this.journalTable =
        qualified(
            journalConfig.eventJournalTableConfiguration().schemaName(),
            journalConfig.eventJournalTableConfiguration().tableName());
    this.tagTable =
        qualified(
            journalConfig.eventTagTableConfiguration().schemaName(),
            journalConfig.eventTagTableConfiguration().tableName());
  }

  private static String qualified(scala.Option<String> schema, String table) {
    return schema.isDefined() ? schema.get() + "." + table : table;
  }

  @Override
  public Future<BoxedUnit> writeJournalRows(
      Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> batch) {
    if (batch.forall(row -> row._2().isEmpty())) {
      return super.writeJournalRows(batch);
    }
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows =
        new ArrayList<>(CollectionConverters.asJava(batch));
    // As the plugin does: in sequence-number order.
    rows.sort(Comparator.comparingLong(row -> row._1().sequenceNumber()));
    // Through Slick, as the plugin's own writes go: its executor counts the connections in use
    // and queues work behind them (a task run on its threads outside db.run stalled the journal).
    SimpleJdbcAction<BoxedUnit> write =
        SimpleJdbcAction.apply(
            context -> {
              try {
                write(context.connection(), rows);
              } catch (SQLException e) {
                throw new IllegalStateException("Journal write failed: " + e.getMessage(), e);
              }
              return BoxedUnit.UNIT;
            });
    return run(write);
  }

  /** Slick's effect types have no Java equivalent (db.run wants Nothing): run it raw. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Future<BoxedUnit> run(SimpleJdbcAction<BoxedUnit> action) {
    return (Future<BoxedUnit>) database.run((DBIOAction) action);
  }

  /** Both inserts in one transaction, as the plugin's {@code transactionally}. */
  private void write(
      Connection connection, List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      Map<String, Long> orderings = insertEvents(connection, rows);
      insertTags(connection, rows, orderings);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** One statement for the whole batch; the generated orderings by persistence id and number. */
  private Map<String, Long> insertEvents(
      Connection connection, List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(journalTable)
            .append(' ')
            .append(COLUMNS)
            .append(" VALUES ");
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? ROW : "," + ROW);
    }
    sql.append(" RETURNING ordering, persistence_id, sequence_number");
    Map<String, Long> orderings = new HashMap<>();
    try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
      int p = 1;
      for (Tuple2<JournalPekkoSerializationRow, Set<String>> tuple : rows) {
        JournalPekkoSerializationRow row = tuple._1();
        insert.setBoolean(p++, row.deleted());
        insert.setString(p++, row.persistenceId());
        insert.setLong(p++, row.sequenceNumber());
        insert.setString(p++, row.writer());
        insert.setLong(p++, row.writeTimestamp());
        insert.setString(p++, row.adapterManifest());
        insert.setInt(p++, row.eventSerId());
        insert.setString(p++, row.eventSerManifest());
        insert.setBytes(p++, row.eventPayload());
        if (row.metaSerId().isDefined()) {
          insert.setInt(p++, (Integer) row.metaSerId().get());
        } else {
          insert.setNull(p++, Types.INTEGER);
        }
        insert.setString(
            p++, row.metaSerManifest().isDefined() ? row.metaSerManifest().get() : null);
        insert.setBytes(p++, row.metaPayload().isDefined() ? row.metaPayload().get() : null);
      }
      try (ResultSet generated = insert.executeQuery()) {
        while (generated.next()) {
          orderings.put(key(generated.getString(2), generated.getLong(3)), generated.getLong(1));
        }
      }
    }
    return orderings;
  }

  private void insertTags(
      Connection connection,
      List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows,
      Map<String, Long> orderings)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO " + tagTable + " (event_id, tag) VALUES (?, ?)")) {
      for (Tuple2<JournalPekkoSerializationRow, Set<String>> tuple : rows) {
        JournalPekkoSerializationRow row = tuple._1();
        Long ordering = orderings.get(key(row.persistenceId(), row.sequenceNumber()));
        if (ordering == null) {
          throw new SQLException(
              "No ordering returned for " + row.persistenceId() + " #" + row.sequenceNumber());
        }
        for (String tag : CollectionConverters.asJava(tuple._2())) {
          insert.setLong(1, ordering);
          insert.setString(2, tag);
          insert.addBatch();
        }
      }
      insert.executeBatch();
    }
  }

  private static String key(String persistenceId, long sequenceNumber) {
    return sequenceNumber + "/" + persistenceId;
  }
}
