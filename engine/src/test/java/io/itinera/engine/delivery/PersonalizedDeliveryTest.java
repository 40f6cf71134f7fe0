package io.itinera.engine.delivery;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.Scrape;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A journey's Liquid templates, through the engine on PostgreSQL: deployed over HTTP (a template
 * error refused with its line and column), rendered when the action is decided, and the webhook
 * carries the rendered text; a variable the customer lacks renders empty and is counted.
 */
class PersonalizedDeliveryTest {

  private static final String JOURNEY =
      """
      journey: cart-personal
      entry: {event: Product Added}
      stages:
        carted:
          enter:
            - channel: email
              type: send
              template: cart-reminder
              params:
                product: "{{ event.properties.name }}"
                plan: "{{ customer.group.traits.plan }}"
              content:
                subject: "{{ customer.traits.first_name }}, your {{ event.properties.name }} waits"
                body: |-
                  Hi {{ customer.traits.first_name | default: "there" }},
                  {{ event.properties.name }} is in your cart.
            - channel: web
              type: show
              template: cart-banner
              content:
                subject: "{{ event.properties.name }} for {{ customer.traits.first_name }}"
      """;

  @Test
  void theWebhookCarriesTheTextRenderedForTheCustomer() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("perso_delivery");
        WebhookReceiver receiver = new WebhookReceiver(WebhookDeliveryTest.SECRET)) {
      Map<String, Object> settings = new HashMap<>();
      settings.put("itinera.db.url", database.url());
      settings.put("itinera.delivery.channels.email.url", receiver.url("/email"));
      settings.put("itinera.delivery.channels.email.secret", WebhookDeliveryTest.SECRET);
      ItineraNode node = TestNode.start(settings);
      try {
        ApiClient api = new ApiClient(node.httpPort());
        ApiClient.Reply refused =
            api.deployJourney(
                "cart-personal",
                JOURNEY.replace("{{ event.properties.name }}\"", "{{ x | shout }}\""));
        assertEquals(422, refused.status(), refused.body());
        JsonNode error = refused.json().get("errors").get(0);
        assertEquals(10, error.get("line").asInt(), refused.body());
        assertEquals(26, error.get("column").asInt(), "the filter's pipe: " + refused.body());
        assertTrue(error.get("detail").asText().contains("shout"), refused.body());

        assertEquals(201, api.deployJourney("cart-personal", JOURNEY).status());
        WebhookDeliveryTest.await(
            "the journey is deployed on the node",
            Duration.ofSeconds(10),
            () ->
                node.deployedJourneys().current().stream()
                    .anyMatch(j -> j.journey().name().equals("cart-personal")));

        api.post(
            "/v1/identify",
            "{\"userId\":\"ada\",\"traits\":{\"first_name\":\"Ada\",\"consent\":{\"email\":true}}}");
        api.post(
            "/v1/group",
            "{\"userId\":\"ada\",\"groupId\":\"acme\",\"traits\":{\"plan\":\"enterprise\"}}");
        ApiClient.Reply tracked =
            api.post(
                "/v1/track",
                "{\"userId\":\"ada\",\"event\":\"Product Added\","
                    + "\"properties\":{\"name\":\"Pegasus 41\"}}");
        JsonNode action = tracked.json().get("actions").get(0);
        assertEquals("cart-reminder", action.get("name").asText(), tracked.body());
        assertEquals("Ada, your Pegasus 41 waits", action.get("content").get("subject").asText());

        String id = action.get("id").asText();
        WebhookDeliveryTest.await(
            "the reminder reaches the e-mail webhook",
            Duration.ofSeconds(30),
            () -> !receiver.receivedWithId(id).isEmpty());
        JsonNode data = receiver.receivedWithId(id).get(0).json().get("data");
        assertEquals("Pegasus 41", data.get("params").get("product").asText());
        assertEquals("enterprise", data.get("params").get("plan").asText());
        assertEquals("Ada, your Pegasus 41 waits", data.get("content").get("subject").asText());
        assertEquals(
            "Hi Ada,\nPegasus 41 is in your cart.", data.get("content").get("body").asText());

        // The page asks what to show: the same rendered text, from the pull side.
        WebhookDeliveryTest.await(
            "the banner is queued for the web",
            Duration.ofSeconds(30),
            () ->
                api.get("/v1/customers/ada/next-action?channel=web", ApiClient.basic(READ_KEY))
                        .status()
                    == 200);
        JsonNode banner =
            api.get("/v1/customers/ada/next-action?channel=web", ApiClient.basic(READ_KEY))
                .json()
                .get("action");
        assertEquals(
            "Pegasus 41 for Ada", banner.get("data").get("content").get("subject").asText());

        // Bob has no first name and no group: both render empty, and are counted.
        api.post("/v1/identify", "{\"userId\":\"bob\",\"traits\":{\"consent\":{\"email\":true}}}");
        JsonNode bobs =
            api.post(
                    "/v1/track",
                    "{\"userId\":\"bob\",\"event\":\"Product Added\","
                        + "\"properties\":{\"name\":\"Pegasus 41\"}}")
                .json()
                .get("actions")
                .get(0);
        assertEquals("cart-reminder", bobs.get("name").asText());
        assertEquals(", your Pegasus 41 waits", bobs.get("content").get("subject").asText());
        assertEquals(
            "Hi there,\nPegasus 41 is in your cart.", bobs.get("content").get("body").asText());
        assertEquals("", bobs.get("params").get("plan").asText());
        List<Scrape.Sample> missing =
            Scrape.of(node.managementPort())
                .matching(
                    "itinera_template_missing_variables_total",
                    "journey",
                    "cart-personal",
                    "action",
                    "cart-reminder");
        assertEquals(1, missing.size(), missing.toString());
        assertEquals(
            2.0,
            missing.get(0).value(),
            "bob's plan and first name (the body's has a default, Ada had both)");
        assertEquals(
            1,
            Scrape.of(node.managementPort())
                .matching(
                    "itinera_template_missing_variables_total",
                    "journey",
                    "cart-personal",
                    "action",
                    "cart-banner")
                .size(),
            "bob's banner misses his first name");
      } finally {
        TestNode.stop(node);
      }
    }
  }
}
