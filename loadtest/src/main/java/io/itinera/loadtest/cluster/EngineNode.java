package io.itinera.loadtest.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One engine node of the benchmark, as a process of its own ({@code ./itinera run}) set up by
 * ITINERA_* variables. Node {@code number} (from 1): HTTP 18279+n, management 18757+n, remoting
 * 25819+n. Every node started is remembered so that none outlives the benchmark.
 */
final class EngineNode {
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** For /ready, /cluster/*: separate from the load's client and its connection pool. */
  private static final HttpClient CONTROL =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private static final List<EngineNode> started = new CopyOnWriteArrayList<>();

  final int number;
  final int http;
  final int management;
  final int remote;
  final Path log;
  volatile Process process;

  EngineNode(int number, Path logs) {
    this.number = number;
    this.http = 18279 + number;
    this.management = 18757 + number;
    this.remote = 25819 + number;
    this.log = logs.resolve("node" + number + ".log");
  }

  String url() {
    return "http://127.0.0.1:" + http;
  }

  void start(NodeLaunch launch) {
    ProcessBuilder builder =
        new ProcessBuilder(launch.repo().resolve("itinera").toString(), "run")
            .directory(launch.repo().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    // Only the settings given here, none the caller's shell may have.
    environment.keySet().removeIf(name -> name.startsWith("ITINERA_"));
    environment.put("ITINERA_SEED_NODES", launch.seeds());
    environment.put("ITINERA_HTTP_PORT", Integer.toString(http));
    environment.put("ITINERA_MANAGEMENT_PORT", Integer.toString(management));
    environment.put("ITINERA_MANAGEMENT_BIND_HOST", "127.0.0.1");
    environment.put("ITINERA_REMOTE_PORT", Integer.toString(remote));
    environment.put("ITINERA_DB_URL", launch.databaseUrl());
    environment.put("ITINERA_DB_USER", "postgres");
    environment.put("ITINERA_HTTP_INTERFACE", "127.0.0.1");
    // One development key carries the whole load: its rate limit is checked, never reached.
    environment.put("ITINERA_RATE_LIMIT_INGEST", "1000000");
    environment.put("ITINERA_JOURNEYS_DIR", "");
    // -Ditinera.node-options="-Dpekko.cluster...=..." tries other settings without a rebuild.
    environment.put(
        "ITINERA_JAVA_OPTS",
        ("-Xms256m -Xmx1g " + System.getProperty("itinera.node-options", "")).trim());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start node " + number, e);
    }
    started.add(this);
  }

  boolean ready() {
    return status("/ready") == 200;
  }

  void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "node " + number + " exited with " + process.exitValue() + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "node " + number + " not ready within " + timeout + "; see " + log);
      }
      Thread.sleep(200);
    }
  }

  /** Shards of customers this node holds now; -1 when it does not answer. */
  int shards() {
    JsonNode stats = get("/cluster/shards/Customer");
    return stats == null || !stats.has("regions") ? -1 : stats.get("regions").size();
  }

  int status(String path) {
    try {
      return CONTROL.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  JsonNode get(String path) {
    try {
      HttpResponse<String> reply =
          CONTROL.send(request(path), HttpResponse.BodyHandlers.ofString());
      return reply.statusCode() == 200 ? JSON.readTree(reply.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + path))
        .timeout(Duration.ofSeconds(3))
        .build();
  }

  /** Members with status Up in this node's view; -1 when it does not answer. */
  int membersUp() {
    JsonNode members = get("/cluster/members");
    if (members == null || !members.has("members")) {
      return -1;
    }
    int up = 0;
    for (JsonNode member : members.get("members")) {
      if ("Up".equals(member.path("status").asText())) {
        up++;
      }
    }
    return up;
  }

  void awaitMembersUp(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (membersUp() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "node " + number + " does not list " + count + " members Up");
      }
      Thread.sleep(200);
    }
  }

  /** "node 2" for the node at {@code base}, as the report names it. */
  static String nameOf(String base) {
    for (EngineNode node : started) {
      if (node.url().equals(base)) {
        return "node " + node.number;
      }
    }
    return base;
  }

  /**
   * SIGTERM to every running node at once (coordinated shutdown), SIGKILL to any left after 20 s.
   */
  static synchronized void stopAll() {
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (EngineNode node : started) {
      if (node.process.isAlive()) {
        node.process.destroy();
      }
    }
    for (EngineNode node : started) {
      Process process = node.process;
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
          System.out.printf("node %d did not stop within %s: killed%n", node.number, STOP_GRACE);
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
      }
    }
    started.clear();
  }

  static String errorsAndWarnings(EngineNode[] nodes) throws IOException {
    List<String> counts = new ArrayList<>();
    for (EngineNode node : nodes) {
      if (Files.exists(node.log)) {
        List<String> lines = Files.readAllLines(node.log);
        counts.add(
            String.format(
                "node %d: %d ERROR, %d WARN lines",
                node.number,
                lines.stream().filter(l -> l.contains(" ERROR ")).count(),
                lines.stream().filter(l -> l.contains(" WARN ")).count()));
      }
    }
    return String.join("; ", counts);
  }
}
