package io.itinera.engine.entry;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.storage.StorageExtension;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The customer index and entry runs on the embedded H2 default (its V12 keeps JSON as text and
 * upserts with MERGE): a broadcast enters the customers its segment matches, once, and an erasure
 * takes the customer out of the index.
 */
class EntryRunsOnH2Test {

  private static final String PRO_BROADCAST =
      """
      journey: pro-news
      entry:
        segment: "has(customer.traits.plan) && customer.traits.plan == 'pro'"
        broadcast: true
      stages:
        told:
          on:
            - event: Never
              goto: done
        done: {}
      """;

  @Test
  void aBroadcastEntersTheSegmentOnceOnTheEmbeddedDatabase(@TempDir Path dataDir) throws Exception {
    ItineraNode node =
        TestNode.start(
            Map.of(
                "itinera.db.url",
                "",
                "itinera.db.data-dir",
                dataDir.toString(),
                "itinera.entry-runs.tick",
                "200ms"));
    try {
      ApiClient api = new ApiClient(node.httpPort());
      api.post("/v1/identify", "{\"userId\":\"pat\",\"traits\":{\"plan\":\"pro\"}}");
      api.post("/v1/identify", "{\"userId\":\"sam\",\"traits\":{\"plan\":\"free\"}}");
      EntryRunsTest.await(
          "both are in the index", () -> indexed(node, "pat") && indexed(node, "sam"));
      assertEquals(201, api.deployJourney("pro-news", PRO_BROADCAST).status());
      EntryRunsTest.await(
          "the broadcast finished", () -> EntryRunsTest.finishedRuns(api, "pro-news") == 1);
      JsonNode run = EntryRunsTest.runs(api, "pro-news").get(0);
      assertEquals("pro-news:1:broadcast", run.get("runId").asText());
      assertEquals(1, run.get("entered").asLong(), run.toString());
      assertEquals(1, EntryRunsTest.entries(api, "pat"));
      assertEquals(0, EntryRunsTest.entries(api, "sam"));
      Thread.sleep(1_000);
      assertEquals(1, EntryRunsTest.runs(api, "pro-news").size(), "a version broadcasts once");
      api.send(
          "DELETE",
          "/v1/customers/pat",
          null,
          null,
          basic(ADMIN_KEY),
          ApiClient.Check.REQUEST_AND_RESPONSE);
      EntryRunsTest.await("the erasure took pat out of the index", () -> !indexed(node, "pat"));
    } finally {
      TestNode.stop(node);
    }
  }

  /** Whether the node's index has a row for the customer, read through its own pool. */
  private static boolean indexed(ItineraNode node, String customer) {
    try (Connection connection = StorageExtension.get(node.system()).dataSource().getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT count(*) FROM customer_index WHERE customer_id = ?")) {
      query.setString(1, customer);
      try (ResultSet result = query.executeQuery()) {
        result.next();
        return result.getLong(1) == 1;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
