package io.itinera.engine.timers;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Durable timers end to end on PostgreSQL: absence timers set on one node fire after the whole
 * cluster (here, its one node) was stopped and a new one started, each exactly once, and the ones a
 * purchase cancelled never fire.
 */
class DurableTimersTest {

  private static final String CART = TestJourneys.cartReminder("cart", 1, "4s", "cart-reminder");

  private static final List<String> CUSTOMERS =
      IntStream.range(0, 10).mapToObj(i -> "shopper-" + i).toList();

  @Test
  void timersFireAfterAWholeClusterRestartOnceEachAndCancelledOnesNever() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("timers")) {
      ItineraNode first = started(database);
      try {
        ApiClient api = new ApiClient(first.httpPort());
        for (int i = 0; i < CUSTOMERS.size(); i++) {
          String customer = CUSTOMERS.get(i);
          api.post(
              "/v1/identify",
              "{\"userId\":\"" + customer + "\",\"traits\":{\"consent\":{\"email\":true}}}");
          api.post("/v1/track", "{\"userId\":\"" + customer + "\",\"event\":\"Product Added\"}");
          if (i % 2 == 0) {
            api.post(
                "/v1/track",
                "{\"userId\":\""
                    + customer
                    + "\",\"event\":\"Order Completed\",\"context\":{\"channel\":\"app\"}}");
          }
        }
        await(
            "the projection has the 5 pending timers",
            Duration.ofSeconds(15),
            () -> database.queryLong("SELECT count(*) FROM due_timers") == 5);
      } finally {
        TestNode.stop(first);
      }

      ItineraNode second = started(database);
      try {
        ApiClient api = new ApiClient(second.httpPort());
        await(
            "every pending timer fired and left the table",
            Duration.ofSeconds(30),
            () -> database.queryLong("SELECT count(*) FROM due_timers") == 0);
        // Past the wakers' re-wake window, so a second firing would have happened by now.
        Thread.sleep(4_000);
        for (int i = 0; i < CUSTOMERS.size(); i++) {
          JsonNode decisions =
              api.get("/v1/customers/" + CUSTOMERS.get(i) + "/decisions", basic(READ_KEY)).json();
          long reminders = count(decisions, "ActionEmitted");
          long fired = count(decisions, "TimerFired");
          if (i % 2 == 0) {
            assertEquals(0, reminders, CUSTOMERS.get(i) + " ordered: no reminder");
            assertEquals(
                1, count(decisions, "TimerCancelled"), CUSTOMERS.get(i) + "'s timer was cancelled");
          } else {
            assertEquals(1, reminders, CUSTOMERS.get(i) + " gets exactly one reminder");
            assertEquals(1, fired, CUSTOMERS.get(i) + "'s timer fired once");
            System.out.println(CUSTOMERS.get(i) + " timer late by " + lateness(decisions));
          }
        }
      } finally {
        TestNode.stop(second);
      }
    }
  }

  private static ItineraNode started(TestDatabase database) {
    ItineraNode node = TestNode.onPostgres(database);
    LoadResult cart = new JourneyLoader().load("cart.journey.yaml", CART);
    assertTrue(cart.ok(), () -> cart.errors().toString());
    node.deployedJourneys().replace(List.of(cart.loaded()));
    return node;
  }

  private static long count(JsonNode decisions, String kind) {
    long n = 0;
    for (JsonNode decision : decisions.get("decisions")) {
      for (JsonNode event : decision.get("events")) {
        if (kind.equals(event.get("kind").asText())) {
          n++;
        }
      }
    }
    return n;
  }

  /** From the timer's due time to when it fired, as the journal records them. */
  private static Duration lateness(JsonNode decisions) {
    for (JsonNode decision : decisions.get("decisions")) {
      for (JsonNode event : decision.get("events")) {
        if ("TimerFired".equals(event.get("kind").asText())) {
          return Duration.between(
              Instant.parse(event.get("timer").get("due").asText()),
              Instant.parse(event.get("at").asText()));
        }
      }
    }
    throw new AssertionError("no timer fired");
  }

  private static void await(String what, Duration within, BooleanSupplier condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Not within " + within + ": " + what);
      }
      Thread.sleep(100);
    }
  }
}
