package io.itinera.engine.customer;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.NodeOnFreshDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Segment's identity calls over real HTTP: an anonymous visitor who identifies, or is aliased, is
 * one customer from then on, with what was known about the visitor. With the public ingest key,
 * only an anonymous profile can be merged so; merging two known customers needs a read key.
 */
class IdentityMergeTest {

  @RegisterExtension static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("identity");

  private static final ApiClient api = NODE.api();

  private static JsonNode customer(String id) {
    return api.get("/v1/customers/" + id, basic(READ_KEY)).json();
  }

  @Test
  void anIdentifiedVisitorsProfileIsMergedAndLaterAnonymousTouchpointsFollow() {
    api.post("/v1/page", "{\"anonymousId\":\"anon-1\",\"name\":\"Running shoes\"}");
    api.post(
        "/v1/identify",
        "{\"anonymousId\":\"anon-1\",\"traits\":{\"size\":\"42\",\"consent\":{\"email\":true}}}");
    api.post(
        "/v1/group", "{\"anonymousId\":\"anon-1\",\"groupId\":\"acme\",\"traits\":{\"seats\":3}}");
    api.post(
        "/v1/group",
        "{\"anonymousId\":\"anon-1\",\"groupId\":\"beta\",\"traits\":{\"plan\":\"free\"}}");
    api.post("/v1/identify", "{\"userId\":\"ana\",\"traits\":{\"name\":\"Ana\",\"size\":\"41\"}}");
    api.post("/v1/group", "{\"userId\":\"ana\",\"groupId\":\"acme\",\"traits\":{\"seats\":9}}");
    api.post("/v1/identify", "{\"userId\":\"ana\",\"anonymousId\":\"anon-1\"}");

    JsonNode ana = customer("ana");
    assertEquals("Ana", ana.at("/traits/name").asText());
    assertEquals("41", ana.at("/traits/size").asText(), "the identified profile's own traits win");
    assertEquals(
        true, ana.at("/journeys/consent/email").asBoolean(), "the visitor's consent came along");
    assertEquals("anon-1", ana.at("/mergedProfiles/0").asText());
    assertEquals(9, ana.at("/groups/acme/seats").asInt(), "the identified profile's group wins");
    assertEquals("free", ana.at("/groups/beta/plan").asText(), "the visitor's group came along");
    assertEquals("ana", customer("anon-1").at("/mergedInto").asText());

    long before = ana.get("touchpointCount").asLong();
    JsonNode reply =
        api.post("/v1/track", "{\"anonymousId\":\"anon-1\",\"event\":\"Product Viewed\"}").json();
    assertEquals(1, reply.get("recorded").asInt());
    assertEquals(
        before + 1,
        customer("ana").get("touchpointCount").asLong(),
        "recorded on the merged profile");
  }

  /** A call from the customer's own backend, with its read key. */
  private static Reply fromServer(String path, String json) {
    return api.send(
        "POST", path, json, "application/json", basic(READ_KEY), Check.REQUEST_AND_RESPONSE);
  }

  @Test
  void anAliasMergesThePreviousIdAndARepeatedMergeChangesNothing() {
    api.post("/v1/identify", "{\"userId\":\"old-crm-7\",\"traits\":{\"plan\":\"pro\"}}");
    String alias =
        "{\"type\":\"alias\",\"messageId\":\"alias-1\",\"userId\":\"ben\",\"previousId\":\"old-crm-7\"}";
    fromServer("/v1/alias", alias);
    assertEquals("pro", customer("ben").at("/traits/plan").asText());
    // The client retries the same call: acknowledged as a repeat, merged once.
    JsonNode again = fromServer("/v1/alias", alias).json();
    assertEquals(1, again.get("duplicates").asInt());
    assertEquals(1, customer("ben").get("mergedProfiles").size());
  }

  @Test
  void thePublicKeyCannotMergeAKnownCustomerIntoAnother() {
    api.post(
        "/v1/identify", "{\"userId\":\"victim\",\"traits\":{\"email\":\"victim@example.com\"}}");
    api.post("/v1/identify", "{\"userId\":\"attacker\"}");

    Reply takeover =
        api.send(
            "POST",
            "/v1/alias",
            "{\"previousId\":\"victim\",\"userId\":\"attacker\"}",
            "application/json",
            basic(WRITE_KEY),
            Check.RESPONSE);
    assertEquals(400, takeover.status(), takeover.body());
    assertEquals("/previousId", takeover.json().at("/errors/0/pointer").asText());
    assertTrue(takeover.json().get("detail").asText().contains("read or admin key"));

    api.post("/v1/track", "{\"userId\":\"victim\",\"event\":\"Product Viewed\"}");
    JsonNode victim = customer("victim");
    assertTrue(victim.path("mergedInto").isMissingNode(), victim.toString());
    assertEquals(2, victim.get("touchpointCount").asInt(), "the victim's events stay theirs");
    JsonNode attacker = customer("attacker");
    assertTrue(attacker.path("mergedProfiles").isMissingNode(), attacker.toString());
    assertTrue(attacker.path("traits").path("email").isMissingNode(), "nothing leaked");

    // In a batch, only that message is refused; identify's anonymousId is held to the same rule.
    Reply batch =
        api.post(
            "/v1/batch",
            """
            {"batch":[
              {"type":"track","userId":"attacker","event":"Product Viewed"},
              {"type":"identify","userId":"attacker","anonymousId":"victim"}]}""");
    assertEquals(200, batch.status(), batch.body());
    assertEquals(1, batch.json().get("recorded").asInt());
    assertEquals(1, batch.json().at("/rejected/0/index").asInt());
    assertEquals("/batch/1/anonymousId", batch.json().at("/rejected/0/errors/0/pointer").asText());
    assertTrue(customer("victim").path("mergedInto").isMissingNode());

    // The customer's own backend may merge two known customers.
    assertEquals(
        200,
        fromServer("/v1/alias", "{\"previousId\":\"victim\",\"userId\":\"attacker\"}").status());
    assertEquals("attacker", customer("victim").at("/mergedInto").asText());
  }

  @Test
  void thePublicKeyCannotClaimAnIdBeforeItsOwnerShowsUp() {
    Reply claim = api.post("/v1/alias", "{\"previousId\":\"future-user\",\"userId\":\"claimant\"}");
    assertEquals(200, claim.status(), "nothing to merge: recorded, not refused");
    api.post("/v1/identify", "{\"userId\":\"future-user\",\"traits\":{\"name\":\"Fay\"}}");
    JsonNode owner = customer("future-user");
    assertTrue(owner.path("mergedInto").isMissingNode(), owner.toString());
    assertEquals("Fay", owner.at("/traits/name").asText());
    assertFalse(customer("claimant").has("mergedProfiles"));
  }
}
