package io.itinera.engine.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.engine.storage.Storage;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.engine.support.TestDatabase;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two analytics slices add to the same aggregate rows at once, on a real PostgreSQL. Each slice's
 * transaction must lock the shared rows in one global order, or the two wait on each other and
 * PostgreSQL ends one with "deadlock detected" (seen under load: the projection restarted). Here
 * slice B holds row 1 while slice A writes rows 0, 1 and 2 with columns that an upsert per column
 * would have written as rows 0 and 2 first, then 1: A would then hold row 2 while waiting for B,
 * and B's next write, to row 2, would close the cycle.
 */
class SharedCountsLockOrderTest {

  private static final LocalDate DAY = LocalDate.parse("2026-12-07");

  @Test
  void twoSlicesAddingToTheSameRowsWaitForEachOtherWithoutADeadlock() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("counts_lock_order");
        Storage storage = database.migratedStorage(4)) {
      AnalyticsTables tables = new AnalyticsTables(Dialect.POSTGRES);
      try (Connection sliceB = storage.dataSource().getConnection()) {
        sliceB.setAutoCommit(false);
        tables.addCounts(sliceB, counts(Map.of(row(1), "entered")));
        CompletableFuture<Void> sliceA =
            CompletableFuture.runAsync(
                () -> {
                  try (Connection connection = storage.dataSource().getConnection()) {
                    connection.setAutoCommit(false);
                    tables.addCounts(
                        connection,
                        counts(
                            Map.of(
                                row(0),
                                "goal_reached",
                                row(1),
                                "entered",
                                row(2),
                                "goal_reached")));
                    connection.commit();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        awaitWaitingOnALock(database);
        // With A waiting for row 1, B goes on to row 2: A must not be holding it.
        tables.addCounts(sliceB, counts(Map.of(row(2), "exited")));
        sliceB.commit();
        sliceA.get(30, TimeUnit.SECONDS);
      }
      assertEquals(
          List.of("0: 0 1 0", "1: 2 0 0", "2: 0 1 1"),
          database.query(
              "SELECT arm, entered, goal_reached, exited FROM analytics_journey_day ORDER BY arm",
              r -> r.getString(1) + ": " + r.getLong(2) + " " + r.getLong(3) + " " + r.getLong(4)),
          "every count of both slices, added once");
    }
  }

  /** A journey-day row of the aggregate table, told apart by its arm. */
  private static List<Object> row(int n) {
    return List.of("j", DAY, 1, String.valueOf(n));
  }

  private static Map<Counter, Long> counts(Map<List<Object>, String> columns) {
    Map<Counter, Long> counts = new TreeMap<>();
    columns.forEach((key, column) -> counts.put(new Counter(Table.JOURNEY, key, "", column), 1L));
    return counts;
  }

  private static void awaitWaitingOnALock(TestDatabase database) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (database.queryLong(
              "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                  + " AND query LIKE 'INSERT INTO analytics_journey_day%'")
          > 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("slice A never waited for slice B's row");
  }
}
