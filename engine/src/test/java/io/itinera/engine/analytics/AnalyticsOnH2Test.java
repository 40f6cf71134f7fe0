package io.itinera.engine.analytics;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analytics tables on the embedded H2 default: its migration, its MERGE upserts and the quoted
 * "day" column (a keyword in H2) count the same funnel as the customers' journals hold.
 */
class AnalyticsOnH2Test {

  @Test
  void theFunnelOnTheEmbeddedDatabaseEqualsTheJournal(@TempDir Path dataDir) throws Exception {
    ItineraNode node =
        TestNode.start(Map.of("itinera.db.url", "", "itinera.db.data-dir", dataDir.toString()));
    try {
      ApiClient api = new ApiClient(node.httpPort());
      assertEquals(
          201, api.deployJourney(FunnelPopulation.JOURNEY, FunnelPopulation.YAML).status());
      FunnelPopulation population = new FunnelPopulation("h2", 60);
      population.drive(api, emitted -> Map.of());
      Map<String, Long> direct = population.directCount(node.system());
      FunnelPopulation.await(
          "the analytics count what the journals hold",
          Duration.ofSeconds(30),
          () ->
              FunnelPopulation.reported(
                      api.get("/v1/journeys/shoe-funnel/analytics", basic(READ_KEY)).json())
                  .equals(direct));
    } finally {
      TestNode.stop(node);
    }
  }
}
