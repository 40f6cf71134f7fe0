package io.itinera.loadtest.cluster;

import io.itinera.loadtest.driver.BenchSupport;
import io.itinera.loadtest.driver.OpenLoad;
import io.itinera.loadtest.driver.OpenLoad.Outcome;
import io.itinera.loadtest.driver.OpenLoad.Second;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/**
 * Scale-out under load: does adding a node to a loaded two-node cluster lose or fail any request?
 * Three engine nodes as processes of their own ({@code ./itinera run}, set up by ITINERA_*
 * variables as {@code deploy/local-cluster.sh} does), on one PostgreSQL database, no journeys.
 *
 * <ol>
 *   <li><b>Two nodes.</b> Nodes 1 and 2 start (both are seed nodes) and the benchmark waits for
 *       their {@code /ready}.
 *   <li><b>Warm.</b> {@code /v1/track} at {@code rate} per second ({@link OpenLoad}), {@value
 *       #CUSTOMERS} customers in a shuffled round robin, the requests spread round robin over the
 *       nodes in the "load balancer" (nodes 1 and 2), for {@code warmSeconds}: the JIT warms up and
 *       every customer's entity is in memory. Not judged.
 *   <li><b>Measured.</b> The same load for {@code seconds}. At second {@code joinAt} node 3 starts;
 *       it enters the load balancer once its {@code /ready} answers 200 (as a Kubernetes Service
 *       adds a pod on its readiness probe), and the load goes on while it joins and the shard
 *       coordinator moves shards to it (at most 20 per 10 s round, cluster.conf). Every second the
 *       benchmark samples how many shards each node holds ({@code /cluster/shards/Customer}) and
 *       whether node 1 lists three members Up ({@code /cluster/members}).
 *   <li><b>Check.</b> The nodes are stopped (SIGTERM, SIGKILL after 20 s), then the journal is
 *       read: without journeys each touchpoint recorded is exactly one event, carrying its {@code
 *       messageId}. Every request answered 200, in the warm-up as in the measured phase, must be in
 *       it once.
 * </ol>
 *
 * <p>Per second of the measured phase (by the time a request was due to be sent, so queueing
 * counts): sent, answered, failed (any non-200 or error, by kind), p50 and p99. Then the failures
 * by second, node and kind; p50/p99 before node 3 started, while it started (until ready), while
 * shards moved to it (until it held its share, 256/3) and after; when it was ready and when Up.
 * Lines saying "LOST" or "DUPLICATED" mean the journal disagrees with what was acknowledged. The
 * client runs on the same two cores as the three nodes and PostgreSQL.
 *
 * <pre>
 * nice -n 19 java -Xmx1g -cp "loadtest/target/classes:loadtest/target/lib/*" \
 *     io.itinera.loadtest.cluster.ScaleOutBenchmark [rate=400] [warmSeconds=40] [seconds=60] [joinAt=15]
 * </pre>
 *
 * Run from the repository root after a build ({@code ./itinera run} must find the engine built).
 * Needs PostgreSQL on 127.0.0.1:5432, user postgres (creates and drops its own database). Ports:
 * HTTP 18280-18282, management 18758-18760, remoting 25820-25822. Node logs under {@code
 * loadtest/target/scaleout-<time>/}. Prints RESULT lines.
 */
public final class ScaleOutBenchmark {

  static {
    BenchSupport.ensureCommonPoolWorkers();
  }

  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private static final int CUSTOMERS = 5_000;
  static final String CUSTOMER_PREFIX = "scale-";
  static final int SHARDS = 256;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static volatile String databaseToDrop;

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    int warmSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    int joinAt = args.length > 3 ? Integer.parseInt(args[3]) : 15;
    Path repo = Path.of(System.getProperty("itinera.repo", "")).toAbsolutePath();
    if (!Files.isExecutable(repo.resolve("itinera"))) {
      throw new IllegalStateException(
          "Run from the repository root (no ./itinera in " + repo + ")");
    }
    Path logs =
        repo.resolve(
            "loadtest/target/scaleout-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(logs);
    String database = "itinera_bench_scaleout_" + System.currentTimeMillis();
    // Whatever happens (an exception, Ctrl-C, System.exit), no node outlives the benchmark.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ScaleOutBenchmark::cleanUp, "scaleout-cleanup"));
    execute(SERVER + "postgres", "CREATE DATABASE " + database);
    databaseToDrop = database;
    String jdbcUrl = SERVER + database;
    BenchSupport.standInForAutovacuum(jdbcUrl);
    System.out.printf(
        "scale-out: rate %d/s, %d customers, warm-up %d s, measured %d s, node 3 starts at %d s; logs in %s%n",
        rate, CUSTOMERS, warmSeconds, seconds, joinAt, logs);
    System.out.printf(
        "RESULT machine before the start: %d cores, load average %s%n",
        Runtime.getRuntime().availableProcessors(), MachineLoad.loadAverage());
    EngineNode[] nodes = {
      new EngineNode(1, logs), new EngineNode(2, logs), new EngineNode(3, logs)
    };
    NodeLaunch launch =
        new NodeLaunch(
            repo,
            "127.0.0.1:" + nodes[0].remote + ",127.0.0.1:" + nodes[1].remote,
            jdbcUrl + "?reWriteBatchedInserts=true");
    try {
      run(nodes, launch, jdbcUrl, rate, warmSeconds, seconds, joinAt);
      System.out.printf("node logs: %s (%s)%n", logs, EngineNode.errorsAndWarnings(nodes));
    } finally {
      EngineNode.stopAll();
      dropDatabase();
    }
    System.exit(0);
  }

  /** Two nodes, the warm-up, the measured phase with node 3 joining, then the journal check. */
  private static void run(
      EngineNode[] nodes,
      NodeLaunch launch,
      String jdbcUrl,
      int rate,
      int warmSeconds,
      int seconds,
      int joinAt)
      throws Exception {
    long twoStarted = System.nanoTime();
    nodes[0].start(launch);
    nodes[1].start(launch);
    nodes[0].awaitReady(START_TIMEOUT);
    nodes[1].awaitReady(START_TIMEOUT);
    nodes[0].awaitMembersUp(2, START_TIMEOUT);
    System.out.printf(
        "RESULT two nodes ready and Up in %.1f s%n", (System.nanoTime() - twoStarted) / 1e9);

    List<String> order = shuffled();
    List<EngineNode> balanced = new CopyOnWriteArrayList<>(List.of(nodes[0], nodes[1]));
    IntFunction<String> nodeUrl =
        i -> {
          Object[] now = balanced.toArray(); // one consistent view: the list only grows
          return ((EngineNode) now[i % now.length]).url();
        };
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();

    ConcurrentLinkedQueue<Outcome> warmOutcomes = new ConcurrentLinkedQueue<>();
    Second[] warm = OpenLoad.drive(http, nodeUrl, order, rate, warmSeconds, warmOutcomes::add);
    System.out.printf("RESULT warm-up (not judged, 2 nodes): %s%n", Second.merge(warm));
    int allocated = Math.max(0, nodes[0].shards()) + Math.max(0, nodes[1].shards());
    System.out.printf(
        "RESULT shards allocated after the warm-up: %d of %d%s%n",
        allocated,
        SHARDS,
        allocated == SHARDS ? "" : " (the measured phase also waits for first allocations)");

    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    long[] cpuBefore = MachineLoad.cpuJiffies();
    NodeJoin join = new NodeJoin(nodes, balanced, launch, joinAt);
    join.begin();
    Second[] measured = OpenLoad.drive(http, nodeUrl, order, rate, seconds, outcomes::add);
    join.end();
    long[] cpuAfter = MachineLoad.cpuJiffies();

    System.out.println("---- measured phase, per second (node 3 started at second " + joinAt + ")");
    OpenLoad.print(measured);
    join.printTimeline();
    ScaleOutReport.report(measured, List.copyOf(outcomes), join, joinAt, seconds, rate);
    System.out.printf(
        "RESULT machine during the measured phase: CPU %s, load average %s (niced: this"
            + " benchmark's processes if run under nice; user: PostgreSQL and anything else)%n",
        MachineLoad.busy(cpuBefore, cpuAfter), MachineLoad.loadAverage());

    EngineNode.stopAll();
    JournalCheck.check(jdbcUrl, warm, measured, List.copyOf(warmOutcomes), List.copyOf(outcomes));
  }

  private static void cleanUp() {
    try {
      EngineNode.stopAll();
    } finally {
      dropDatabase();
    }
  }

  private static synchronized void dropDatabase() {
    String database = databaseToDrop;
    if (database == null) {
      return;
    }
    try {
      execute(SERVER + "postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      databaseToDrop = null;
    } catch (Exception e) {
      System.out.println("could not drop database " + database + ": " + e);
    }
  }

  private static List<String> shuffled() {
    List<String> order = new ArrayList<>();
    for (int c = 0; c < CUSTOMERS; c++) {
      order.add(CUSTOMER_PREFIX + c);
    }
    Collections.shuffle(order, new Random(42));
    return order;
  }

  private static void execute(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
