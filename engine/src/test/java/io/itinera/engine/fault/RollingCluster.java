package io.itinera.engine.fault;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.NodeProcess;
import io.itinera.engine.support.ReadinessBalancer;
import io.itinera.engine.support.ReadinessBalancer.Backend;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Nodes in this JVM on one database, each in a slot with a fixed remote port (every slot is a seed
 * node, so a node started again in its slot joins the others as a restarted pod does), behind a
 * load balancer that follows {@code /ready}. The {@code crm} channel's webhooks go to the test's
 * receiver.
 */
final class RollingCluster implements AutoCloseable {

  /** Long enough for the balancer (polling every 200 ms) to notice on a loaded machine. */
  static final String DRAIN_DELAY = "4s";

  static final String CHANNEL = "crm";

  private final TestDatabase database;
  private final WebhookReceiver receiver;
  private final List<Integer> remotePorts = new ArrayList<>();
  private final List<ItineraNode> nodes = new ArrayList<>();
  private final List<Backend> backends = new ArrayList<>();
  private final ReadinessBalancer balancer =
      new ReadinessBalancer(List.of(), Duration.ofMillis(200));

  RollingCluster(TestDatabase database, WebhookReceiver receiver, int size) {
    this.database = database;
    this.receiver = receiver;
    for (int i = 0; i < size; i++) {
      remotePorts.add(NodeProcess.freePort());
      nodes.add(null);
      backends.add(null);
    }
  }

  /** Starts every slot's node at {@code version} and waits until all are ready. */
  void startAll(String version) throws InterruptedException {
    for (int slot = 0; slot < remotePorts.size(); slot++) {
      start(slot, version);
    }
    await(
        "all " + remotePorts.size() + " nodes ready",
        Duration.ofSeconds(90),
        () -> balancer.live().size() == remotePorts.size());
  }

  /** Starts a node in an empty slot and adds it to the load balancer (ready once it says so). */
  void start(int slot, String version) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("itinera.db.url", database.url());
    settings.put(
        "pekko.cluster.seed-nodes",
        remotePorts.stream().map(port -> "pekko://itinera@127.0.0.1:" + port).toList());
    settings.put("pekko.remote.artery.canonical.port", remotePorts.get(slot));
    settings.put("pekko.cluster.app-version", version);
    settings.put("itinera.shutdown.drain-delay", DRAIN_DELAY);
    settings.put("itinera.delivery.channels." + CHANNEL + ".url", receiver.url("/" + CHANNEL));
    settings.put("itinera.delivery.channels." + CHANNEL + ".secret", RollingRestartTest.SECRET);
    // A webhook cut off by a sender moving is sent again (same id) within a second, not after 5 s.
    settings.put("itinera.delivery.retry.schedule", List.of("1s", "1s", "1s", "1s", "1s"));
    ConfigFactory.parseString(System.getProperty("itinera.rolling.node-settings", ""))
        .entrySet()
        .forEach(setting -> settings.put(setting.getKey(), setting.getValue().unwrapped()));
    ItineraNode node = TestNode.start(settings);
    Backend backend = new Backend(node.httpPort(), node.managementPort());
    nodes.set(slot, node);
    backends.set(slot, backend);
    balancer.add(backend);
  }

  /** Waits until the node in {@code slot} is Up and ready (the balancer sends to it). */
  void awaitReady(int slot) throws InterruptedException {
    int port = backends.get(slot).httpPort();
    await("node " + slot + " ready", Duration.ofSeconds(90), () -> balancer.live().contains(port));
  }

  /**
   * Stops the node in {@code slot} as SIGTERM does (coordinated shutdown with the drain delay) and
   * waits until its actor system has terminated; then takes it out of the balancer's list.
   */
  void stop(int slot) throws Exception {
    ItineraNode node = nodes.get(slot);
    node.stop().toCompletableFuture().orTimeout(90, TimeUnit.SECONDS).join();
    node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    balancer.remove(backends.get(slot));
    nodes.set(slot, null);
    backends.set(slot, null);
  }

  /** The HTTP ports the balancer sends to now. */
  List<Integer> live() {
    return balancer.live();
  }

  ItineraNode node(int slot) {
    return nodes.get(slot);
  }

  /** A node that runs, for reading the journal through its serialization. */
  ItineraNode anyRunning() {
    return nodes.stream().filter(Objects::nonNull).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    balancer.close();
    List<CompletableFuture<?>> stopping = new ArrayList<>();
    nodes.stream()
        .filter(Objects::nonNull)
        .forEach(node -> stopping.add(node.stop().toCompletableFuture()));
    CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
        .orTimeout(90, TimeUnit.SECONDS)
        .join();
  }

  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not " + what + " within " + timeout);
      }
      Thread.sleep(50);
    }
  }
}
