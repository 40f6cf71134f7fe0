package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure on the embedded H2 database, searched byte by byte in its file. H2's MVStore never
 * updates in place: deleted rows stay in free space of the file while it is open (and after a
 * normal close, which compacts for 200 ms at most), and no SQL compacts an open file; so the test
 * holds the engine to what docs/security/erasure.md promises: rows gone from every table at once,
 * bytes gone from the file after the operator's {@code SHUTDOWN COMPACT} on the stopped node.
 * Should H2 ever keep the marker after that, or stop keeping it before, this fails and the document
 * is revisited.
 */
class ErasureOnH2Test {

  @Test
  void anErasedCustomerLeavesNoMarkerInTheEmbeddedFile(@TempDir Path dataDir) throws Exception {
    Path file = dataDir.resolve("itinera.mv.db");
    ItineraNode node =
        TestNode.start(Map.of("itinera.db.url", "", "itinera.db.data-dir", dataDir.toString()));
    try {
      ApiClient api = new ApiClient(node.httpPort());
      api.deployJourney("cart", TestJourneys.cartReminder("cart", 1, "1h", "cart-reminder"));
      api.deployJourney("welcome", TestJourneys.WELCOME);
      ErasureTest.writeCustomer(api);
      ErasureTest.await(
          "the marker is in the file", () -> holdsMarker(file) && ErasureTest.delivered(api));
      ErasureTest.erase(api, ErasureTest.USER);
      assertTrue(holdsMarker(file), "H2 keeps deleted rows in free space of its file");
      assertEquals(404, ErasureTest.read(api, ErasureTest.USER).status());
    } finally {
      TestNode.stop(node);
    }
    shutdownCompact(dataDir);
    assertTrue(Files.size(file) > 0);
    assertFalse(holdsMarker(file), "no marker in the H2 file once compacted");
  }

  /** What an operator runs on the stopped node's file (docs/security/erasure.md). */
  private static void shutdownCompact(Path dataDir) throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("itinera"), "sa", "");
        Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN COMPACT");
    }
  }

  private static boolean holdsMarker(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      byte[] marker = ErasureTest.MARKER.getBytes(StandardCharsets.UTF_8);
      return indexOf(bytes, marker) >= 0;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int indexOf(byte[] bytes, byte[] marker) {
    outer:
    for (int i = 0; i + marker.length <= bytes.length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (bytes[i + j] != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
