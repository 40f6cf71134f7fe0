package io.itinera.engine.customer;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * GDPR export and erasure on PostgreSQL, end to end: a customer and the anonymous profile merged
 * into them, written with marker strings in traits, properties and a removed trait, with a
 * delivery, a pending timer and a snapshot, are exported whole, then erased; afterwards no table of
 * the database holds a marker (journal payloads searched as the bytes they are stored as), the
 * customer reads as never seen, a new touchpoint starts afresh, and a restarted node agrees.
 */
class ErasureTest {

  static final String USER = "erasure-user";
  static final String ANONYMOUS = "erasure-anon";
  static final String MARKER = "mk" + UUID.randomUUID().toString().replace("-", "");

  @Test
  void anErasedCustomerLeavesNoMarkerInAnyTableAndStartsAfresh() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("erasure")) {
      ItineraNode node = TestNode.onPostgres(database);
      try {
        ApiClient api = new ApiClient(node.httpPort());
        api.deployJourney("cart", TestJourneys.cartReminder("cart", 1, "1h", "cart-reminder"));
        api.deployJourney("welcome", TestJourneys.WELCOME);
        writeCustomer(api);
        await(
            "the delivery, the due timer and a snapshot are written",
            () ->
                database.queryLong("SELECT count(*) FROM deliveries") >= 1
                    && database.queryLong("SELECT count(*) FROM due_timers") == 1
                    && database.queryLong("SELECT count(*) FROM snapshot") >= 1);
        assertFalse(tablesHolding(database).isEmpty(), "the search finds the marker before");

        JsonNode export = api.get("/v1/customers/" + USER + "/export", basic(READ_KEY)).json();
        assertTrue(export.toString().contains(MARKER + "@example.com"), "traits are exported");
        assertTrue(export.get("journal").size() > 100, "every event is exported");
        assertEquals(1, export.get("deliveries").size());
        assertEquals(1, export.get("pendingTimers").size());
        assertEquals(ANONYMOUS, export.at("/mergedProfileJournals/0/customerId").asText());
        assertTrue(
            export.at("/mergedProfileJournals/0/journal").toString().contains(MARKER + "-anon"),
            "the merged profile's own touchpoints are exported");

        JsonNode erased = erase(api, USER);
        assertEquals(1, erased.get("mergedProfiles").asInt());
        assertTrue(erased.get("events").asLong() > 100, erased.toString());
        assertEquals(Map.of(), tablesHolding(database), "no marker left in any table");
        JsonNode audited =
            api.get("/v1/audit?action=customer.erase", basic(ADMIN_KEY)).json().get("entries");
        assertEquals(1, audited.size(), audited.toString());
        assertFalse(audited.toString().contains(USER), "the audit log names no erased id");
        // ...but whoever knows the id finds its entry: the first 16 hex digits of its SHA-256.
        String digest =
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(USER.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    0,
                    8);
        assertEquals("customer " + digest, audited.at("/0/target").asText(), audited.toString());
        assertEquals(erased.get("events").asLong(), audited.at("/0/detail/events").asLong());
        assertEquals(404, read(api, USER).status());
        assertEquals(404, read(api, ANONYMOUS).status());
        assertEquals(404, api.get("/v1/customers/" + USER + "/export", basic(READ_KEY)).status());

        api.post("/v1/track", "{\"userId\":\"" + USER + "\",\"event\":\"Came Back\"}");
        JsonNode fresh = read(api, USER).json();
        assertEquals(1, fresh.get("touchpointCount").asInt(), "a fresh customer");
        assertEquals(0, fresh.get("traits").size());
      } finally {
        TestNode.stop(node);
      }

      ItineraNode restarted = TestNode.onPostgres(database);
      try {
        ApiClient api = new ApiClient(restarted.httpPort());
        JsonNode after = read(api, USER).json();
        assertEquals(1, after.get("touchpointCount").asInt(), "still erased after a restart");
        assertEquals(404, read(api, ANONYMOUS).status());
        assertEquals(Map.of(), tablesHolding(database), "no marker after a restart");
      } finally {
        TestNode.stop(restarted);
      }
    }
  }

  @Test
  void erasingAnAliasErasesItsOwnProfileAndNamesTheCustomerItWentTo() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("erasure_alias")) {
      ItineraNode node = TestNode.onPostgres(database);
      try {
        ApiClient api = new ApiClient(node.httpPort());
        Reply refused = delete(api, "nobody", basic(WRITE_KEY));
        assertEquals(403, refused.status(), "a write (ingest) key cannot erase");
        assertEquals(404, delete(api, "nobody", basic(ADMIN_KEY)).status(), "never seen");
        assertEquals(0, database.queryLong("SELECT count(*) FROM event_journal"), "no marker");

        api.post("/v1/page", "{\"anonymousId\":\"device-1\",\"name\":\"Shoes\"}");
        api.post("/v1/identify", "{\"userId\":\"keeper\",\"anonymousId\":\"device-1\"}");
        JsonNode erased = erase(api, "device-1");
        assertEquals("keeper", erased.get("mergedInto").asText());
        assertEquals(0, erased.get("mergedProfiles").asInt());
        assertEquals(404, read(api, "device-1").status());
        JsonNode keeper = read(api, "keeper").json();
        assertEquals(
            "device-1",
            keeper.at("/mergedProfiles/0").asText(),
            "the customer it went to is not erased");
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private record Reply(int status, JsonNode json) {}

  /**
   * The anonymous visitor browses and identifies; the customer signs up (a web action, queued),
   * adds to cart (a timer), has a trait set then removed, and writes over a hundred events (a
   * snapshot); then the visitor is merged into the customer.
   */
  static void writeCustomer(ApiClient api) {
    api.post(
        "/v1/page",
        "{\"anonymousId\":\""
            + ANONYMOUS
            + "\",\"name\":\"Shoes\",\"properties\":{\"note\":\""
            + MARKER
            + "-anon-prop\"}}");
    api.post(
        "/v1/identify",
        "{\"anonymousId\":\"" + ANONYMOUS + "\",\"traits\":{\"nick\":\"" + MARKER + "-anon\"}}");
    api.post(
        "/v1/identify",
        "{\"userId\":\""
            + USER
            + "\",\"traits\":{\"email\":\""
            + MARKER
            + "@example.com\",\"secret\":\""
            + MARKER
            + "-removed\",\"consent\":{\"email\":true,\"web\":true}}}");
    api.post("/v1/identify", "{\"userId\":\"" + USER + "\",\"traits\":{\"secret\":null}}");
    api.post(
        "/v1/track",
        "{\"userId\":\""
            + USER
            + "\",\"event\":\"Signed Up\",\"properties\":{\"c\":\""
            + MARKER
            + "-signup\"}}");
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < 110; i++) {
      batch.add(
          "{\"type\":\"track\",\"userId\":\""
              + USER
              + "\",\"event\":\"Viewed\",\"properties\":{\"p\":\""
              + MARKER
              + "-view-"
              + i
              + "\"}}");
    }
    api.post("/v1/batch", "{\"batch\":[" + String.join(",", batch) + "]}");
    api.post(
        "/v1/track",
        "{\"userId\":\""
            + USER
            + "\",\"event\":\"Product Added\",\"properties\":{\"sku\":\""
            + MARKER
            + "-sku\"}}");
    api.post("/v1/identify", "{\"userId\":\"" + USER + "\",\"anonymousId\":\"" + ANONYMOUS + "\"}");
  }

  /** Whether the customer's web action is in the delivery queue (the export lists it). */
  static boolean delivered(ApiClient api) {
    return api.get("/v1/customers/" + USER + "/export", basic(READ_KEY))
            .json()
            .get("deliveries")
            .size()
        == 1;
  }

  static JsonNode erase(ApiClient api, String customerId) {
    Reply erased = delete(api, customerId, basic(ADMIN_KEY));
    assertEquals(200, erased.status(), String.valueOf(erased.json()));
    return erased.json();
  }

  private static Reply delete(ApiClient api, String customerId, String authorization) {
    ApiClient.Reply reply =
        api.send(
            "DELETE",
            "/v1/customers/" + customerId,
            null,
            null,
            authorization,
            Check.REQUEST_AND_RESPONSE);
    return new Reply(reply.status(), reply.json());
  }

  static ApiClient.Reply read(ApiClient api, String customerId) {
    return api.get("/v1/customers/" + customerId, basic(READ_KEY));
  }

  /**
   * Every table of the database's public schema that holds the marker, with how many rows: each row
   * cast to text, and each bytea column (journal and snapshot payloads, CBOR, whose strings are
   * stored as UTF-8 bytes) searched as bytes.
   */
  static Map<String, Long> tablesHolding(TestDatabase database) {
    Map<String, List<String>> byteaColumns = new LinkedHashMap<>();
    database.query(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
            + " WHERE table_schema = 'public' ORDER BY table_name",
        row -> {
          List<String> columns =
              byteaColumns.computeIfAbsent(row.getString(1), table -> new ArrayList<>());
          if (row.getString(3).equals("bytea")) {
            columns.add(row.getString(2));
          }
          return null;
        });
    Map<String, Long> holding = new LinkedHashMap<>();
    byteaColumns.forEach(
        (table, bytea) -> {
          StringBuilder where = new StringBuilder("t::text LIKE '%" + MARKER + "%'");
          for (String column : bytea) {
            where
                .append(" OR position(convert_to('")
                .append(MARKER)
                .append("', 'UTF8') IN t.\"")
                .append(column)
                .append("\") > 0");
          }
          long rows = database.queryLong("SELECT count(*) FROM \"" + table + "\" t WHERE " + where);
          if (rows > 0) {
            holding.put(table, rows);
          }
        });
    return holding;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting until " + what);
      }
      Thread.sleep(100);
    }
  }
}
