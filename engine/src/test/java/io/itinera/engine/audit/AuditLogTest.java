package io.itinera.engine.audit;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.gateway.KeyIds;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.NodeOnFreshDatabase;
import io.itinera.engine.support.TestJourneys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Admin changes leave one audit entry each, naming the key that made them, on PostgreSQL. */
class AuditLogTest {

  @RegisterExtension static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("audit");

  private static final ApiClient api = NODE.api();

  private static final String ADMIN = KeyIds.of(ADMIN_KEY);

  /** Never in an entry: a channel's secret. */
  private static final String SECRET = "whsec_AuditMustNeverHoldThis0000000000";

  @Test
  void aDeployAChannelChangeAndARetryEachLeaveOneEntryNamingTheKey() throws Exception {
    Reply dryRun =
        api.send(
            "PUT",
            "/v1/journeys/welcome?dryRun=true",
            TestJourneys.WELCOME,
            "application/yaml",
            basic(ADMIN_KEY),
            Check.RESPONSE);
    assertEquals(200, dryRun.status(), dryRun.body());
    assertEquals(201, api.deployJourney("welcome", TestJourneys.WELCOME).status());
    String actionId = welcomeAction("ann");
    Reply put =
        api.send(
            "PUT",
            "/v1/channels/web",
            "{\"url\":\"https://93.184.215.14/hooks/web?token=t0ken\",\"secret\":\""
                + SECRET
                + "\"}",
            "application/json",
            basic(ADMIN_KEY),
            Check.REQUEST_AND_RESPONSE);
    assertEquals(201, put.status(), put.body());
    Reply retry =
        api.send(
            "POST",
            "/v1/deliveries/" + actionId + "/retry",
            null,
            null,
            basic(ADMIN_KEY),
            Check.REQUEST_AND_RESPONSE);
    assertEquals(202, retry.status(), retry.body());

    // The newest three: the other tests of the class made their changes before or after.
    List<JsonNode> entries = entries(api.get("/v1/audit?limit=3", basic(ADMIN_KEY)));
    assertEquals(1, entries(api.get("/v1/audit?action=journey.deploy", basic(ADMIN_KEY))).size());
    assertEquals(
        List.of("delivery.retry", "channel.put", "journey.deploy"),
        entries.stream().map(e -> e.get("action").asText()).toList(),
        "one each, newest first; the dry run changed nothing");
    assertEquals(
        List.of(actionId, "web", "welcome"),
        entries.stream().map(e -> e.get("target").asText()).toList());
    for (JsonNode entry : entries) {
      assertEquals(ADMIN, entry.get("who").asText(), entry.toString());
      assertFalse(entry.toString().contains(SECRET), entry.toString());
      assertFalse(entry.toString().contains("t0ken"), entry.toString());
      assertFalse(entry.toString().contains(ADMIN_KEY), entry.toString());
      assertTrue(
          Duration.between(Instant.parse(entry.get("at").asText()), Instant.now()).toMinutes() < 1);
    }
    assertEquals(1, entries.get(2).get("detail").get("version").asInt());
    assertEquals("web", entries.get(0).get("detail").get("channel").asText());
    assertTrue(entries.get(1).get("detail").get("created").asBoolean());
  }

  @Test
  void theLogPagesNewestFirstFiltersAndRefusesBadParametersAndOtherKeys() {
    for (String channel : List.of("a1", "a2", "a3")) {
      Reply put =
          api.send(
              "PUT",
              "/v1/channels/" + channel,
              "{\"url\":\"https://93.184.215.14/hooks/" + channel + "\"}",
              "application/json",
              basic(ADMIN_KEY),
              Check.REQUEST_AND_RESPONSE);
      assertEquals(201, put.status(), put.body());
    }
    assertEquals(
        204,
        api.send("DELETE", "/v1/channels/a2", null, null, basic(ADMIN_KEY), Check.RESPONSE)
            .status());

    Reply first = api.get("/v1/audit?action=channel.put&limit=2", basic(ADMIN_KEY));
    List<JsonNode> page = entries(first);
    assertEquals(List.of("a3", "a2"), page.stream().map(e -> e.get("target").asText()).toList());
    String next = first.json().get("next").asText();
    Reply second = api.get("/v1/audit?action=channel.put&limit=2&after=" + next, basic(ADMIN_KEY));
    List<String> rest = entries(second).stream().map(e -> e.get("target").asText()).toList();
    assertTrue(rest.contains("a1") && !rest.contains("a2"), rest.toString());
    List<JsonNode> deleted = entries(api.get("/v1/audit?action=channel.delete", basic(ADMIN_KEY)));
    assertEquals(1, deleted.size());
    assertEquals(ADMIN, deleted.get(0).get("who").asText());
    assertEquals(0, entries(api.get("/v1/audit?who=k-0000000000000000", basic(ADMIN_KEY))).size());
    assertFalse(entries(api.get("/v1/audit?who=" + ADMIN, basic(ADMIN_KEY))).isEmpty());

    assertEquals(400, badRequest("/v1/audit?action=DROP%20TABLE").status());
    assertEquals(400, badRequest("/v1/audit?who=dev-admin-key").status());
    assertEquals(400, badRequest("/v1/audit?limit=0").status());
    assertEquals(403, api.get("/v1/audit", basic(WRITE_KEY)).status());
    assertEquals(
        405,
        api.send("DELETE", "/v1/audit", null, null, basic(ADMIN_KEY), Check.NOTHING).status(),
        "no route changes or deletes an entry");
  }

  @Test
  void postgresqlRefusesToChangeOrDeleteAnEntry() {
    assertEquals(
        201,
        api.send(
                "PUT",
                "/v1/channels/kept",
                "{\"url\":\"https://93.184.215.14/hooks/kept\"}",
                "application/json",
                basic(ADMIN_KEY),
                Check.REQUEST_AND_RESPONSE)
            .status());
    long entries = NODE.database().queryLong("SELECT count(*) FROM audit_log");
    for (String sql :
        List.of(
            "UPDATE audit_log SET who = 'k-0000000000000000' RETURNING id",
            "DELETE FROM audit_log RETURNING id",
            "TRUNCATE audit_log")) {
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> NODE.database().query(sql, r -> 1));
      assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
    }
    assertEquals(entries, NODE.database().queryLong("SELECT count(*) FROM audit_log"));
  }

  private static Reply badRequest(String path) {
    return api.send("GET", path, null, null, basic(ADMIN_KEY), Check.RESPONSE);
  }

  private static List<JsonNode> entries(Reply reply) {
    assertEquals(200, reply.status(), reply.body());
    List<JsonNode> entries = new ArrayList<>();
    reply.json().get("entries").forEach(entries::add);
    return entries;
  }

  /** Signs a customer up; the id of the welcome action it got, once it waits in the queue. */
  private static String welcomeAction(String customer) throws InterruptedException {
    Reply signedUp =
        api.post("/v1/track", "{\"userId\":\"" + customer + "\",\"event\":\"Signed Up\"}");
    String id = signedUp.json().get("actions").get(0).get("id").asText();
    Instant deadline = Instant.now().plusSeconds(10);
    while (api.send("GET", "/v1/deliveries/" + id, null, null, basic(ADMIN_KEY), Check.RESPONSE)
            .status()
        != 200) {
      assertTrue(Instant.now().isBefore(deadline), "the action reaches the queue");
      Thread.sleep(50);
    }
    return id;
  }
}
