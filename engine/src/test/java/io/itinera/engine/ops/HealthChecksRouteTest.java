package io.itinera.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The health route on its own, over a bare actor system with one readiness check the test opens and
 * closes. (That a node serves it on its management port, and answers 503 while its database is
 * down, is {@code DatabaseOutageTest}'s.)
 */
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

  private static final HttpClient http = HttpClient.newHttpClient();
  private static ActorSystem system;
  private static ServerBinding binding;

  @BeforeAll
  static void serve() throws Exception {
    system =
        ActorSystem.create(
            "health",
            // The library's cluster-membership check needs a cluster: only the gate decides here.
            ConfigFactory.parseString(
                    "pekko.management.health-checks.readiness-checks {"
                        + " cluster-membership = \"\", gate = \""
                        + Gate.class.getName()
                        + "\" }")
                .withFallback(ConfigFactory.defaultReference()));
    HealthChecksRoute route = new HealthChecksRoute((ExtendedActorSystem) system);
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(
                route.routes(
                    ManagementRouteProviderSettings.create(Uri.create("http://127.0.0.1"))))
            .toCompletableFuture()
            .get();
  }

  @AfterAll
  static void stop() {
    TestKit.shutdownActorSystem(system);
  }

  @Test
  void notReadyIsServiceUnavailableWithTheFailingCheckAndReadyIsOk() throws Exception {
    Gate.open = false;
    HttpResponse<String> notReady = get("/ready");
    assertEquals(503, notReady.statusCode(), notReady.body());
    assertTrue(notReady.body().startsWith("Not Healthy: "), notReady.body());
    assertEquals(200, get("/alive").statusCode(), "no liveness check fails");
    assertEquals(200, get("/startup").statusCode(), "no start-up check fails");

    Gate.open = true;
    HttpResponse<String> ready = get("/ready");
    assertEquals(200, ready.statusCode(), ready.body());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    int port = binding.localAddress().getPort();
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
