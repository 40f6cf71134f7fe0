package io.itinera.engine.delivery;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import io.itinera.engine.support.WebhookReceiver.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery on the embedded H2 database that ./itinera run uses: its SQL differs in places. */
class EmbeddedDeliveryTest {

  @Test
  void webhooksPullAndNextActionWorkOnTheEmbeddedDatabase(@TempDir Path dataDir) throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(WebhookDeliveryTest.SECRET)) {
      receiver.script(
          "/email", (attempt, request) -> attempt == 1 ? Answer.status(503) : Answer.ok());
      ItineraNode node =
          TestNode.start(
              Map.of(
                  "itinera.db.url", "",
                  "itinera.db.data-dir", dataDir.toString(),
                  "itinera.delivery.retry.schedule", List.of("200ms"),
                  "itinera.delivery.channels.email.url", receiver.url("/email"),
                  "itinera.delivery.channels.email.secret", WebhookDeliveryTest.SECRET));
      try {
        node.deployedJourneys().replace(List.of(WebhookDeliveryTest.pings().loaded()));
        ApiClient api = new ApiClient(node.httpPort());
        api.post("/v1/identify", "{\"userId\":\"hal\",\"traits\":{\"consent\":{\"email\":true}}}");
        api.post("/v1/track", "{\"userId\":\"hal\",\"event\":\"Hello\"}");
        String email = ping(api, "email");
        String web = ping(api, "web");
        String web2 = ping(api, "web");
        WebhookDeliveryTest.await(
            "the e-mail is delivered on its second attempt",
            Duration.ofSeconds(15),
            () ->
                "delivered"
                    .equals(
                        api.get("/v1/deliveries/" + email, basic(ADMIN_KEY))
                            .json()
                            .path("status")
                            .asText()));
        assertTrue(
            receiver.receivedWithId(email).stream()
                .allMatch(WebhookReceiver.Received::signatureValid));
        assertEquals(2, receiver.receivedWithId(email).size());
        WebhookDeliveryTest.await(
            "the web actions are available",
            Duration.ofSeconds(10),
            () ->
                api.get("/v1/channels/web/actions", basic(READ_KEY)).json().get("actions").size()
                    == 2);
        assertEquals(
            web,
            api.get("/v1/customers/hal/next-action?channel=web", basic(READ_KEY))
                .json()
                .get("action")
                .get("id")
                .asText());
        assertEquals(
            204,
            api.send(
                    "POST",
                    "/v1/customers/hal/actions/" + web + "/shown",
                    null,
                    null,
                    basic(READ_KEY),
                    Check.REQUEST_AND_RESPONSE)
                .status());
        // A second endpoint through the API, and the listing with counts.
        assertEquals(
            201,
            api.send(
                    "PUT",
                    "/v1/channels/crm",
                    "{\"url\":\"" + receiver.url("/crm") + "\"}",
                    "application/json",
                    basic(ADMIN_KEY),
                    Check.REQUEST_AND_RESPONSE)
                .status());
        assertEquals(2, api.get("/v1/channels", basic(ADMIN_KEY)).json().get("channels").size());
        assertEquals(
            1,
            api.get("/v1/deliveries?status=available", basic(ADMIN_KEY))
                .json()
                .get("deliveries")
                .size());
        assertEquals(
            web2,
            api.get("/v1/deliveries?status=available", basic(ADMIN_KEY))
                .json()
                .get("deliveries")
                .get(0)
                .get("id")
                .asText());
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static String ping(ApiClient api, String channel) {
    return api.post(
            "/v1/track",
            "{\"userId\":\"hal\",\"event\":\"Ping\",\"properties\":{\"to\":\"" + channel + "\"}}")
        .json()
        .get("actions")
        .get(0)
        .get("id")
        .asText();
  }
}
