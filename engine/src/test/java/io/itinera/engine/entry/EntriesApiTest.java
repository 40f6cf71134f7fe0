package io.itinera.engine.entry;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /v1/journeys/{name}/entries}: each customer's entity decides, and the answer says
 * which of the four it was; the data given is kept with the entry, where conditions read it; bad
 * requests are problems that say where.
 */
class EntriesApiTest {

  @RegisterExtension static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("entries");

  private static final ApiClient api = NODE.api();

  /** Half held out; a customer leaves once they say Done, if they entered with coupon C15. */
  private static final String JOURNEY =
      """
      journey: api-welcome
      holdout: 50%
      entry:
        event: Signed Up
      stages:
        welcomed:
          on:
            - event: Done
              when: "has(entry.data.coupon) && entry.data.coupon == 'C15'"
              goto: finished
        finished: {}
      """;

  @BeforeAll
  static void deploy() {
    assertEquals(201, api.deployJourney("api-welcome", JOURNEY).status());
  }

  private static ApiClient.Reply enter(String journey, String body, ApiClient.Check check) {
    return api.send(
        "POST",
        "/v1/journeys/" + journey + "/entries",
        body,
        "application/json",
        basic(ADMIN_KEY),
        check);
  }

  private static Map<String, String> results(ApiClient.Reply reply) {
    assertEquals(200, reply.status(), reply.body());
    Map<String, String> results = new HashMap<>();
    for (JsonNode result : reply.json().get("results")) {
      results.put(result.get("customerId").asText(), result.get("result").asText());
    }
    return results;
  }

  private static String body(List<String> customers, String data) {
    return "{\"entries\":["
        + customers.stream()
            .map(
                c ->
                    "{\"customerId\":\""
                        + c
                        + "\""
                        + (data == null ? "" : ",\"data\":" + data)
                        + "}")
            .collect(Collectors.joining(","))
        + "]}";
  }

  @Test
  void eachCustomerGetsOneOfTheFourAnswers() {
    List<String> customers = IntStream.range(0, 10).mapToObj(i -> "api-" + i).toList();
    Map<String, String> first =
        results(
            enter(
                "api-welcome",
                body(customers, "{\"coupon\":\"C15\"}"),
                ApiClient.Check.REQUEST_AND_RESPONSE));
    assertEquals(customers.size(), first.size());
    assertTrue(first.containsValue("entered"), first.toString());
    assertTrue(first.containsValue("held-out"), first.toString());
    assertTrue(
        first.values().stream().allMatch(r -> r.equals("entered") || r.equals("held-out")),
        first.toString());

    Map<String, String> again =
        results(enter("api-welcome", body(customers, null), ApiClient.Check.REQUEST_AND_RESPONSE));
    assertTrue(again.values().stream().allMatch("already-in"::equals), again.toString());

    // One of them says Done: the trigger reads the entry's data (coupon C15), so they finish the
    // journey, and its re-entry policy (never) makes them not eligible any more.
    String done =
        first.entrySet().stream()
            .filter(e -> e.getValue().equals("entered"))
            .findFirst()
            .orElseThrow()
            .getKey();
    api.post("/v1/track", "{\"userId\":\"" + done + "\",\"event\":\"Done\"}");
    JsonNode customer = api.get("/v1/customers/" + done, basic(ADMIN_KEY)).json();
    // Done finished the journey (the trigger read the coupon): it is no longer among the active.
    for (JsonNode active : customer.path("journeys").path("active")) {
      assertFalse("api-welcome".equals(active.path("journey").asText()), customer.toString());
    }
    Map<String, String> after =
        results(
            enter("api-welcome", body(List.of(done), null), ApiClient.Check.REQUEST_AND_RESPONSE));
    assertEquals(Map.of(done, "not-eligible"), after);
  }

  @Test
  void theEntryDataIsJournalledWithTheEntry() {
    results(
        enter(
            "api-welcome",
            body(List.of("api-data"), "{\"coupon\":\"C15\",\"n\":3}"),
            ApiClient.Check.REQUEST_AND_RESPONSE));
    JsonNode decisions = api.get("/v1/customers/api-data/decisions", basic(ADMIN_KEY)).json();
    JsonNode entered = null;
    for (JsonNode decision : decisions.get("decisions")) {
      for (JsonNode event : decision.get("events")) {
        if ("JourneyEntered".equals(event.get("kind").asText())) {
          entered = event;
        }
      }
    }
    assertTrue(entered != null, decisions.toString());
    assertEquals("C15", entered.path("data").path("coupon").asText(), entered.toString());
    assertEquals(3, entered.path("data").path("n").asInt(), entered.toString());
  }

  @Test
  void aResendWithTheSameIdempotencyKeyEntersNobodyTwiceAndGetsTheFirstAnswer() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + NODE.node().httpPort()
                        + "/v1/journeys/api-welcome/entries"))
            .header("Content-Type", "application/json")
            .header("Authorization", basic(ADMIN_KEY))
            .header("Idempotency-Key", "k-resend")
            .POST(HttpRequest.BodyPublishers.ofString(body(List.of("api-resend"), null)))
            .build();
    String first = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    String again = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    assertEquals(first, again);
    assertTrue(first.contains("\"entered\"") || first.contains("\"held-out\""), first);
    JsonNode decisions = api.get("/v1/customers/api-resend/decisions", basic(ADMIN_KEY)).json();
    long entries = 0;
    for (JsonNode decision : decisions.get("decisions")) {
      for (JsonNode event : decision.get("events")) {
        entries += "JourneyEntered".equals(event.get("kind").asText()) ? 1 : 0;
      }
    }
    assertEquals(1, entries, decisions.toString());
  }

  @Test
  void misuseIsAProblemThatSaysWhere() {
    ApiClient.Reply ingest =
        api.send(
            "POST",
            "/v1/journeys/api-welcome/entries",
            body(List.of("x"), null),
            "application/json",
            basic(WRITE_KEY),
            ApiClient.Check.RESPONSE);
    assertEquals(403, ingest.status(), "the public ingest key enters nobody");

    ApiClient.Reply empty = enter("api-welcome", "{\"entries\":[]}", ApiClient.Check.RESPONSE);
    assertEquals(400, empty.status());
    assertEquals("application/problem+json", empty.contentType());
    assertEquals("/entries", empty.json().get("errors").get(0).get("pointer").asText());

    List<String> many = new ArrayList<>();
    IntStream.range(0, 101).forEach(i -> many.add("m" + i));
    assertEquals(400, enter("api-welcome", body(many, null), ApiClient.Check.RESPONSE).status());

    ApiClient.Reply twice =
        enter("api-welcome", body(List.of("a", "a"), null), ApiClient.Check.RESPONSE);
    assertEquals(400, twice.status());
    assertEquals(
        "/entries/1/customerId", twice.json().get("errors").get(0).get("pointer").asText());

    ApiClient.Reply badData =
        enter(
            "api-welcome",
            "{\"entries\":[{\"customerId\":\"a\",\"data\":[1]}]}",
            ApiClient.Check.RESPONSE);
    assertEquals(400, badData.status());
    assertEquals("/entries/0/data", badData.json().get("errors").get(0).get("pointer").asText());

    assertEquals(
        404, enter("nowhere", body(List.of("a"), null), ApiClient.Check.RESPONSE).status());

    ApiClient.Reply noSchedule =
        api.deployJourney(
            "lapsed",
            """
            journey: lapsed
            entry:
              segment: "customer.lastSeen < now - duration('1440h')"
            stages:
              miss-you: {}
            """);
    assertEquals(422, noSchedule.status(), noSchedule.body());
    JsonNode error = noSchedule.json().get("errors").get(0);
    assertEquals(3, error.get("line").asInt(), noSchedule.body());
    assertEquals(3, error.get("column").asInt(), noSchedule.body());
    assertTrue(
        error.get("detail").asText().startsWith("a segment needs a 'schedule'"), noSchedule.body());
  }
}
