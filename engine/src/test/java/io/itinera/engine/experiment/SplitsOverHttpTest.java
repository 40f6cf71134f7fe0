package io.itinera.engine.experiment;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.NodeOnFreshDatabase;
import io.itinera.journeys.decision.ArmCounts;
import io.itinera.journeys.decision.Bandit;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.model.Split;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A journey with a split deployed over HTTP: a customer's read shows the arm they were given and
 * the stage it sent them to; the bandits' counts are read from the analytics table as it is shared
 * across the cluster.
 */
class SplitsOverHttpTest {

  @RegisterExtension static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("splits");

  private static final ApiClient api = NODE.api();

  private static final String OFFER_TEST =
      """
      journey: offer-test
      entry: {event: Product Viewed}
      goal: {event: Order Completed}
      stages:
        browsing:
          on:
            - event: Product Added
              split:
                name: first-offer
                arms:
                  - name: ten-percent
                    weight: 50
                    do: [{channel: web, type: show, template: ten-off}]
                    goto: offered
                  - name: free-shipping
                    weight: 50
                    do: [{channel: web, type: show, template: free-shipping}]
                    goto: shipping
        offered:
          on:
            - {event: Order Completed, goto: bought}
        shipping:
          on:
            - {event: Order Completed, goto: bought}
        bought: {}
      """;

  @Test
  void aCustomersReadShowsTheArmTheyWereGivenAndTheStageItLeadsTo() {
    assertEquals(201, api.deployJourney("offer-test", OFFER_TEST).status());
    Split split =
        new JourneyLoader()
            .load("offer-test.journey.yaml", OFFER_TEST)
            .loaded()
            .journey()
            .stages()
            .get(0)
            .on()
            .get(0)
            .split();
    java.util.Set<String> given = new java.util.TreeSet<>();
    for (String customer : new String[] {"ada", "bo", "cy", "dee"}) {
      track(customer, "Product Viewed");
      track(customer, "Product Added");
      Split.Arm expected =
          Bandit.choose(
              split,
              Bandit.bucket(customer, "offer-test", "first-offer"),
              Map.of(),
              new SplittableRandom(1)::nextLong);
      JsonNode progress =
          api.get("/v1/customers/" + customer, basic(READ_KEY))
              .json()
              .path("journeys")
              .path("active")
              .get(0);
      assertEquals(expected.name(), progress.path("arms").path("first-offer").asText(), customer);
      assertEquals(expected.gotoStage(), progress.path("stage").asText(), customer);
      given.add(progress.path("arms").path("first-offer").asText());
    }
    // Not one arm for everybody: these four customers' buckets fall in both.
    assertEquals(2, given.size(), given.toString());
  }

  @Test
  void banditCountsAreSummedPerArmOverDaysForAllCustomers() throws Exception {
    String url = NODE.database().url();
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement sql = connection.createStatement()) {
      // Rows of a journey no test sends touchpoints to, so the projection adds nothing to them.
      sql.execute(
          "INSERT INTO analytics_split_day"
              + " (journey, version, \"day\", split, arm, segment, assigned, goal_reached) VALUES"
              + " ('counted-test', 1, DATE '2026-11-23', 'first-offer', 'ten-percent', '', 100, 5),"
              + " ('counted-test', 1, DATE '2026-11-24', 'first-offer', 'ten-percent', '', 50, 10),"
              + " ('counted-test', 1, DATE '2026-11-24', 'first-offer', 'ten-percent', 'gold', 7, 7),"
              + " ('counted-test', 1, DATE '2026-11-24', 'first-offer', 'free-shipping', '', 30, 3),"
              + " ('counted-test', 2, DATE '2026-11-24', 'first-offer', 'free-shipping', '', 9, 9)");
    }
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url);
    dataSource.setUser("postgres");
    SplitCounts counts = new SplitCounts(dataSource, new BlockingSql(Runnable::run));
    counts.reload().toCompletableFuture().join();
    assertEquals(
        Map.of("ten-percent", new ArmCounts(150, 15), "free-shipping", new ArmCounts(30, 3)),
        counts.counts("counted-test", 1, "first-offer"));
    assertEquals(
        Map.of("free-shipping", new ArmCounts(9, 9)),
        counts.counts("counted-test", 2, "first-offer"));
    assertTrue(counts.counts("counted-test", 1, "another").isEmpty());
  }

  private static void track(String customer, String event) {
    ApiClient.Reply reply =
        api.post("/v1/track", "{\"userId\":\"" + customer + "\",\"event\":\"" + event + "\"}");
    assertEquals(200, reply.status(), reply.body());
  }
}
