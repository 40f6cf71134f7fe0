package io.itinera.engine.gateway;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.engine.storage.StorageExtension;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keys made, listed, rotated and revoked through {@code /v1/keys}: a secret is shown once and works
 * at once on the node that made it, a rotated key's old secret works until its overlap ends, a
 * revoked key stops at once, and a key's own rate limit is answered with 429 and Retry-After.
 */
class KeyRoutesTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("gateway");

  private static final ApiClient api = NODE.api();

  private static Reply admin(String method, String path, String body) {
    return api.send(
        method,
        path,
        body,
        body == null ? null : "application/json",
        basic(ADMIN_KEY),
        Check.REQUEST_AND_RESPONSE);
  }

  private static JsonNode create(String scope, String rateLimit) {
    Reply made =
        admin(
            "POST",
            "/v1/keys",
            "{\"name\":\"test "
                + scope
                + "\",\"scope\":\""
                + scope
                + "\""
                + (rateLimit == null ? "" : ",\"rateLimit\":" + rateLimit)
                + "}");
    assertEquals(201, made.status(), made.body());
    return made.json();
  }

  private static int track(String key) {
    String body = "{\"userId\":\"key-%s\",\"event\":\"Key Tried\"}".formatted(UUID.randomUUID());
    return api.send("POST", "/v1/track", body, "application/json", basic(key), Check.RESPONSE)
        .status();
  }

  private static int readCustomer(String key) {
    return api.send("GET", "/v1/customers/nobody", null, null, basic(key), Check.RESPONSE).status();
  }

  @Test
  void aCreatedKeyWorksInItsScopeAndIsListedWithoutItsSecret() {
    JsonNode ingest = create("ingest", null);
    String secret = ingest.get("secret").asText();
    assertEquals(43, secret.length(), "32 random bytes, base64url without padding");
    assertEquals(KeyIds.of(secret), ingest.get("id").asText());

    assertEquals(200, track(secret));
    assertEquals(403, readCustomer(secret), "an ingest key does not read customers");
    JsonNode read = create("read", null);
    assertEquals(404, readCustomer(read.get("secret").asText()), "a read key does");

    Reply list = admin("GET", "/v1/keys", null);
    assertEquals(200, list.status());
    assertFalse(list.body().contains(secret), "the list never shows a secret");
    assertTrue(list.body().contains(ingest.get("id").asText()));
    assertTrue(
        list.body().contains(KeyIds.of(READ_KEY)), "the environment's keys are listed by id");
  }

  @Test
  void aRotatedKeysOldSecretWorksUntilTheOverlapEndsAndARevokedKeyStopsAtOnce() {
    JsonNode first = create("read", null);
    String oldSecret = first.get("secret").asText();
    String id = first.get("id").asText();

    Reply rotated = admin("POST", "/v1/keys/" + id + "/rotate", null);
    assertEquals(201, rotated.status(), rotated.body());
    String newSecret = rotated.json().get("secret").asText();
    assertEquals(id, rotated.json().get("replaces").asText());
    assertEquals(404, readCustomer(newSecret));
    assertEquals(404, readCustomer(oldSecret), "the old secret works within the overlap");

    Reply again =
        admin(
            "POST",
            "/v1/keys/" + rotated.json().get("id").asText() + "/rotate?overlapSeconds=0",
            null);
    assertEquals(201, again.status(), again.body());
    assertEquals(401, readCustomer(newSecret), "an overlap of 0 ends the old secret at once");
    assertEquals(404, readCustomer(again.json().get("secret").asText()));

    assertEquals(
        204, admin("DELETE", "/v1/keys/" + again.json().get("id").asText(), null).status());
    assertEquals(401, readCustomer(again.json().get("secret").asText()), "revoked at once");
    assertEquals(
        404, admin("DELETE", "/v1/keys/" + again.json().get("id").asText(), null).status());
    assertEquals(409, admin("DELETE", "/v1/keys/" + KeyIds.of(ADMIN_KEY), null).status());

    // Each change is in the audit log, by the admin key's id, and no secret is.
    String audit = admin("GET", "/v1/audit?who=" + KeyIds.of(ADMIN_KEY), null).body();
    for (String action : new String[] {"key.create", "key.rotate", "key.revoke"}) {
      assertTrue(audit.contains("\"" + action + "\""), action + " in " + audit);
    }
    assertTrue(audit.contains("\"target\":\"" + id + "\""), "the rotation names the old key");
    for (String secret : new String[] {oldSecret, newSecret}) {
      assertFalse(audit.contains(secret), "no secret in the audit log");
    }
  }

  /**
   * Another node's ring (here a second ring on the same table) learns of a key made through this
   * node, and of its revocation, at its next reload (every itinera.keys.refresh-interval).
   */
  @Test
  void otherNodesSeeANewKeyAndARevocationAtTheirNextReload() throws Exception {
    KeyRing elsewhere =
        new KeyRing(
            ApiKeys.from(NODE.node().system().settings().config()),
            new KeyStore(StorageExtension.get(NODE.node().system()).dataSource()),
            BlockingSql.of(NODE.node().system()),
            Clock.systemUTC());
    JsonNode made = create("read", null);
    String secret = made.get("secret").asText();
    assertTrue(elsewhere.find(secret).isEmpty(), "not before its reload");
    elsewhere.reload().toCompletableFuture().get();
    assertTrue(elsewhere.find(secret).isPresent(), "the new key is seen");
    assertEquals(204, admin("DELETE", "/v1/keys/" + made.get("id").asText(), null).status());
    elsewhere.reload().toCompletableFuture().get();
    assertTrue(elsewhere.find(secret).isEmpty(), "the revocation is seen");
  }

  @Test
  void aKeyOverItsRateLimitGets429WithRetryAfter() {
    String secret = create("ingest", "{\"perSecond\":1,\"burst\":2}").get("secret").asText();
    assertEquals(200, track(secret));
    assertEquals(200, track(secret));
    Reply limited =
        api.send(
            "POST",
            "/v1/track",
            "{\"userId\":\"key-limited\",\"event\":\"Key Tried\"}",
            "application/json",
            basic(secret),
            Check.RESPONSE);
    assertEquals(429, limited.status(), limited.body());
    assertEquals("rate-limited", limited.json().get("code").asText());
    assertTrue(Integer.parseInt(limited.header("Retry-After").orElseThrow()) >= 1);
  }

  @Test
  void anInvalidKeyRequestSaysWhatIsWrong() {
    Reply bad =
        api.send(
            "POST",
            "/v1/keys",
            "{\"name\":\"\",\"scope\":\"root\"}",
            "application/json",
            basic(ADMIN_KEY),
            Check.RESPONSE);
    assertEquals(400, bad.status());
    assertEquals(2, bad.json().get("errors").size(), bad.body());
  }
}
