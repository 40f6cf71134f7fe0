package io.itinera.loadtest.ceiling;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ceiling (iii): raw PostgreSQL inserts of journal-shaped rows, with no Pekko in the way. The table
 * is a copy of {@code event_journal} made from the engine's own migration ({@code
 * db/postgres/V1__journal.sql}, renamed), the statement is the one pekko-persistence-jdbc issues
 * for untagged events, and each batch is one transaction, as the journal writes them.
 *
 * <p>{@code java -cp ... io.itinera.loadtest.ceiling.RawJournalInserts JDBC_URL USER LABEL THREADS
 * ROWS_PER_COMMIT SECONDS PAYLOAD_BYTES}. Prints one {@code RESULT|...} line (see Meter's format).
 */
public final class RawJournalInserts {

  static final String TABLE = "raw_event_journal";

  // The columns and order of pekko-persistence-jdbc 1.1's JournalTable insert (no tags).
  static final String INSERT =
      "insert into "
          + TABLE
          + " (deleted, persistence_id, sequence_number, writer, write_timestamp, adapter_manifest,"
          + " event_payload, event_ser_id, event_ser_manifest, meta_payload, meta_ser_id,"
          + " meta_ser_manifest) values (?,?,?,?,?,?,?,?,?,?,?,?)";

  private RawJournalInserts() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println(
          "usage: RawJournalInserts JDBC_URL USER LABEL THREADS ROWS_PER_COMMIT SECONDS PAYLOAD_BYTES");
      System.exit(2);
    }
    String url = args[0];
    String user = args[1];
    String label = args[2];
    int threads = Integer.parseInt(args[3]);
    int rowsPerCommit = Integer.parseInt(args[4]);
    int seconds = Integer.parseInt(args[5]);
    int payloadBytes = Integer.parseInt(args[6]);

    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement()) {
      for (String ddl : journalDdl()) {
        s.execute(ddl);
      }
      s.execute("truncate " + TABLE);
    }

    AtomicLong sequence = new AtomicLong();
    String writer = UUID.randomUUID().toString();
    long warmupNanos = 1_000_000_000L;
    long start = System.nanoTime();
    long measureFrom = start + warmupNanos;
    long end = measureFrom + seconds * 1_000_000_000L;
    Plan plan =
        new Plan(url, user, rowsPerCommit, payloadBytes, writer, sequence, measureFrom, end);
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Worker w = new Worker(plan);
      workers.add(w);
      w.start();
    }
    report(label, threads, rowsPerCommit, seconds, workers);
  }

  /** Waits for the workers, then prints the rows and commits per second and commit latency. */
  private static void report(
      String label, int threads, int rowsPerCommit, int seconds, List<Worker> workers)
      throws Exception {
    long rows = 0;
    long commits = 0;
    List<long[]> latencies = new ArrayList<>();
    for (Worker w : workers) {
      w.join();
      if (w.failure != null) {
        throw w.failure;
      }
      rows += w.rows;
      commits += w.commitsMeasured;
      latencies.add(Arrays.copyOf(w.latencyMicros, w.commitsMeasured));
    }
    long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    double rowsPerSecond = rows / (double) seconds;
    // Latency of one commit (a batch of rows), not of one row.
    System.out.printf(
        Locale.ROOT,
        "raw inserts %s: %d threads x %d rows/commit, %d s: %.0f rows/s, %.0f commits/s,"
            + " commit p50 %.1f ms p95 %.1f ms p99 %.1f ms%n",
        label,
        threads,
        rowsPerCommit,
        seconds,
        rowsPerSecond,
        commits / (double) seconds,
        pct(all, 50),
        pct(all, 95),
        pct(all, 99));
    System.out.printf(
        Locale.ROOT,
        "RESULT|%s|%.0f|%.0f|%.1f|%.1f|%.1f|%.0f|0|%s%n",
        label,
        commits / (double) seconds,
        rowsPerSecond,
        pct(all, 50),
        pct(all, 95),
        pct(all, 99),
        rowsPerSecond,
        threads + " threads x " + rowsPerCommit + " rows/commit; latency per commit");
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
  }

  /** The engine's event_journal DDL (table and ordering index) under another name. */
  static List<String> journalDdl() throws IOException {
    String sql;
    try (InputStream in =
        RawJournalInserts.class
            .getClassLoader()
            .getResourceAsStream("db/postgres/V1__journal.sql")) {
      if (in == null) {
        throw new IllegalStateException("db/postgres/V1__journal.sql not on the classpath");
      }
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> statements = new ArrayList<>();
    for (String statement : sql.replaceAll("(?m)^--.*$", "").split(";")) {
      String s = statement.trim();
      if (s.contains("event_journal") && !s.contains("event_tag")) {
        statements.add(s.replace("event_journal", TABLE));
      }
    }
    if (statements.size() != 2) {
      throw new IllegalStateException(
          "Expected the journal table and its index, got " + statements);
    }
    return statements;
  }

  /** One row as the engine's journal holds a recorded touchpoint, with a random payload. */
  private static void addRow(
      PreparedStatement insert,
      ThreadLocalRandom random,
      byte[] payload,
      long sequenceNumber,
      String writer)
      throws SQLException {
    random.nextBytes(payload);
    insert.setBoolean(1, false);
    insert.setString(2, "Customer|c-" + random.nextInt(1_000_000));
    insert.setLong(3, sequenceNumber);
    insert.setString(4, writer);
    insert.setLong(5, System.currentTimeMillis());
    insert.setString(6, "");
    insert.setBytes(7, payload);
    insert.setInt(8, 33);
    insert.setString(9, "io.itinera.engine.customer.CustomerEvent$TouchpointRecorded");
    insert.setNull(10, java.sql.Types.BINARY);
    insert.setNull(11, java.sql.Types.INTEGER);
    insert.setNull(12, java.sql.Types.VARCHAR);
    insert.addBatch();
  }

  /** What every worker of one run shares: where to insert, how, and when to measure. */
  record Plan(
      String url,
      String user,
      int rowsPerCommit,
      int payloadBytes,
      String writer,
      AtomicLong sequence,
      long measureFrom,
      long end) {}

  static final class Worker extends Thread {
    final Plan plan;
    long rows;
    int commitsMeasured;
    long[] latencyMicros = new long[1 << 16];
    Exception failure;

    Worker(Plan plan) {
      this.plan = plan;
    }

    @Override
    public void run() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      byte[] payload = new byte[plan.payloadBytes()];
      try (Connection c = DriverManager.getConnection(plan.url(), plan.user(), "")) {
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
          while (true) {
            long t0 = System.nanoTime();
            if (t0 >= plan.end()) {
              break;
            }
            for (int i = 0; i < plan.rowsPerCommit(); i++) {
              addRow(insert, random, payload, plan.sequence().incrementAndGet(), plan.writer());
            }
            insert.executeBatch();
            c.commit();
            long t1 = System.nanoTime();
            if (t0 >= plan.measureFrom() && t1 <= plan.end()) {
              rows += plan.rowsPerCommit();
              if (commitsMeasured == latencyMicros.length) {
                latencyMicros = Arrays.copyOf(latencyMicros, latencyMicros.length * 2);
              }
              latencyMicros[commitsMeasured++] = (t1 - t0) / 1000;
            }
          }
        }
      } catch (SQLException e) {
        failure = e;
      }
    }
  }
}
