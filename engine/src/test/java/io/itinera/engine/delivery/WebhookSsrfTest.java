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
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The SSRF guard of webhooks on a node with no allow-list (the default): channel URLs that reach
 * the node's own network are refused on PUT, and a receiver whose name resolves there when a
 * webhook goes gets no connection and its delivery is dead at once with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookSsrfTest {

  private TestDatabase database;
  private WebhookReceiver receiver;
  private ItineraNode node;
  private ApiClient api;

  @BeforeAll
  void start() throws Exception {
    database = TestDatabase.createFresh("ssrf");
    receiver = new WebhookReceiver(WebhookDeliveryTest.SECRET);
    Map<String, Object> settings = new HashMap<>();
    settings.put("itinera.db.url", database.url());
    settings.put("itinera.delivery.poll-interval", "100ms");
    // What an operator gets without allowing a network (TestNode allows loopback for the others).
    settings.put("itinera.delivery.allowed-networks", List.of());
    // An operator's configured endpoint at the metadata service: skipped at start-up, with a log.
    settings.put("itinera.delivery.channels.meta.url", "http://169.254.169.254/latest/meta-data/");
    node = TestNode.start(settings);
    node.deployedJourneys().replace(List.of(WebhookDeliveryTest.pings().loaded()));
    api = new ApiClient(node.httpPort());
  }

  @AfterAll
  void stop() {
    if (node != null) {
      TestNode.stop(node);
    }
    receiver.close();
    database.close();
  }

  @Test
  void channelUrlsThatReachTheNodesOwnNetworkAreRefusedOnPut() {
    Map<String, String> refused =
        Map.of(
            "http://127.0.0.1:9/hook", "127.0.0.1",
            "http://169.254.169.254/latest/meta-data/", "169.254.169.254",
            "http://[::1]:9/hook", "[::1]",
            "http://0.0.0.0:9/hook", "0.0.0.0",
            "http://2130706433:9/hook", "127.0.0.1",
            "http://[::ffff:10.0.0.1]/hook", "10.0.0.1");
    refused.forEach(
        (url, address) -> {
          Reply reply =
              api.send(
                  "PUT",
                  "/v1/channels/lab",
                  "{\"url\":\"" + url + "\"}",
                  "application/json",
                  basic(ADMIN_KEY),
                  Check.RESPONSE);
          assertEquals(400, reply.status(), url + ": " + reply.body());
          assertEquals("application/problem+json", reply.contentType(), url);
          JsonNode error = reply.json().get("errors").get(0);
          assertEquals("/url", error.get("pointer").asText(), reply.body());
          String detail = error.get("detail").asText();
          assertTrue(detail.contains(address), url + " names the address: " + detail);
          assertTrue(
              detail.contains("ITINERA_DELIVERY_ALLOWED_NETWORKS"),
              url + " says how to allow it: " + detail);
          assertTrue(reply.json().get("detail").asText().contains(address), reply.body());
        });
    assertEquals(
        404, api.get("/v1/channels/lab", basic(ADMIN_KEY)).status(), "nothing was written");
  }

  @Test
  void aConfiguredEndpointThatReachesTheNodesOwnNetworkIsNotSet() {
    assertEquals(404, api.get("/v1/channels/meta", basic(ADMIN_KEY)).status());
  }

  @Test
  void aReceiverNameThatResolvesToLoopbackWhenSentToGetsNoConnection() throws Exception {
    // localhost passes no PUT either: the endpoint is written as if stored before the policy (or
    // the name resolved elsewhere then), which only the check at connection time can catch.
    String url = "http://localhost:" + URI.create(receiver.url("/crm")).getPort() + "/crm";
    storeEndpoint("crm", url);
    String customer = "ssrf-" + UUID.randomUUID();
    assertEquals(
        200,
        api.post("/v1/track", "{\"userId\":\"" + customer + "\",\"event\":\"Hello\"}").status());
    Reply ping =
        api.post(
            "/v1/track",
            "{\"userId\":\"" + customer + "\",\"event\":\"Ping\",\"properties\":{\"to\":\"crm\"}}");
    String actionId = ping.json().get("actions").get(0).get("id").asText();

    WebhookDeliveryTest.await(
        "the delivery is dead",
        Duration.ofSeconds(15),
        () -> "dead".equals(delivery(actionId).path("status").asText()));
    JsonNode dead = delivery(actionId);
    assertEquals(1, dead.get("attempts").asInt(), "no retry of a refused address: " + dead);
    String lastError = dead.get("lastError").asText();
    assertTrue(lastError.startsWith("refused: "), lastError);
    assertTrue(lastError.contains("loopback"), lastError);
    assertTrue(lastError.contains("what localhost resolves to"), lastError);
    assertEquals(List.of(), receiver.received("/crm"), "no request reached the receiver");
  }

  private JsonNode delivery(String actionId) {
    Reply reply = api.get("/v1/deliveries/" + actionId, basic(ADMIN_KEY));
    return reply.status() == 404
        ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
        : reply.json();
  }

  private void storeEndpoint(String channel, String url) throws Exception {
    try (Connection connection = DriverManager.getConnection(database.url(), "postgres", "");
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO channel_endpoints (channel, url, secret, timeout_ms, max_in_flight,"
                    + " rate_limit, enabled, origin, updated_at)"
                    + " VALUES (?, ?, ?, 2000, 4, 0, TRUE, 'api', ?)")) {
      insert.setString(1, channel);
      insert.setString(2, url);
      insert.setString(3, WebhookDeliveryTest.SECRET);
      insert.setTimestamp(4, Timestamp.from(Instant.now()));
      insert.executeUpdate();
    }
  }
}
