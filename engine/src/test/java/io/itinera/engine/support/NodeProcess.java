package io.itinera.engine.support;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An engine node in a JVM of its own ({@code io.itinera.engine.Main} on the test classpath, set up
 * by ITINERA_* variables as an operator would), so that a SIGKILL kills it for real and a SIGTERM
 * runs its coordinated shutdown. Its output goes to {@code target/node-logs/<name>.log}.
 */
public final class NodeProcess {

  /** The ports of one node; kept across a restart, as a container restart keeps its pod's IP. */
  public record Ports(int http, int management, int remote) {
    public static Ports free() {
      return new Ports(freePort(), freePort(), freePort());
    }
  }

  private final String name;
  private final Ports ports;
  private final Map<String, String> environment;
  private final List<String> jvmOptions;
  private final Path log;
  private Process process;

  private NodeProcess(
      String name,
      Ports ports,
      Map<String, String> environment,
      List<String> jvmOptions,
      Path log) {
    this.name = name;
    this.ports = ports;
    this.environment = environment;
    this.jvmOptions = jvmOptions;
    this.log = log;
  }

  /**
   * Starts a node (returns at once; see {@link #awaitReady}).
   *
   * @param seeds the remoting ports of the seed nodes on 127.0.0.1
   * @param jvmOptions extra options, e.g. {@code -Dpekko.cluster...=...}
   */
  public static NodeProcess start(
      String name, Ports ports, String databaseUrl, List<Integer> seeds, List<String> jvmOptions) {
    Map<String, String> environment =
        Map.of(
            "ITINERA_DB_URL",
            databaseUrl,
            "ITINERA_HTTP_INTERFACE",
            "127.0.0.1",
            "ITINERA_HTTP_PORT",
            Integer.toString(ports.http()),
            "ITINERA_MANAGEMENT_PORT",
            Integer.toString(ports.management()),
            "ITINERA_MANAGEMENT_BIND_HOST",
            "127.0.0.1",
            "ITINERA_REMOTE_PORT",
            Integer.toString(ports.remote()),
            "ITINERA_SEED_NODES",
            String.join(",", seeds.stream().map(port -> "127.0.0.1:" + port).toList()),
            // As in the Deployment: a node downed by the split-brain resolver, or stopped, exits.
            "ITINERA_EXIT_JVM",
            "on",
            // The tests' webhook receivers listen on loopback
            // (docs/security/receivers-and-retention.md).
            "ITINERA_DELIVERY_ALLOWED_NETWORKS",
            "127.0.0.0/8");
    Path log = Path.of("target", "node-logs", name + ".log");
    try {
      // A fresh log per test run; a restart of this node appends to it (see launch).
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new IllegalStateException("Could not clear " + log, e);
    }
    NodeProcess node = new NodeProcess(name, ports, environment, jvmOptions, log);
    node.launch();
    return node;
  }

  private void launch() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small and quick to start: four JVMs share two cores here.
    command.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", testClasspath(), "io.itinera.engine.Main"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Only the settings given here: none of the ITINERA_* variables the test runner may have.
    builder.environment().keySet().removeIf(name -> name.startsWith("ITINERA_"));
    builder.environment().putAll(environment);
    try {
      Files.createDirectories(log.getParent());
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Files.writeString(
          log,
          "==== " + name + " started " + java.time.Instant.now() + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("Could not start node " + name, e);
    }
  }

  /** Surefire runs tests through a manifest-only jar; the real classpath is in this property. */
  private static String testClasspath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /** Starts the same node again, on the same ports, after it was killed or stopped. */
  public void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    launch();
  }

  public String name() {
    return name;
  }

  public Ports ports() {
    return ports;
  }

  public int httpPort() {
    return ports.http();
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no hand-off, no leaving; the node is simply gone. */
  public void kill() {
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(10));
  }

  /** SIGTERM: coordinated shutdown (hand-off, leave) and exit. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to end; its exit code, or fails. */
  public int waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not exit within " + timeout + "; see " + log);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Kills the process if it still runs: for the end of a test, whatever happened. */
  public void destroy() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether {@code GET /ready} on the management port answers 200 now. */
  public boolean ready() {
    return managementStatus("/ready") == 200;
  }

  /** The status of a management path, or -1 when nothing answers. */
  public int managementStatus(String path) {
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.management() + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready()) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " not ready within " + timeout + "; see " + log);
      }
      sleep(200);
    }
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Ports handed out in this JVM: the OS may offer a port again once its probe socket closed. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A port nothing listens on and that no earlier call returned: nodes bind theirs only later, so
   * without the second check two nodes of one test could be given the same port.
   */
  public static int freePort() {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
