package io.itinera.engine.customer;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A visitor who identifies keeps their journeys (docs/api.md, "Identity"): through the engine on
 * PostgreSQL, with time moved by a clock so the absence timer comes due the production way
 * (journal, due-timers projection, waker, entity). The known customer's own progress wins where
 * both are in a journey.
 */
class MergeKeepsProgressTest {

  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
  private static final TestClock clock = new TestClock(START);

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("i18_merge").withClock(clock);

  private static final ApiClient api = NODE.api();

  /** Journey A: a cart reminder 15 minutes after an add without checkout. */
  private static final String CART =
      """
      journey: cart
      version: 1
      entry: {event: Product Added}
      stages:
        decision:
          on:
            - event: Checkout Started
              goto: checkout
            - absence: {event: Checkout Started, within: 15m}
              do:
                - {channel: email, type: send, template: cart-reminder}
        checkout:
          on:
            - event: Order Completed
              goto: bought
        bought: {}
      """;

  /** Journey B: members, for as long as they stay. */
  private static final String MEMBERS =
      """
      journey: members
      version: 1
      entry: {event: Signed Up}
      stages:
        member:
          on:
            - event: Account Deleted
              goto: member
      """;

  @BeforeAll
  static void deploy() {
    for (String[] journey :
        List.of(new String[] {"cart", CART}, new String[] {"members", MEMBERS})) {
      ApiClient.Reply reply =
          api.send(
              "PUT",
              "/v1/journeys/" + journey[0],
              journey[1],
              "application/yaml",
              basic(ADMIN_KEY),
              Check.RESPONSE);
      assertTrue(reply.status() == 201 || reply.status() == 200, reply.body());
    }
  }

  @Test
  void aVisitorsJourneyAndPendingTimerMoveToTheKnownCustomerAndFireThereOnce() throws Exception {
    Instant added = clock.instant();
    api.post(
        "/v1/identify",
        "{\"anonymousId\":\"anon-cart\",\"traits\":{\"consent\":{\"email\":true}}}");
    send("anonymousId", "anon-cart", "Product Added");
    JsonNode visitor = customer("anon-cart");
    JsonNode visitorCart = progress(visitor, "cart");
    assertEquals("decision", visitorCart.get("stage").asText());
    Instant due = Instant.parse(visitor.at("/journeys/pendingTimers/0/due").asText());
    assertEquals(added.plus(Duration.ofMinutes(15)), due);

    clock.advance(Duration.ofMinutes(2));
    api.post("/v1/identify", "{\"userId\":\"kim\"}");
    send("userId", "kim", "Signed Up");
    api.post("/v1/identify", "{\"userId\":\"kim\",\"anonymousId\":\"anon-cart\"}");

    JsonNode kim = customer("kim");
    assertEquals("member", progress(kim, "members").get("stage").asText());
    JsonNode carried = progress(kim, "cart");
    assertEquals("decision", carried.get("stage").asText(), "the visitor's stage came along");
    assertEquals(visitorCart.get("enteredAt").asText(), carried.get("enteredAt").asText());
    assertEquals(1, kim.at("/journeys/pendingTimers").size(), kim.toString());
    assertEquals(
        due, Instant.parse(kim.at("/journeys/pendingTimers/0/due").asText()), "its due instant");
    assertEquals(true, kim.at("/journeys/consent/email").asBoolean());
    JsonNode merged = customer("anon-cart");
    assertEquals("kim", merged.get("mergedInto").asText());
    assertEquals(0, merged.at("/journeys/pendingTimers").size(), "cancelled on the visitor");

    clock.advance(Duration.ofMinutes(14));
    awaitSent("kim", sent -> sent.equals(List.of("cart-reminder")));
    clock.advance(Duration.ofMinutes(30));
    Thread.sleep(1_500);
    assertEquals(List.of("cart-reminder"), sent("kim"), "fired once");
    assertEquals(List.of(), sent("anon-cart"), "never on the visitor");
    assertEquals(0, customer("kim").at("/journeys/pendingTimers").size());
  }

  @Test
  void whereBothAreInAJourneyTheKnownCustomersStageWins() throws Exception {
    api.post(
        "/v1/identify",
        "{\"anonymousId\":\"anon-both\",\"traits\":{\"consent\":{\"email\":true}}}");
    send("anonymousId", "anon-both", "Product Added");
    api.post("/v1/identify", "{\"userId\":\"lee\",\"traits\":{\"consent\":{\"email\":true}}}");
    send("userId", "lee", "Product Added");
    send("userId", "lee", "Checkout Started");
    api.post("/v1/identify", "{\"userId\":\"lee\",\"anonymousId\":\"anon-both\"}");

    JsonNode lee = customer("lee");
    assertEquals("checkout", progress(lee, "cart").get("stage").asText(), lee.toString());
    assertEquals(0, lee.at("/journeys/pendingTimers").size(), "the visitor's timer stayed behind");

    clock.advance(Duration.ofMinutes(20));
    Thread.sleep(1_500);
    assertEquals(List.of(), sent("lee"));
    assertEquals(List.of(), sent("anon-both"));
  }

  private static void send(String idField, String id, String event) {
    ApiClient.Reply reply =
        api.post(
            "/v1/track",
            "{\""
                + idField
                + "\":\""
                + id
                + "\",\"event\":\""
                + event
                + "\",\"context\":{\"channel\":\"web\"},\"timestamp\":\""
                + clock.instant()
                + "\"}");
    assertEquals(200, reply.status(), reply.body());
  }

  private static JsonNode customer(String id) {
    return api.get("/v1/customers/" + id, basic(READ_KEY)).json();
  }

  private static JsonNode progress(JsonNode customer, String journey) {
    for (JsonNode progress : customer.at("/journeys/active")) {
      if (progress.get("journey").asText().equals(journey)) {
        return progress;
      }
    }
    throw new AssertionError(
        customer.get("customerId") + " is not in " + journey + ": " + customer);
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

  private static void awaitSent(String id, java.util.function.Predicate<List<String>> condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(15);
    while (!condition.test(sent(id))) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(id + " was sent " + sent(id));
      }
      Thread.sleep(100);
    }
  }
}
