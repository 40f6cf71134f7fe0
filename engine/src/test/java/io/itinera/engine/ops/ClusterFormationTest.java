package io.itinera.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.itinera.engine.ops.ClusterFormation.Mode;
import io.itinera.engine.support.NodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.discovery.Discovery;
import org.apache.pekko.discovery.Lookup;
import org.apache.pekko.discovery.ServiceDiscovery;
import org.junit.jupiter.api.Test;

/**
 * The choice between bootstrap, seed nodes and self-join, and Cluster Bootstrap and Kubernetes API
 * discovery (pekko-management 1.1.1) actually running on our Pekko version.
 */
class ClusterFormationTest {

  private static Config withDefaults(Map<String, Object> settings) {
    return ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load());
  }

  @Test
  void theDefaultConfigurationJoinsItselfAndSeedNodesAreLeftToPekko() {
    assertEquals(Mode.SELF, ClusterFormation.mode(ConfigFactory.load()));
    assertEquals(
        Mode.SEED_NODES,
        ClusterFormation.mode(
            withDefaults(
                Map.of("pekko.cluster.seed-nodes", List.of("pekko://itinera@10.0.0.1:25520")))));
  }

  @Test
  void aDiscoveryMethodSelectsBootstrapAndMustAgreeWithTheBootstrapSettings() {
    assertEquals(
        Mode.BOOTSTRAP,
        ClusterFormation.mode(
            withDefaults(
                Map.of(
                    ClusterFormation.DISCOVERY, "kubernetes-api",
                    ClusterFormation.BOOTSTRAP_METHOD, "kubernetes-api"))));
    IllegalStateException mismatch =
        assertThrows(
            IllegalStateException.class,
            () ->
                ClusterFormation.mode(
                    withDefaults(Map.of(ClusterFormation.DISCOVERY, "kubernetes-api"))));
    assertTrue(mismatch.getMessage().contains("pekko.discovery"), mismatch.getMessage());
    IllegalStateException both =
        assertThrows(
            IllegalStateException.class,
            () ->
                ClusterFormation.mode(
                    withDefaults(
                        Map.of(
                            ClusterFormation.DISCOVERY,
                            "kubernetes-api",
                            ClusterFormation.BOOTSTRAP_METHOD,
                            "kubernetes-api",
                            "pekko.cluster.seed-nodes",
                            List.of("pekko://itinera@10.0.0.1:25520")))));
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
  }

  @Test
  void threeNodesFormOneClusterThroughBootstrap() throws Exception {
    int nodes = 3;
    List<Integer> managementPorts = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      managementPorts.add(NodeProcess.freePort());
    }
    List<Map<String, Object>> endpoints =
        managementPorts.stream()
            .map(port -> Map.<String, Object>of("host", "127.0.0.1", "port", port))
            .toList();
    List<ActorSystem<Void>> systems = new ArrayList<>();
    try {
      for (int port : managementPorts) {
        Config config =
            withDefaults(
                Map.ofEntries(
                    Map.entry(ClusterFormation.DISCOVERY, "config"),
                    Map.entry(ClusterFormation.BOOTSTRAP_METHOD, "config"),
                    Map.entry("pekko.discovery.config.services.itinera.endpoints", endpoints),
                    Map.entry(
                        "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr",
                        nodes),
                    Map.entry(
                        "pekko.management.cluster.bootstrap.contact-point-discovery.stable-margin",
                        "1s"),
                    // All nodes share one host here, so contact points differ by port only.
                    Map.entry(
                        "pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port",
                        false),
                    Map.entry("pekko.management.http.hostname", "127.0.0.1"),
                    Map.entry("pekko.management.http.bind-hostname", "127.0.0.1"),
                    Map.entry("pekko.management.http.port", port),
                    Map.entry("pekko.management.health-checks.readiness-checks.journal", ""),
                    Map.entry("pekko.remote.artery.canonical.port", 0)));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "itinera", config);
        systems.add(system);
        assertEquals(Mode.BOOTSTRAP, ClusterFormation.join(system));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!allUp(systems, nodes)) {
        assertTrue(System.nanoTime() < deadline, "no cluster of " + nodes + " within 60 s");
        Thread.sleep(200);
      }
    } finally {
      for (ActorSystem<Void> system : systems) {
        system.terminate();
      }
      for (ActorSystem<Void> system : systems) {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void kubernetesApiDiscoveryLoadsAndAsksForTheKubernetesEnvironment() throws Exception {
    String ca = getClass().getResource("/kubernetes/test-ca.crt").getPath();
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "itinera",
            withDefaults(
                Map.of(
                    "pekko.discovery.kubernetes-api.api-ca-path",
                    ca,
                    "pekko.discovery.kubernetes-api.api-service-host-env-name",
                    "ITINERA_TEST_NO_SUCH_VARIABLE",
                    "pekko.remote.artery.canonical.port",
                    0)));
    try {
      ServiceDiscovery discovery = Discovery.get(system).loadServiceDiscovery("kubernetes-api");
      CompletionException outsideKubernetes =
          assertThrows(
              CompletionException.class,
              () ->
                  discovery
                      .lookup(
                          Lookup.create("itinera").withPortName("management"),
                          Duration.ofSeconds(3))
                      .toCompletableFuture()
                      .join());
      assertTrue(
          outsideKubernetes.getCause().getMessage().contains("check Kubernetes environment"),
          outsideKubernetes.getCause().getMessage());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static boolean allUp(List<ActorSystem<Void>> systems, int size) {
    for (ActorSystem<Void> system : systems) {
      var members = Cluster.get(system).state().getMembers();
      int up = 0;
      for (var member : members) {
        if (member.status() == MemberStatus.up()) {
          up++;
        }
      }
      if (up != size) {
        return false;
      }
    }
    return true;
  }
}
