package io.itinera.engine.analytics;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.NodeOnFreshDatabase;
import io.itinera.engine.support.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A few hundred customers through a journey with a holdout, over HTTP on PostgreSQL: the analytics
 * report agrees with a count straight from their journals, attributes clicks to the action they
 * name, answers CSV, refuses bad input with problems, survives a rebuild, and an erasure removes
 * the rows that name the customer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalyticsTest {

  private static final int CUSTOMERS = 300;

  @RegisterExtension static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("analytics");

  static final ApiClient api = NODE.api();

  private static final FunnelPopulation population = new FunnelPopulation("an", CUSTOMERS);

  private static Map<String, Long> direct;

  @BeforeAll
  static void drive() throws Exception {
    assertEquals(201, api.deployJourney(FunnelPopulation.JOURNEY, FunnelPopulation.YAML).status());
    population.drive(api, emitted -> queuedActions(NODE.database(), emitted));
    direct = population.directCount(NODE.node().system());
    awaitCounted(direct);
  }

  static Map<String, String> queuedActions(TestDatabase database, int emitted) {
    try {
      FunnelPopulation.await(
          emitted + " actions queued",
          Duration.ofSeconds(20),
          () -> database.queryLong("SELECT count(*) FROM deliveries") >= emitted);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> actions = new HashMap<>();
    database.query(
        "SELECT customer_id, action_id FROM deliveries",
        row -> actions.put(row.getString(1), row.getString(2)));
    return actions;
  }

  static void awaitCounted(Map<String, Long> expected) throws InterruptedException {
    FunnelPopulation.await(
        "the analytics count what the journals hold",
        Duration.ofSeconds(30),
        () -> FunnelPopulation.reported(report("")).equals(expected));
  }

  static JsonNode report(String query) {
    ApiClient.Reply reply =
        api.get("/v1/journeys/" + FunnelPopulation.JOURNEY + "/analytics" + query, basic(READ_KEY));
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  @Test
  @Order(1)
  void theFunnelEqualsADirectCountOverTheJournal() {
    assertTrue(direct.get("holdout/entered") > 0, "some customers were held out: " + direct);
    assertTrue(direct.get("cart/treated/dropped") > 0, "some dropped off in the cart: " + direct);
    JsonNode report = report("");
    assertEquals(direct, FunnelPopulation.reported(report));
    JsonNode browsing = report.get("funnel").get(0);
    assertEquals("browsing", browsing.get("stage").asText(), "the journey's order");
    assertEquals(CUSTOMERS, browsing.get("entered").asLong());
    assertEquals("cart", browsing.get("next").get(0).get("stage").asText());
    assertEquals(
        browsing.get("movedOn").asDouble() / CUSTOMERS,
        browsing.get("conversion").asDouble(),
        1e-9);
    assertTrue(browsing.get("timeInStage").get("customers").asLong() > 0, "time in stage measured");
    JsonNode lift = report.get("lift");
    double treated = report.get("arms").get(0).get("rate").asDouble();
    double holdout = report.get("arms").get(1).get("rate").asDouble();
    assertEquals(treated - holdout, lift.get("difference").asDouble(), 1e-9);
  }

  @Test
  @Order(2)
  void aClickNamingAnActionCountsOnceAsEngagedWithIt() {
    JsonNode actions = report("").get("actions");
    assertEquals(1, actions.size(), actions.toString());
    JsonNode nudge = actions.get(0);
    assertEquals("cart", nudge.get("stage").asText());
    assertEquals("web", nudge.get("channel").asText());
    assertEquals("cart-nudge", nudge.get("template").asText());
    long sent = NODE.database().queryLong("SELECT count(*) FROM deliveries");
    assertEquals(sent, nudge.get("decided").asLong(), "every offer that went out");
    assertTrue(population.clicked.size() > 0);
    assertEquals(population.clicked.size(), nudge.get("engaged").asLong(), "each action once");
    assertEquals((double) population.clicked.size() / sent, nudge.get("ctr").asDouble(), 1e-9);
    assertEquals(
        direct.get("cart/holdout/entered"),
        nudge.get("suppressed").get("holdout").asLong(),
        "the held-out customers' offers");
  }

  @Test
  @Order(3)
  void theFunnelAsCsvHasARowPerStageAndArm() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + NODE.node().httpPort()
                                + "/v1/journeys/shoe-funnel/analytics"))
                    .header("Authorization", basic(READ_KEY))
                    .header("Accept", "text/csv")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    List<String> lines = List.of(response.body().split("\r\n"));
    assertEquals(
        "stage,arm,entered,moved_on,dropped,goal_reached,conversion,drop_off,"
            + "median_seconds,p90_seconds",
        lines.get(0));
    assertEquals(1 + 3 * 2, lines.size(), response.body());
    assertTrue(
        lines.get(1).startsWith("browsing,treated," + direct.get("browsing/treated/entered") + ","),
        lines.get(1));
    lines.forEach(line -> assertEquals(10, line.split(",", -1).length, line));
  }

  @Test
  @Order(4)
  void badInputIsAProblem() {
    assertProblem(400, "/v1/journeys/shoe-funnel/analytics?from=2026-02-01&to=2026-01-01", "from");
    assertProblem(400, "/v1/journeys/shoe-funnel/analytics?from=yesterday", "from");
    assertProblem(400, "/v1/journeys/shoe-funnel/analytics?version=0", "version");
    assertProblem(400, "/v1/journeys/shoe-funnel/analytics?segment=vip", "segment");
    assertProblem(404, "/v1/journeys/no-such-journey/analytics", null);
  }

  @Test
  @Order(5)
  void aSegmentTheJourneyDeclaresIsKnownBeforeAnyoneMatchedIt() throws Exception {
    String yaml =
        Files.readString(Path.of("..", "journeys", "cart-offer-test.journey.yaml"))
            .replace("journey: cart-offer-test", "journey: segmented");
    assertEquals(201, api.deployJourney("segmented", yaml).status());
    ApiClient.Reply gold =
        api.send(
            "GET",
            "/v1/journeys/segmented/analytics?segment=gold",
            null,
            null,
            basic(READ_KEY),
            Check.RESPONSE);
    assertEquals(200, gold.status(), gold.body());
    assertEquals("gold", gold.json().get("segment").asText());
    assertProblem(400, "/v1/journeys/segmented/analytics?segment=platinum", "segment");
  }

  private static void assertProblem(int status, String path, String parameter) {
    // The request breaks the document on purpose: only the answer is held to it.
    ApiClient.Reply reply = api.send("GET", path, null, null, basic(READ_KEY), Check.RESPONSE);
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
    if (parameter != null) {
      assertTrue(reply.json().get("title").asText().contains(parameter), reply.body());
    }
  }

  @Test
  @Order(5)
  void aRangeWithoutEntrantsCountsNobody() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    JsonNode report =
        report("?from=" + today.minusDays(10) + "&to=" + today.minusDays(1) + "&version=1");
    assertEquals(0, report.get("arms").get(0).get("customers").asLong());
    assertEquals(3, report.get("funnel").size(), "the journey's stages, with nobody in them");
  }

  @Test
  @Order(6)
  void aRebuildCountsTheSameFromTheJournal() throws Exception {
    ApiClient.Reply reply =
        api.send(
            "POST",
            "/v1/analytics/rebuild",
            null,
            null,
            basic(ADMIN_KEY),
            Check.REQUEST_AND_RESPONSE);
    assertEquals(202, reply.status(), reply.body());
    awaitCounted(direct);
    Thread.sleep(500);
    assertEquals(direct, FunnelPopulation.reported(report("")), "nothing counted twice");
    assertEquals(
        1,
        NODE.database()
            .queryLong("SELECT count(*) FROM audit_log WHERE action = 'analytics.rebuild'"));
  }

  @Test
  @Order(7)
  void anErasureDeletesTheRowsNamingTheCustomerAndKeepsTheCounts() throws Exception {
    TestDatabase database = NODE.database();
    String customer =
        database
            .query(
                "SELECT customer_id FROM analytics_action ORDER BY customer_id",
                r -> r.getString(1))
            .get(0);
    String rowsOf =
        "SELECT count(*) FROM analytics_customer_journey WHERE customer_id = '" + customer + "'";
    assertEquals(1, database.queryLong(rowsOf));
    assertEquals(
        1,
        database.queryLong(
            "SELECT count(*) FROM analytics_action WHERE customer_id = '" + customer + "'"));
    long entered = database.queryLong("SELECT sum(entered) FROM analytics_journey_day");
    ApiClient.Reply erased =
        api.send(
            "DELETE",
            "/v1/customers/" + customer,
            null,
            null,
            basic(ADMIN_KEY),
            Check.REQUEST_AND_RESPONSE);
    assertEquals(200, erased.status(), erased.body());
    assertEquals(0, database.queryLong(rowsOf));
    // The projection reads the erasure's marker too, and deletes again what a lagging group wrote.
    Thread.sleep(1_000);
    assertEquals(0, database.queryLong(rowsOf));
    assertEquals(
        0,
        database.queryLong(
            "SELECT count(*) FROM analytics_action WHERE customer_id = '" + customer + "'"));
    assertEquals(entered, database.queryLong("SELECT sum(entered) FROM analytics_journey_day"));
  }
}
