package io.itinera.engine.delivery;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.Scrape;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import io.itinera.engine.support.WebhookReceiver.Answer;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Write admission over HTTP on PostgreSQL, with two webhook receivers of the test's own: a flooded
 * channel holds up no other, its backlog sheds ingest with a 503 that names it until it catches up,
 * a failing receiver's backlog sheds nothing, and a write past the node's limit is refused at once.
 * The node admits one touchpoint in flight at a time and sheds when a channel's due webhooks wait
 * past 2 s (1 s by default: 2 s leaves a loaded test machine time to queue the flood first).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestSheddingTest {

  private static final String SECRET = WebhookDeliveryTest.SECRET;
  private static final List<String> CHANNELS = List.of("flood", "steady", "broken");

  private TestDatabase database;
  private WebhookReceiver flooded;
  private WebhookReceiver steady;
  private WebhookReceiver broken;
  private ItineraNode node;
  private ApiClient api;

  @BeforeAll
  void start() throws Exception {
    database = TestDatabase.createFresh("shedding");
    flooded = new WebhookReceiver(SECRET);
    steady = new WebhookReceiver(SECRET);
    broken = new WebhookReceiver(SECRET);
    Map<String, Object> settings = new HashMap<>();
    settings.put("itinera.db.url", database.url());
    settings.put("itinera.delivery.retry.schedule", List.of("300ms", "300ms", "300ms"));
    settings.put("itinera.delivery.poll-interval", "100ms");
    settings.put("itinera.http.max-touchpoints-in-flight", 1);
    settings.put("itinera.admission.min-touchpoints-in-flight", 1);
    settings.put("itinera.admission.max-delivery-age", "2s");
    settings.put("itinera.admission.backlog-report-interval", "100ms");
    node = TestNode.start(settings);
    node.deployedJourneys().replace(List.of(journey().loaded()));
    api = new ApiClient(node.httpPort());
    // The first write of a node just started can meet sharding not yet ready; the tests start
    // from a node that takes writes.
    WebhookDeliveryTest.await(
        "the node takes writes", Duration.ofSeconds(15), () -> track("warm-up").status() == 200);
    putChannel("flood", flooded, 30_000, 2);
    putChannel("steady", steady, 2_000, 2);
    putChannel("broken", broken, 300, 1);
  }

  @AfterAll
  void stop() {
    if (node != null) {
      TestNode.stop(node);
    }
    flooded.close();
    steady.close();
    broken.close();
    database.close();
  }

  @Test
  void aFloodedChannelHoldsUpNoOtherAndShedsIngestUntilItCatchesUp() throws Exception {
    CountDownLatch open = new CountDownLatch(1);
    flooded.script("/flood", (attempt, request) -> awaitThen(open, Answer.ok()));
    String customer = "fay-" + UUID.randomUUID();
    greet(customer, "{}");
    List<String> flood = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      flood.add(ping(customer, "flood"));
    }
    String onTime = ping(customer, "steady");

    WebhookDeliveryTest.await(
        "the steady channel's webhook arrives while the flooded one's two slots are held",
        Duration.ofSeconds(5),
        () -> status(onTime).equals("delivered"));
    assertEquals(1, steady.receivedWithId(onTime).size());
    assertEquals(
        2, flooded.received("/flood").size(), "the flooded channel sends only two at once");

    WebhookDeliveryTest.await(
        "the flooded channel's sender sees its oldest due webhook wait past 2 s",
        Duration.ofSeconds(10),
        () ->
            Scrape.of(node.managementPort())
                    .value("itinera_delivery_oldest_waiting_seconds", "channel", "flood")
                > 2);
    AtomicReference<Reply> shed = new AtomicReference<>();
    WebhookDeliveryTest.await(
        "ingest sheds once the flooded channel's oldest due webhook has waited 2 s",
        Duration.ofSeconds(10),
        () -> {
          Reply reply = track(customer);
          shed.set(reply);
          return reply.status() == 503;
        });
    JsonNode problem = assertShed(shed.get(), "delivery-behind");
    assertEquals("flood", problem.get("channel").asText());
    assertTrue(problem.get("ageMs").asLong() > 2000, problem.toString());
    assertTrue(problem.get("detail").asText().contains("\"flood\""), problem.toString());
    Scrape metrics = Scrape.of(node.managementPort());
    assertTrue(metrics.value("itinera_admission_sheds_total", "reason", "delivery_behind") >= 1);
    assertTrue(
        metrics.value(
                "itinera_touchpoints_rejected_total", "route", "track", "reason", "delivery_behind")
            >= 1);
    assertTrue(
        metrics.value("itinera_delivery_oldest_waiting_seconds", "channel", "flood") > 2,
        "the flooded channel's age is on its gauge");
    assertEquals(0, metrics.value("itinera_delivery_channel_failing", "channel", "flood"));

    open.countDown();
    WebhookDeliveryTest.await(
        "the flood is delivered",
        Duration.ofSeconds(10),
        () -> flood.stream().allMatch(id -> status(id).equals("delivered")));
    WebhookDeliveryTest.await(
        "ingest takes touchpoints again once the channel caught up",
        Duration.ofSeconds(5),
        () -> track(customer).status() == 200);
  }

  @Test
  void actionsNotYetQueuedForDeliveryShedIngestToo() throws Exception {
    String customer = "ike-" + UUID.randomUUID();
    greet(customer, "{}");
    // The queue's table locked: the outbox's fast lane holds the action it cannot write.
    try (Connection lock = DriverManager.getConnection(database.url(), "postgres", "")) {
      lock.setAutoCommit(false);
      try (Statement statement = lock.createStatement()) {
        statement.execute("LOCK TABLE deliveries IN EXCLUSIVE MODE");
      }
      String action = ping(customer, "steady");
      AtomicReference<Reply> shed = new AtomicReference<>();
      WebhookDeliveryTest.await(
          "ingest sheds once the action has waited 2 s to be queued",
          Duration.ofSeconds(10),
          () -> {
            Reply reply = track(customer);
            shed.set(reply);
            return reply.status() == 503;
          });
      JsonNode problem = assertShed(shed.get(), "delivery-behind");
      assertEquals(DeliveryBacklog.OUTBOX, problem.get("channel").asText());
      assertTrue(
          problem.get("detail").asText().startsWith("Actions have waited"), problem.toString());
      assertEquals("not queued", status(action));
      lock.commit();
      WebhookDeliveryTest.await(
          "the action is delivered once the queue is free",
          Duration.ofSeconds(10),
          () -> status(action).equals("delivered"));
    }
    WebhookDeliveryTest.await(
        "ingest takes touchpoints again",
        Duration.ofSeconds(5),
        () -> track(customer).status() == 200);
  }

  @Test
  void aFailingReceiversBacklogShedsNothing() throws Exception {
    broken.script("/broken", (attempt, request) -> null);
    String customer = "gus-" + UUID.randomUUID();
    greet(customer, "{}");
    for (int i = 0; i < 12; i++) {
      ping(customer, "broken");
    }
    // One slot, each attempt unanswered for 300 ms: the last of twelve waits over 3 s for it.
    WebhookDeliveryTest.await(
        "the broken channel's due webhooks wait past the bound",
        Duration.ofSeconds(15),
        () ->
            Scrape.of(node.managementPort())
                    .value("itinera_delivery_oldest_waiting_seconds", "channel", "broken")
                > 2.5);
    Scrape metrics = Scrape.of(node.managementPort());
    assertEquals(1, metrics.value("itinera_delivery_channel_failing", "channel", "broken"));
    Reply reply = track(customer);
    assertEquals(
        200, reply.status(), "a receiver that fails does not close ingest: " + reply.body());
  }

  @Test
  void aWritePastTheLimitIsRefusedAtOnceWhileAnotherIsInFlight() throws Exception {
    String customer = "hal-" + UUID.randomUUID();
    greet(customer, "{}");
    CompletableFuture<Reply> held;
    // The journal's table locked: the first write waits in the journal, holding the one place.
    try (Connection lock = DriverManager.getConnection(database.url(), "postgres", "")) {
      lock.setAutoCommit(false);
      try (Statement statement = lock.createStatement()) {
        statement.execute("LOCK TABLE event_journal IN EXCLUSIVE MODE");
      }
      held = CompletableFuture.supplyAsync(() -> track(customer));
      WebhookDeliveryTest.await(
          "the first write is in flight",
          Duration.ofSeconds(5),
          () -> Scrape.of(node.managementPort()).value("itinera_touchpoints_in_flight") >= 1);
      JsonNode problem = assertShed(track("ida-" + UUID.randomUUID()), "limit");
      assertEquals(1, problem.get("limit").asInt());
      lock.commit();
    }
    assertEquals(
        200, held.join().status(), "the write in flight completes once the journal is free");
    assertTrue(
        Scrape.of(node.managementPort()).value("itinera_admission_sheds_total", "reason", "limit")
            >= 1);
  }

  private void greet(String customer, String consent) {
    WebhookDeliveryTest.greet(api, customer, consent);
  }

  private String ping(String customer, String channel) {
    return WebhookDeliveryTest.ping(api, customer, channel);
  }

  private String status(String actionId) {
    Reply reply = api.get("/v1/deliveries/" + actionId, basic(ADMIN_KEY));
    return reply.status() == 404 ? "not queued" : reply.json().get("status").asText();
  }

  /** A 503 problem with Retry-After and the given reason; its body. */
  private static JsonNode assertShed(Reply reply, String reason) {
    assertEquals(503, reply.status(), reply.body());
    assertEquals("application/problem+json", reply.contentType().split(";")[0]);
    assertEquals("1", reply.header("Retry-After").orElseThrow());
    JsonNode problem = reply.json();
    assertEquals("https://itinera.io/problems/unavailable", problem.get("type").asText());
    assertEquals(503, problem.get("status").asInt());
    assertEquals(reason, problem.get("reason").asText(), problem.toString());
    return problem;
  }

  private Reply track(String customer) {
    return api.post(
        "/v1/track",
        "{\"userId\":\""
            + customer
            + "\",\"event\":\"Looked\",\"messageId\":\""
            + UUID.randomUUID()
            + "\"}");
  }

  private static Answer awaitThen(CountDownLatch open, Answer answer) {
    try {
      open.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return answer;
  }

  private void putChannel(
      String channel, WebhookReceiver receiver, int timeoutMs, int maxInFlight) {
    Reply put =
        api.send(
            "PUT",
            "/v1/channels/" + channel,
            "{\"url\":\""
                + receiver.url("/" + channel)
                + "\",\"secret\":\""
                + SECRET
                + "\",\"timeoutMs\":"
                + timeoutMs
                + ",\"maxInFlight\":"
                + maxInFlight
                + "}",
            "application/json",
            basic(ADMIN_KEY),
            Check.REQUEST_AND_RESPONSE);
    assertEquals(201, put.status(), put.body());
  }

  private static LoadResult journey() {
    StringBuilder triggers = new StringBuilder();
    for (String channel : CHANNELS) {
      triggers.append(
          """
                - name: ping %1$s
                  event: Ping
                  when: "event.properties.to == '%1$s'"
                  do:
                    - {channel: %1$s, type: send, template: ping-%1$s}
          """
              .formatted(channel));
    }
    LoadResult result =
        new JourneyLoader()
            .load("pings.journey.yaml", WebhookDeliveryTest.PINGS.formatted(triggers));
    assertTrue(result.ok(), () -> result.errors().toString());
    return result;
  }
}
