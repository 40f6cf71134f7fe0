package io.itinera.engine.journey;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Journeys that write the profile and read the account, through the engine on PostgreSQL: an
 * action's {@code set} changes traits that {@code GET /v1/customers/{id}} shows and a later
 * condition reads, and that survive a restart because they are journalled; a condition on {@code
 * customer.group.traits} decides once a {@code /v1/group} call has put the customer in an account.
 */
class ProfileFromJourneyTest {

  private static final String TRIAL =
      """
      journey: trial-profile
      version: 1
      entry: {event: Trial Started}
      stages:
        signup:
          on:
            - event: Signed In
              do:
                - name: mark activated
                  set:
                    activated: true
                    logins: "has(customer.traits.logins) ? customer.traits.logins + 1 : 1"
                    first_channel: event.channel
                    coupon: null
              goto: active
        active:
          on:
            - event: Report Created
              when: "has(customer.traits.activated) && customer.traits.activated == true"
              goto: engaged
        engaged:
          on:
            - event: Account Deleted
              goto: active
      """;

  private static final String ACCOUNTS =
      """
      journey: enterprise-accounts
      version: 1
      entry:
        event: Pricing Viewed
        when: "has(customer.group.traits.plan) && customer.group.traits.plan == 'enterprise'"
      stages:
        enterprise:
          on:
            - event: Account Deleted
              goto: enterprise
      """;

  /** A journey may not grant itself consent, and a misspelt variable is located in its value. */
  private static final String MISUSED =
      """
      journey: grants-consent
      version: 1
      entry: {event: Trial Started}
      stages:
        signup:
          enter:
            - set:
                consent: "{'email': true}"
                score: customer.trait.score + 1
      """;

  @Test
  void aJourneysSetIsShownReadByALaterConditionAndSurvivesARestart() {
    try (TestDatabase database = TestDatabase.createFresh("i18_profile_set")) {
      Map<String, Object> settings = Map.of("itinera.db.url", database.url());
      ItineraNode first = TestNode.start(settings);
      try {
        ApiClient api = new ApiClient(first.httpPort());
        deploy(api, "trial-profile", TRIAL);
        deploy(api, "enterprise-accounts", ACCOUNTS);
        ApiClient.Reply refused =
            api.send(
                "PUT",
                "/v1/journeys/grants-consent",
                MISUSED,
                "application/yaml",
                basic(ADMIN_KEY),
                Check.RESPONSE);
        assertEquals(422, refused.status(), refused.body());
        JsonNode errors = refused.json().get("errors");
        assertEquals(2, errors.size(), refused.body());
        assertEquals(8, errors.get(0).get("line").asInt(), refused.body());
        assertTrue(errors.get(0).get("detail").asText().contains("'consent' cannot be set"));
        assertEquals(9, errors.get(1).get("line").asInt(), refused.body());
        assertEquals(18, errors.get(1).get("column").asInt(), refused.body());
        assertTrue(errors.get(1).get("detail").asText().contains("'customer.trait' is not"));

        api.post("/v1/identify", "{\"userId\":\"uma\",\"traits\":{\"coupon\":\"SPRING\"}}");
        track(api, "uma", "Trial Started");
        track(api, "uma", "Signed In");
        JsonNode uma = customer(api, "uma");
        assertEquals(true, uma.at("/traits/activated").asBoolean(), uma.toString());
        assertEquals(1, uma.at("/traits/logins").asInt());
        assertEquals("web", uma.at("/traits/first_channel").asText());
        assertTrue(uma.at("/traits/coupon").isMissingNode(), "null removed the trait");
        assertTrue(
            explanations(api, "uma").stream()
                .anyMatch(line -> line.startsWith("trial-profile set activated=true")),
            explanations(api, "uma").toString());

        track(api, "uma", "Report Created");
        assertEquals("engaged", stage(api, "uma", "trial-profile"), "the later condition read it");

        track(api, "uma", "Pricing Viewed");
        assertEquals(null, stage(api, "uma", "enterprise-accounts"), "in no account yet");
        api.post(
            "/v1/group",
            "{\"userId\":\"uma\",\"groupId\":\"globex\",\"traits\":{\"plan\":\"enterprise\"}}");
        track(api, "uma", "Pricing Viewed");
        assertEquals("enterprise", stage(api, "uma", "enterprise-accounts"));
      } finally {
        TestNode.stop(first);
      }

      ItineraNode second = TestNode.start(settings);
      try {
        ApiClient api = new ApiClient(second.httpPort());
        JsonNode uma = customer(api, "uma");
        assertEquals(true, uma.at("/traits/activated").asBoolean(), "replayed from the journal");
        assertEquals(1, uma.at("/traits/logins").asInt());
        assertTrue(uma.at("/traits/coupon").isMissingNode());
        track(api, "uma", "Account Deleted");
        track(api, "uma", "Signed In");
        assertEquals("active", stage(api, "uma", "trial-profile"));
      } finally {
        TestNode.stop(second);
      }
    }
  }

  private static void deploy(ApiClient api, String name, String yaml) {
    ApiClient.Reply reply =
        api.send(
            "PUT",
            "/v1/journeys/" + name,
            yaml,
            "application/yaml",
            basic(ADMIN_KEY),
            Check.RESPONSE);
    assertTrue(reply.status() == 201 || reply.status() == 200, reply.body());
  }

  private static void track(ApiClient api, String customer, String event) {
    ApiClient.Reply reply =
        api.post(
            "/v1/track",
            "{\"userId\":\""
                + customer
                + "\",\"event\":\""
                + event
                + "\",\"context\":{\"channel\":\"web\"}}");
    assertEquals(200, reply.status(), reply.body());
  }

  private static JsonNode customer(ApiClient api, String id) {
    return api.get("/v1/customers/" + id, basic(READ_KEY)).json();
  }

  static String stage(ApiClient api, String customer, String journey) {
    for (JsonNode progress : customer(api, customer).at("/journeys/active")) {
      if (progress.get("journey").asText().equals(journey)) {
        return progress.get("stage").asText();
      }
    }
    return null;
  }

  private static List<String> explanations(ApiClient api, String id) {
    List<String> lines = new ArrayList<>();
    for (JsonNode decision :
        api.get("/v1/customers/" + id + "/decisions?limit=100", basic(READ_KEY))
            .json()
            .get("decisions")) {
      decision.get("explanation").forEach(line -> lines.add(line.asText()));
    }
    return lines;
  }
}
