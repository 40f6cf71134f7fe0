package io.itinera.engine.analytics;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The planted population, through a node on PostgreSQL: 20,000 customers enter two journeys
 * with a 10% holdout; in one, exactly 12% of the treated and 10% of the held-out reach the goal (a
 * planted PIS of 0.2), in the other 10% of both. The reported interval must contain the planted PIS
 * and exclude 0 in the first, and contain 0 in the second. Shares are planted exactly (each
 * customer's arm is read from the analytics side), so the test fails only if the figures are wrong.
 */
class PlantedLiftTest {

  private static final int CUSTOMERS = 20_000;

  @RegisterExtension static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("lift");

  private static final ApiClient api = NODE.api();

  private static final String JOURNEYS =
      """
      journey: %s
      version: 1
      holdout: 10%%
      entry:
        event: Viewed
      goal:
        name: converted
        event: %s
      stages:
        interested:
          on:
            - event: Product Added
              goto: carted
        carted: {}
      """;

  @BeforeAll
  static void playThePopulation() throws InterruptedException {
    assertEquals(
        201, api.deployJourney("lifted", JOURNEYS.formatted("lifted", "Order Completed")).status());
    assertEquals(201, api.deployJourney("flat", JOURNEYS.formatted("flat", "Subscribed")).status());
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      entries.add(track("pl-" + i, "Viewed"));
    }
    send(entries);
    await(
        "every entry counted",
        () ->
            NODE.database().queryLong("SELECT count(*) FROM analytics_customer_journey")
                == 2L * CUSTOMERS,
        () ->
            "counted "
                + NODE.database().queryLong("SELECT count(*) FROM analytics_customer_journey"));

    List<String> goals = new ArrayList<>();
    goals.addAll(converters("lifted", "Order Completed", 0.12, 0.10));
    goals.addAll(converters("flat", "Subscribed", 0.10, 0.10));
    send(goals);
    long planted = goals.size();
    await(
        "every goal counted",
        () ->
            NODE.database()
                    .queryLong(
                        "SELECT coalesce(sum(goal_reached), 0) FROM analytics_journey_day"
                            + " WHERE segment = ''")
                == planted,
        () ->
            planted
                + " goals sent, counted: "
                + NODE.database()
                    .query(
                        "SELECT journey, arm, sum(entered), sum(goal_reached) FROM"
                            + " analytics_journey_day WHERE segment = '' GROUP BY journey, arm",
                        row ->
                            row.getString(1)
                                + "/"
                                + row.getString(2)
                                + " "
                                + row.getLong(3)
                                + " "
                                + row.getLong(4)));
  }

  @Test
  void aPlantedLiftOf20PercentIsFoundWithAnIntervalThatExcludesZero() {
    JsonNode lift = analytics("lifted").get("lift");
    assertEquals(0.12, lift.get("treatedRate").asDouble(), 0.0001, lift.toString());
    assertEquals(0.10, lift.get("holdoutRate").asDouble(), 0.0001, lift.toString());
    JsonNode interval = lift.get("pisInterval");
    assertNotNull(interval, lift.toString());
    assertTrue(interval.get("low").asDouble() > 0, "excludes 0: " + lift);
    assertTrue(interval.get("high").asDouble() > 0.2, "contains the planted 0.2: " + lift);
    assertTrue(interval.get("low").asDouble() < 0.2, "contains the planted 0.2: " + lift);
    assertTrue(lift.get("verdict").asText().startsWith("lift 20%"), lift.toString());
  }

  @Test
  void noPlantedDifferenceGivesAnIntervalThatContainsZero() {
    JsonNode lift = analytics("flat").get("lift");
    JsonNode interval = lift.get("pisInterval");
    assertTrue(
        interval.get("low").asDouble() < 0 && interval.get("high").asDouble() > 0,
        "contains 0: " + lift);
    assertTrue(!lift.get("verdict").asText().startsWith("lift"), lift.toString());
  }

  /** The goal touchpoints of exactly the planted share of each arm, the first customers by id. */
  private static List<String> converters(
      String journey, String goal, double treatedRate, double holdoutRate) {
    Map<String, List<String>> byArm = new TreeMap<>();
    NODE.database()
        .query(
            "SELECT customer_id, arm FROM analytics_customer_journey WHERE journey = '"
                + journey
                + "' ORDER BY customer_id",
            row ->
                byArm
                    .computeIfAbsent(row.getString(2), a -> new ArrayList<>())
                    .add(row.getString(1)));
    List<String> goals = new ArrayList<>();
    List<String> treated = byArm.get("treated");
    List<String> holdout = byArm.get("holdout");
    assertEquals(CUSTOMERS, treated.size() + holdout.size());
    treated
        .subList(0, (int) Math.round(treatedRate * treated.size()))
        .forEach(id -> goals.add(track(id, goal)));
    holdout
        .subList(0, (int) Math.round(holdoutRate * holdout.size()))
        .forEach(id -> goals.add(track(id, goal)));
    return goals;
  }

  private static String track(String userId, String event) {
    return "{\"type\":\"track\",\"userId\":\"" + userId + "\",\"event\":\"" + event + "\"}";
  }

  /** In batches of 500, as an SDK sends them; every batch must be recorded whole. */
  private static void send(List<String> messages) {
    for (int from = 0; from < messages.size(); from += 500) {
      List<String> batch = messages.subList(from, Math.min(from + 500, messages.size()));
      ApiClient.Reply reply =
          api.post("/v1/batch", "{\"batch\":[" + String.join(",", batch) + "]}");
      assertEquals(200, reply.status(), reply.body());
      assertEquals(batch.size(), reply.json().get("recorded").asInt(), reply.body());
    }
  }

  private static JsonNode analytics(String journey) {
    ApiClient.Reply reply = api.get("/v1/journeys/" + journey + "/analytics", basic(READ_KEY));
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private static void await(String what, BooleanSupplier done, Supplier<Object> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 180 s: " + what + "; " + state.get());
      }
      Thread.sleep(250);
    }
  }
}
