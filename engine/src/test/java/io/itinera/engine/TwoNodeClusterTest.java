package io.itinera.engine;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.NodeProcess;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one cluster on one database: a customer written through one node is read through the
 * other, so sharding routes to the single entity wherever it lives and commands, replies and state
 * cross the wire in our serialization.
 */
class TwoNodeClusterTest {

  @Test
  void customerWrittenThroughOneNodeIsReadThroughTheOther() throws Exception {
    int seedPort = NodeProcess.freePort();
    List<String> seeds = List.of("pekko://itinera@127.0.0.1:" + seedPort);
    try (TestDatabase database = TestDatabase.createFresh("cluster")) {
      ItineraNode first =
          TestNode.start(
              Map.of(
                  "itinera.db.url", database.url(),
                  "pekko.remote.artery.canonical.port", seedPort,
                  "pekko.cluster.seed-nodes", seeds));
      ItineraNode second =
          TestNode.start(
              Map.of("itinera.db.url", database.url(), "pekko.cluster.seed-nodes", seeds));
      try {
        ApiClient viaFirst = new ApiClient(first.httpPort());
        ApiClient viaSecond = new ApiClient(second.httpPort());
        for (int i = 0; i < 20; i++) {
          viaFirst.post(
              "/v1/identify",
              "{\"userId\":\"member-"
                  + i
                  + "\",\"traits\":{\"tier\":\"gold\",\"visits\":"
                  + i
                  + "}}");
        }
        for (int i = 0; i < 20; i++) {
          var customer = viaSecond.get("/v1/customers/member-" + i, basic(READ_KEY)).json();
          assertEquals(i, customer.get("traits").get("visits").asInt());
        }
        assertEquals(
            20, database.queryLong("SELECT count(DISTINCT persistence_id) FROM event_journal"));
      } finally {
        TestNode.stop(second);
        TestNode.stop(first);
      }
    }
  }
}
