package io.itinera.loadtest.entry;

import io.itinera.engine.entry.CustomerIndex;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.journeys.entry.IndexedCustomer;
import io.itinera.journeys.entry.SegmentMatch;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * How fast a segment entry's run evaluates the customer index (issue 18's reach target: at least
 * 20,000 customers a second with a million customers): the run's own loop, without the entity asks,
 * which the rate limit paces. A fresh PostgreSQL database gets the V12 customer_index table and
 * {@code customers} rows made by generate_series (traits with a plan and, for a third, a time zone;
 * an order count of 0 to 2; last seen 0 to 119 days before the run), then each round pages through
 * all of them by id (keyset pagination, {@code page} rows a page, as {@code EntryScheduler} does)
 * and evaluates the sample win-back journey's segment on every row with {@link SegmentMatch}, the
 * code a run calls.
 *
 * <pre>
 * java -cp "loadtest/target/classes:loadtest/target/lib/*" \
 *     io.itinera.loadtest.entry.SegmentRunBenchmark [customers=1000000] [rounds=3] [page=1000]
 * </pre>
 *
 * Run from the repository root (it reads journeys/win-back.journey.yaml). Needs PostgreSQL on
 * 127.0.0.1:5432; creates and drops its own database. Prints one RESULT line per round.
 */
public final class SegmentRunBenchmark {

  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

  private SegmentRunBenchmark() {}

  public static void main(String[] args) throws Exception {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int pageSize = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    LoadResult loaded =
        new JourneyLoader()
            .load(
                "win-back.journey.yaml",
                Files.readString(Path.of("journeys", "win-back.journey.yaml")));
    if (!loaded.ok()) {
      throw new IllegalStateException(loaded.problems().toString());
    }
    LoadedJourney winBack = loaded.loaded();
    String database = "itinera_bench_segment_" + UUID.randomUUID().toString().substring(0, 8);
    execute(SERVER + "postgres", "CREATE DATABASE " + database);
    try {
      String url = SERVER + database;
      long made = System.nanoTime();
      try (Connection connection = DriverManager.getConnection(url, "postgres", "");
          Statement statement = connection.createStatement()) {
        statement.execute(migration());
        statement.execute(
            "INSERT INTO customer_index (customer_id, traits, counters, last_seen, journeys,"
                + " updated_at) SELECT 'customer-' || lpad(i::text, 8, '0'),"
                + " CASE WHEN i % 3 = 0 THEN jsonb_build_object('plan', CASE WHEN i % 2 = 0"
                + " THEN 'pro' ELSE 'free' END, 'timezone', 'UTC')"
                + " ELSE jsonb_build_object('plan', 'free', 'firstName', 'Sam') END,"
                + " CASE WHEN i % 3 = 0 THEN '{}'::jsonb"
                + " ELSE jsonb_build_object('Order Completed', i % 3) END,"
                + " TIMESTAMPTZ '2026-05-10 09:00:00+00' - (i % 120) * INTERVAL '1 day',"
                + " '{}', now() FROM generate_series(1, "
                + customers
                + ") AS i");
        statement.execute("VACUUM ANALYZE customer_index");
      }
      System.out.printf(
          "generated %,d index rows in %.1f s%n", customers, (System.nanoTime() - made) / 1e9);
      Instant runAt = Instant.parse("2026-05-10T09:00:00Z");
      CustomerIndex index = new CustomerIndex(Dialect.POSTGRES);
      for (int round = 1; round <= rounds; round++) {
        long start = System.nanoTime();
        long evaluated = 0;
        long matched = 0;
        String cursor = "";
        try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
          while (true) {
            List<IndexedCustomer> page = index.page(connection, cursor, pageSize);
            if (page.isEmpty()) {
              break;
            }
            for (IndexedCustomer customer : page) {
              evaluated++;
              if (SegmentMatch.matches(winBack, customer, runAt)) {
                matched++;
              }
            }
            cursor = page.get(page.size() - 1).customerId();
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "RESULT round=%d evaluated=%d matched=%d seconds=%.2f customers_per_second=%.0f%n",
            round, evaluated, matched, seconds, evaluated / seconds);
      }
    } finally {
      execute(SERVER + "postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  private static String migration() throws Exception {
    try (InputStream in =
        CustomerIndex.class.getResourceAsStream("/db/postgres/V12__customer_index.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void execute(String url, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
