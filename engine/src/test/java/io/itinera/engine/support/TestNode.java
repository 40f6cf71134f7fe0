package io.itinera.engine.support;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.ItineraNode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts engine nodes for tests on free ports, with the given settings over application.conf. */
public final class TestNode {

  private TestNode() {}

  public static ItineraNode start(Map<String, Object> settings) {
    return start(settings, java.time.Clock.systemUTC());
  }

  public static ItineraNode start(Map<String, Object> settings, java.time.Clock clock) {
    Map<String, Object> all = new HashMap<>();
    all.put("itinera.http.interface", "127.0.0.1");
    all.put("itinera.http.port", 0);
    all.put("pekko.management.http.port", 0);
    all.put("pekko.management.http.bind-hostname", "127.0.0.1");
    all.put("pekko.remote.artery.canonical.port", 0);
    // The tests' webhook receivers listen on loopback, which webhooks may not reach by default:
    // allowed the documented way (docs/security/receivers-and-retention.md).
    all.put("itinera.delivery.allowed-networks", java.util.List.of("127.0.0.0/8"));
    // No load balancer to wait for: a test's node stops at once (GracefulLeaveTest sets a delay).
    all.put("itinera.shutdown.drain-delay", "0s");
    all.putAll(settings);
    return ItineraNode.start(ConfigFactory.parseMap(all).withFallback(ConfigFactory.load()), clock);
  }

  public static ItineraNode onPostgres(TestDatabase database) {
    return start(Map.of("itinera.db.url", database.url()));
  }

  public static void stop(ItineraNode node) {
    node.stop().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    node.system().getWhenTerminated().toCompletableFuture().join();
  }
}
