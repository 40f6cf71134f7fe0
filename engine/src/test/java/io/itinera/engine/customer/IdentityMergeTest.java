package io.itinera.engine.customer;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.NodeOnFreshDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Segment's identity calls over real HTTP: an anonymous visitor who identifies, or is aliased, is
 * one customer from then on, with what was known about the visitor.
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

  @Test
  void anAliasMergesThePreviousIdAndARepeatedMergeChangesNothing() {
    api.post("/v1/identify", "{\"userId\":\"old-crm-7\",\"traits\":{\"plan\":\"pro\"}}");
    String alias =
        "{\"type\":\"alias\",\"messageId\":\"alias-1\",\"userId\":\"ben\",\"previousId\":\"old-crm-7\"}";
    api.post("/v1/alias", alias);
    assertEquals("pro", customer("ben").at("/traits/plan").asText());
    // The client retries the same call: acknowledged as a repeat, merged once.
    JsonNode again = api.post("/v1/alias", alias).json();
    assertEquals(1, again.get("duplicates").asInt());
    assertEquals(1, customer("ben").get("mergedProfiles").size());
  }
}
