package io.itinera.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthChecksRouteTest {

  /** A readiness check the test opens and closes. */
  public static final class Gate implements Supplier<CompletionStage<Boolean>> {
    static volatile boolean open;

    public Gate(ActorSystem system) {}

    @Override
    public CompletionStage<Boolean> get() {
      return CompletableFuture.completedFuture(open);
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void notReadyIsServiceUnavailableWithTheFailingCheckAndReadyIsOk(@TempDir Path dataDir)
      throws Exception {
    Gate.open = false;
    ItineraNode node =
        TestNode.start(
            Map.of(
                "itinera.db.url", "",
                "itinera.db.data-dir", dataDir.toString(),
                "pekko.management.health-checks.readiness-checks.gate", Gate.class.getName()));
    try {
      HttpResponse<String> notReady = get(node, "/ready");
      assertEquals(503, notReady.statusCode(), notReady.body());
      assertTrue(notReady.body().startsWith("Not Healthy: "), notReady.body());
      assertEquals(200, get(node, "/alive").statusCode());

      Gate.open = true;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int status = get(node, "/ready").statusCode();
      while (status != 200 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        status = get(node, "/ready").statusCode();
      }
      assertEquals(200, status, "the node became Up and its journal answers");
    } finally {
      TestNode.stop(node);
    }
  }

  private HttpResponse<String> get(ItineraNode node, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
