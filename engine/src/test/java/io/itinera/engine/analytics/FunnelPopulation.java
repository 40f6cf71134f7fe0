package io.itinera.engine.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerPersistenceId;
import io.itinera.engine.support.ApiClient;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.GoalReached;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import io.itinera.journeys.decision.JourneyEvent.JourneyExited;
import io.itinera.journeys.decision.JourneyEvent.StageEntered;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * A population of customers driven over HTTP through a small journey with a holdout, each doing
 * something else by their number (adding to cart, buying, unsubscribing, clicking the cart offer),
 * and the funnel counted straight from their journals to compare the analytics with.
 */
final class FunnelPopulation {

  static final String JOURNEY = "shoe-funnel";

  static final String YAML =
      """
      journey: shoe-funnel
      version: 1
      holdout: 20%
      entry:
        event: Viewed
      goal:
        name: bought
        event: Order Completed
      exit:
        - event: Unsubscribed
      stages:
        browsing:
          on:
            - event: Product Added
              goto: cart
        cart:
          enter:
            - {channel: web, type: show, template: cart-nudge}
          on:
            - event: Order Completed
              goto: bought
        bought: {}
      """;

  /** The action ids the journey emitted, by customer (from the delivery queue). */
  private Map<String, String> actions = Map.of();

  /** How many actions the replies of the first phase listed. */
  private int emitted;

  /** The action ids a customer clicked (twice each: engagement counts once per action). */
  final List<String> clicked = new ArrayList<>();

  private final String prefix;
  private final int customers;
  private int messages;

  FunnelPopulation(String prefix, int customers) {
    this.prefix = prefix;
    this.customers = customers;
  }

  long clickedCount() {
    return clicked.size();
  }

  String customer(int i) {
    return prefix + "-" + i;
  }

  /**
   * Everybody views; two in three add to cart; then some buy, some click the cart offer, some
   * leave. {@code actionsByCustomer} gives the cart offers' ids once as many are queued as went
   * out.
   */
  void drive(ApiClient api, java.util.function.IntFunction<Map<String, String>> actionsByCustomer) {
    List<String> views = new ArrayList<>();
    List<String> carts = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      views.add(track(customer(i), "Viewed", "{}"));
      if (i % 3 != 0) {
        carts.add(track(customer(i), "Product Added", "{}"));
      }
    }
    send(api, views);
    send(api, carts);
    actions = actionsByCustomer.apply(emitted);
    List<String> after = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      String actionId = actions.get(customer(i));
      if (i % 5 == 1 && actionId != null) {
        String click = "{\"actionId\":\"" + actionId + "\"}";
        after.add(track(customer(i), "Promotion Clicked", click));
        after.add(track(customer(i), "Promotion Clicked", click));
        clicked.add(actionId);
      }
      if (i % 4 == 1) {
        after.add(track(customer(i), "Order Completed", "{}"));
      } else if (i % 7 == 2) {
        after.add(track(customer(i), "Unsubscribed", "{}"));
      }
    }
    send(api, after);
  }

  private String track(String customer, String event, String properties) {
    return "{\"type\":\"track\",\"messageId\":\""
        + prefix
        + "-m"
        + (messages++)
        + "\",\"userId\":\""
        + customer
        + "\",\"event\":\""
        + event
        + "\",\"properties\":"
        + properties
        + "}";
  }

  private void send(ApiClient api, List<String> messages) {
    for (int from = 0; from < messages.size(); from += 100) {
      List<String> batch = messages.subList(from, Math.min(messages.size(), from + 100));
      ApiClient.Reply reply =
          api.post("/v1/batch", "{\"batch\":[" + String.join(",", batch) + "]}");
      assertEquals(200, reply.status(), reply.body());
      JsonNode listed = reply.json().get("actions");
      emitted += listed == null ? 0 : listed.size();
    }
  }

  /** Counts straight from the customers' journals, keyed "stage/arm/what" and "arm/what". */
  Map<String, Long> directCount(ActorSystem<?> system) {
    JdbcReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    Map<String, Long> counts = new TreeMap<>();
    for (int i = 0; i < customers; i++) {
      List<Object> events =
          journal
              .currentEventsByPersistenceId(
                  CustomerPersistenceId.of(customer(i)).id(), 0, Long.MAX_VALUE)
              .map(e -> e.event())
              .runWith(Sink.seq(), system)
              .toCompletableFuture()
              .join();
      Map<String, String> state = new HashMap<>();
      for (Object event : events) {
        CustomerEvent.decisionIn((CustomerEvent) event)
            .ifPresent(d -> d.events().forEach(e -> count(e, state, counts)));
      }
    }
    return counts;
  }

  private static void count(JourneyEvent event, Map<String, String> state, Map<String, Long> out) {
    if (event instanceof JourneyEntered entered) {
      String arm = entered.holdout() ? "holdout" : "treated";
      state.put("arm", arm);
      state.put("stage", entered.stage());
      out.merge(arm + "/entered", 1L, Long::sum);
      out.merge(entered.stage() + "/" + arm + "/entered", 1L, Long::sum);
    } else if (event instanceof StageEntered moved) {
      String arm = state.get("arm");
      out.merge(moved.from() + "/" + arm + "/movedOn", 1L, Long::sum);
      out.merge(moved.to() + "/" + arm + "/entered", 1L, Long::sum);
      state.put("stage", moved.to());
    } else if (event instanceof GoalReached) {
      out.merge(state.get("arm") + "/converted", 1L, Long::sum);
      out.merge(state.get("stage") + "/" + state.get("arm") + "/goalReached", 1L, Long::sum);
    } else if (event instanceof JourneyExited exited && !exited.reason().equals("completed")) {
      out.merge(state.get("stage") + "/" + state.get("arm") + "/dropped", 1L, Long::sum);
    }
  }

  /** The same figures as the analytics report gives them. */
  static Map<String, Long> reported(JsonNode report) {
    Map<String, Long> counts = new TreeMap<>();
    report
        .get("funnel")
        .forEach(
            stage ->
                stage
                    .get("byArm")
                    .fields()
                    .forEachRemaining(
                        arm ->
                            List.of("entered", "movedOn", "dropped", "goalReached")
                                .forEach(
                                    what -> {
                                      long n = arm.getValue().get(what).asLong();
                                      if (n > 0) {
                                        counts.put(
                                            stage.get("stage").asText()
                                                + "/"
                                                + arm.getKey()
                                                + "/"
                                                + what,
                                            n);
                                      }
                                    })));
    report
        .get("arms")
        .forEach(
            arm -> {
              String name = arm.get("arm").asText();
              if (arm.get("customers").asLong() > 0) {
                counts.put(name + "/entered", arm.get("customers").asLong());
              }
              if (arm.get("converted").asLong() > 0) {
                counts.put(name + "/converted", arm.get("converted").asLong());
              }
            });
    return counts;
  }

  static void await(String what, Duration within, BooleanSupplier condition)
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
