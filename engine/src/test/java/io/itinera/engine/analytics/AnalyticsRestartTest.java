package io.itinera.engine.analytics;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine dies in the middle of an analytics group: its counts are written but not committed
 * when its database connection goes (as when the process is killed), and the node is stopped; a new
 * node on the same database counts the rest. The tables then say exactly what the journals say: the
 * group was counted once, after the restart, and nothing else twice.
 */
class AnalyticsRestartTest {

  private static final int CUSTOMERS = 150;

  @AfterEach
  void clearHook() {
    AnalyticsProjection.beforeCommit = events -> {};
  }

  @Test
  void aProjectionKilledInTheMiddleOfAGroupCountsNothingTwice() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("analytics_restart")) {
      Map<String, Object> settings =
          Map.of("itinera.db.url", database.url(), "itinera.analytics.group-size", 20);
      CountDownLatch blocked = new CountDownLatch(1);
      CountDownLatch crash = new CountDownLatch(1);
      AtomicInteger groups = new AtomicInteger();
      AnalyticsProjection.beforeCommit =
          events -> {
            if (groups.incrementAndGet() == 3) {
              blocked.countDown();
              try {
                crash.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new IllegalStateException("the engine died in the middle of this group");
            }
          };
      FunnelPopulation population = new FunnelPopulation("rs", CUSTOMERS);
      ItineraNode first = TestNode.start(settings);
      try {
        ApiClient api = new ApiClient(first.httpPort());
        assertEquals(
            201, api.deployJourney(FunnelPopulation.JOURNEY, FunnelPopulation.YAML).status());
        population.drive(api, emitted -> AnalyticsTest.queuedActions(database, emitted));
        assertTrue(blocked.await(30, TimeUnit.SECONDS), "the third group was reached");
        long counted =
            database.queryLong(
                "SELECT coalesce(sum(entered), 0) FROM analytics_journey_day WHERE segment = ''");
        assertTrue(counted < CUSTOMERS, "in the middle: " + counted + " entries counted");
        // The blocked group at least; another slice's group may be between statements too.
        assertTrue(database.endOpenTransactions(null) >= 1, "the blocked group was open");
      } finally {
        first.system().terminate();
        crash.countDown();
        first.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
      AnalyticsProjection.beforeCommit = events -> {};

      ItineraNode second = TestNode.start(settings);
      try {
        ApiClient api = new ApiClient(second.httpPort());
        Map<String, Long> direct = population.directCount(second.system());
        FunnelPopulation.await(
            "the analytics count what the journals hold",
            Duration.ofSeconds(30),
            () -> FunnelPopulation.reported(report(api)).equals(direct));
        Thread.sleep(1_000);
        assertEquals(direct, FunnelPopulation.reported(report(api)), "nothing counted twice");
        assertEquals(
            population.clickedCount(),
            database.queryLong(
                "SELECT coalesce(sum(actions), 0) FROM analytics_action_day"
                    + " WHERE outcome = 'engaged' AND segment = ''"),
            "each click once");
      } finally {
        TestNode.stop(second);
      }
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode report(ApiClient api) {
    return api.get("/v1/journeys/shoe-funnel/analytics", basic(READ_KEY)).json();
  }
}
