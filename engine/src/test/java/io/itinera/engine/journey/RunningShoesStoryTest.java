package io.itinera.engine.journey;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.NodeOnFreshDatabase;
import io.itinera.engine.support.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seeds' running-shoe story end to end: the sample journey deployed over HTTP, touchpoints
 * posted over HTTP on PostgreSQL, and time moved by a controllable clock, so the 15-minute cart
 * reminder and the next-day care tips come due without waiting. The timers go the production way:
 * journal, projection, due_timers, waker, entity.
 */
class RunningShoesStoryTest {

  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

  private static final TestClock clock = new TestClock(START);

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("story").withClock(clock);

  private static final ApiClient api = NODE.api();

  @BeforeAll
  static void deployTheStory() throws Exception {
    deploy(Files.readString(Path.of("../journeys/running-shoes.journey.yaml")));
  }

  private static void deploy(String yaml) {
    deploy(yaml, "");
  }

  private static void deploy(String yaml, String query) {
    ApiClient.Reply reply =
        api.send(
            "PUT",
            "/v1/journeys/running-shoes" + query,
            yaml,
            "application/yaml",
            basic(ADMIN_KEY),
            Check.RESPONSE);
    assertTrue(reply.status() == 201 || reply.status() == 200, reply.body());
  }

  /** The sample as the next version, changed by {@code edit}; the tests share one registry. */
  private static String nextVersion(java.util.function.UnaryOperator<String> edit)
      throws Exception {
    int latest =
        api.get("/v1/journeys/running-shoes", basic(ADMIN_KEY)).json().get("version").asInt();
    return edit.apply(
        Files.readString(Path.of("../journeys/running-shoes.journey.yaml"))
            .replace("version: 1", "version: " + (latest + 1)));
  }

  private static JsonNode track(String customer, String event, String channel, String properties) {
    return api.post(
            "/v1/track",
            "{\"userId\":\""
                + customer
                + "\",\"event\":\""
                + event
                + "\",\"properties\":"
                + properties
                + ",\"context\":{\"channel\":\""
                + channel
                + "\"},\"timestamp\":\""
                + clock.instant()
                + "\"}")
        .json();
  }

  private static JsonNode viewShoes(String customer) {
    return track(customer, "Product Viewed", "web", "{\"category\":\"running-shoes\"}");
  }

  private static JsonNode customer(String id) {
    return api.get("/v1/customers/" + id, basic(READ_KEY)).json();
  }

  private static List<String> sent(String id) {
    List<String> templates = new ArrayList<>();
    for (JsonNode decision :
        api.get("/v1/customers/" + id + "/decisions?limit=1000", basic(READ_KEY))
            .json()
            .get("decisions")) {
      for (JsonNode event : decision.get("events")) {
        if ("ActionEmitted".equals(event.get("kind").asText())) {
          templates.add(event.at("/action/template").asText());
        }
      }
    }
    return templates;
  }

  /** A new runner who entered the journey outside its holdout group (10% are held out). */
  private static String runnerOutsideTheHoldout(String prefix) {
    for (int i = 0; i < 50; i++) {
      String id = prefix + "-" + i;
      api.post(
          "/v1/identify",
          "{\"userId\":\""
              + id
              + "\",\"traits\":{\"timezone\":\"Europe/Berlin\",\"consent\":{\"email\":true,\"sms\":true}}}");
      viewShoes(id);
      JsonNode progress = customer(id).at("/journeys/active/0");
      assertEquals("running-shoes", progress.get("journey").asText());
      if (!progress.get("holdout").asBoolean()) {
        return id;
      }
    }
    throw new AssertionError("50 runners in a row in a 10% holdout");
  }

  private static void awaitSent(String id, Predicate<List<String>> condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(15);
    while (!condition.test(sent(id))) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(id + " was sent " + sent(id));
      }
      Thread.sleep(100);
    }
  }

  private static String stage(String id) {
    return customer(id).at("/journeys/active/0/stage").asText();
  }

  @Test
  void theRunnerGetsThePopupTheCartReminderAndCareTipsAndTheSecondCartIsCancelledByAnAppPurchase()
      throws Exception {
    String runner = runnerOutsideTheHoldout("runner");
    viewShoes(runner);
    assertEquals("consideration", stage(runner));
    JsonNode third = viewShoes(runner); // three views in 10 minutes, the first one included
    assertEquals(
        "discount-popup",
        third.at("/actions/0/template").asText(),
        "the popup is in the ingest reply");
    assertEquals("web", third.at("/actions/0/channel").asText());

    track(runner, "Product Added", "web", "{\"sku\":\"pegasus-41\"}");
    assertEquals("decision", stage(runner));
    clock.advance(Duration.ofMinutes(16));
    awaitSent(runner, s -> s.contains("cart-reminder"));

    track(runner, "Order Completed", "app", "{\"total\":120}");
    assertEquals("onboarding", stage(runner));
    assertTrue(customer(runner).at("/journeys/active/0/goalReached").asBoolean());
    clock.advance(Duration.ofDays(1).plusMinutes(1));
    awaitSent(runner, s -> s.contains("shoe-care-tips"));
    assertEquals(List.of("discount-popup", "cart-reminder", "shoe-care-tips"), sent(runner));

    // A second runner buys in the app before the 15 minutes are up: no reminder, on any channel.
    String second = runnerOutsideTheHoldout("second");
    viewShoes(second);
    track(second, "Product Added", "web", "{\"sku\":\"pegasus-41\"}");
    clock.advance(Duration.ofMinutes(5));
    track(second, "Order Completed", "app", "{\"total\":120}");
    clock.advance(Duration.ofMinutes(20));
    Thread.sleep(1_500); // several waker polls
    assertTrue(
        !sent(second).contains("cart-reminder"), "cancelled by the purchase: " + sent(second));
  }

  @Test
  void aRedeployedJourneyKeepsCustomersInFlightOnTheirVersion() throws Exception {
    String early = runnerOutsideTheHoldout("early");
    viewShoes(early);
    track(early, "Product Added", "web", "{}");
    int before = customer(early).at("/journeys/active/0/version").asInt();
    deploy(nextVersion(v -> v.replace("template: cart-reminder", "template: cart-reminder-next")));
    try {
      String late = runnerOutsideTheHoldout("late");
      viewShoes(late);
      track(late, "Product Added", "web", "{}");
      assertEquals(before + 1, customer(late).at("/journeys/active/0/version").asInt());
      assertEquals(before, customer(early).at("/journeys/active/0/version").asInt());

      clock.advance(Duration.ofMinutes(16));
      awaitSent(early, s -> s.contains("cart-reminder"));
      awaitSent(late, s -> s.contains("cart-reminder-next"));
    } finally {
      deploy(nextVersion(v -> v));
    }
  }

  @Test
  void aDeploymentThatMigratesMovesCustomersInFlightToTheNewVersion() throws Exception {
    String runner = runnerOutsideTheHoldout("migrated");
    viewShoes(runner);
    track(runner, "Product Added", "web", "{}");
    deploy(
        nextVersion(v -> v.replace("template: cart-reminder", "template: cart-reminder-migrated")),
        "?migrate=true");
    try {
      clock.advance(Duration.ofMinutes(16));
      awaitSent(runner, s -> s.contains("cart-reminder-migrated"));
      assertTrue(
          !sent(runner).contains("cart-reminder"),
          "the old version's reminder is gone: " + sent(runner));
    } finally {
      deploy(nextVersion(v -> v));
    }
  }
}
