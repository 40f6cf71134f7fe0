package io.itinera.engine;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: a node started on a database, touchpoints posted over real HTTP,
 * the node stopped and a new one started on the same database, and every customer's state found
 * intact, on PostgreSQL and on the embedded H2 file database.
 */
class EngineRestartTest {

  private static final List<String> CUSTOMERS = List.of("ana", "ben", "chloe", "dev");

  @Test
  void stateSurvivesRestartOnPostgres() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("restart")) {
      // Snapshots every 5 events, so recovery goes through a snapshot and the events after it.
      Supplier<ItineraNode> node =
          () ->
              TestNode.start(
                  Map.of("itinera.db.url", database.url(), "itinera.customer.snapshot-every", 5));
      int recorded = postRestartAndCompare(node);
      assertEquals(recorded, database.queryLong("SELECT count(*) FROM event_journal"));
      assertTrue(database.queryLong("SELECT count(*) FROM snapshot") > 0, "snapshots were taken");
    }
  }

  @Test
  void stateSurvivesRestartOnTheEmbeddedDatabase(@TempDir Path dataDir) throws Exception {
    Supplier<ItineraNode> node =
        () ->
            TestNode.start(Map.of("itinera.db.url", "", "itinera.db.data-dir", dataDir.toString()));
    postRestartAndCompare(node);
    assertTrue(dataDir.resolve("itinera.mv.db").toFile().isFile(), "H2 file under the data dir");
  }

  /** Returns how many touchpoints were recorded. */
  private static int postRestartAndCompare(Supplier<ItineraNode> start) throws Exception {
    ItineraNode first = start.get();
    List<JsonNode> before = new ArrayList<>();
    int recorded = 0;
    try {
      assertHealthy(first);
      ApiClient api = new ApiClient(first.httpPort());
      for (String customer : CUSTOMERS) {
        api.post(
            "/v1/identify",
            "{\"userId\":\""
                + customer
                + "\",\"messageId\":\"id-"
                + customer
                + "\",\"traits\":{\"timezone\":\"Europe/Lisbon\"}}");
        recorded++;
      }
      StringBuilder batch = new StringBuilder("{\"batch\":[");
      for (int i = 0; i < 48; i++) {
        batch
            .append(i == 0 ? "" : ",")
            .append("{\"type\":\"track\",\"userId\":\"")
            .append(CUSTOMERS.get(i % CUSTOMERS.size()))
            .append("\",\"event\":\"View ")
            .append(i)
            .append("\",\"messageId\":\"v-")
            .append(i)
            .append("\"}");
      }
      assertEquals(48, api.post("/v1/batch", batch + "]}").json().get("recorded").asInt());
      recorded += 48;
      for (String customer : CUSTOMERS) {
        before.add(api.get("/v1/customers/" + customer, basic(READ_KEY)).json());
      }
    } finally {
      TestNode.stop(first);
    }

    ItineraNode second = start.get();
    try {
      ApiClient api = new ApiClient(second.httpPort());
      for (int i = 0; i < CUSTOMERS.size(); i++) {
        JsonNode after = api.get("/v1/customers/" + CUSTOMERS.get(i), basic(READ_KEY)).json();
        assertEquals(before.get(i), after, "state of " + CUSTOMERS.get(i) + " after restart");
        assertEquals(13, after.get("touchpointCount").asInt());
      }
      // Message ids seen before the restart are still recognised as repeats.
      JsonNode repeat =
          api.post("/v1/track", "{\"userId\":\"ana\",\"event\":\"View 0\",\"messageId\":\"v-0\"}")
              .json();
      assertEquals(1, repeat.get("duplicates").asInt());
    } finally {
      TestNode.stop(second);
    }
    return recorded;
  }

  private static void assertHealthy(ItineraNode node) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String check : List.of("alive", "ready")) {
      int status = 0;
      // Readiness waits for the node to be Up in the cluster; give it a few seconds.
      for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
        status =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + node.managementPort() + "/" + check))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status != 200) {
          Thread.sleep(100);
        }
      }
      assertEquals(200, status, "/" + check);
    }
  }
}
