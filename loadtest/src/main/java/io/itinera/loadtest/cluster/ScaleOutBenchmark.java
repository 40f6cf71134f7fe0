package io.itinera.loadtest.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itinera.loadtest.driver.BenchSupport;
import io.itinera.loadtest.driver.OpenLoad;
import io.itinera.loadtest.driver.OpenLoad.Outcome;
import io.itinera.loadtest.driver.OpenLoad.Second;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
  private static final String CUSTOMER_PREFIX = "scale-";

  /** The entity's persistence ids: {@code PersistenceId.of("Customer", id)}. */
  private static final String PERSISTENCE_PREFIX = "Customer|" + CUSTOMER_PREFIX;

  private static final int SHARDS = 256;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** For /ready, /cluster/*: separate from the load's client and its connection pool. */
  private static final HttpClient CONTROL =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private static final List<Node> started = new CopyOnWriteArrayList<>();
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
    String engineUrl = jdbcUrl + "?reWriteBatchedInserts=true";
    System.out.printf(
        "scale-out: rate %d/s, %d customers, warm-up %d s, measured %d s, node 3 starts at %d s; logs in %s%n",
        rate, CUSTOMERS, warmSeconds, seconds, joinAt, logs);
    System.out.printf(
        "RESULT machine before the start: %d cores, load average %s%n",
        Runtime.getRuntime().availableProcessors(), loadAverage());

    Node[] nodes = {new Node(1, logs), new Node(2, logs), new Node(3, logs)};
    String seeds = "127.0.0.1:" + nodes[0].remote + ",127.0.0.1:" + nodes[1].remote;
    try {
      long twoStarted = System.nanoTime();
      nodes[0].start(repo, seeds, engineUrl);
      nodes[1].start(repo, seeds, engineUrl);
      nodes[0].awaitReady(START_TIMEOUT);
      nodes[1].awaitReady(START_TIMEOUT);
      awaitMembersUp(nodes[0], 2, START_TIMEOUT);
      System.out.printf(
          "RESULT two nodes ready and Up in %.1f s%n", (System.nanoTime() - twoStarted) / 1e9);

      List<String> order = shuffled();
      List<Node> balanced = new CopyOnWriteArrayList<>(List.of(nodes[0], nodes[1]));
      IntFunction<String> nodeUrl =
          i -> {
            Object[] now = balanced.toArray(); // one consistent view: the list only grows
            return ((Node) now[i % now.length]).url();
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
      long[] cpuBefore = cpuJiffies();
      Join join = new Join(nodes, balanced, repo, seeds, engineUrl, joinAt, seconds);
      join.begin();
      Second[] measured = OpenLoad.drive(http, nodeUrl, order, rate, seconds, outcomes::add);
      join.end();
      long[] cpuAfter = cpuJiffies();

      System.out.println(
          "---- measured phase, per second (node 3 started at second " + joinAt + ")");
      OpenLoad.print(measured);
      join.printTimeline();
      report(measured, List.copyOf(outcomes), join, joinAt, seconds, rate);
      System.out.printf(
          "RESULT machine during the measured phase: CPU %s, load average %s (niced: this"
              + " benchmark's processes if run under nice; user: PostgreSQL and anything else)%n",
          busy(cpuBefore, cpuAfter), loadAverage());

      stopAll();
      checkJournal(jdbcUrl, warm, measured, List.copyOf(warmOutcomes), List.copyOf(outcomes));
      System.out.printf("node logs: %s (%s)%n", logs, errorsAndWarnings(nodes));
    } finally {
      stopAll();
      dropDatabase();
    }
    System.exit(0);
  }

  // ---- the third node's arrival -----------------------------------------------------------------

  /**
   * Starts node 3 at {@code joinAt} seconds into the measured phase, adds it to the load balancer
   * when its /ready answers 200, notes when node 1 lists three members Up, and samples every node's
   * shard count every second.
   */
  private static final class Join {
    private final Node[] nodes;
    private final List<Node> balanced;
    private final Path repo;
    private final String seeds;
    private final String engineUrl;
    private final int joinAt;
    private final int seconds;
    private final List<String> timeline = new ArrayList<>();
    private volatile boolean over;
    private long origin;
    private Thread thread;
    volatile double startedAt = Double.NaN;
    volatile double readyAt = Double.NaN;
    volatile double upAt = Double.NaN;
    volatile double rebalancedAt = Double.NaN;
    volatile int lastShardsOnNew = -1;

    /** Nodes 1 and 2 held all 256 shards at some sample before node 3 started. */
    private boolean allAllocated;

    Join(
        Node[] nodes,
        List<Node> balanced,
        Path repo,
        String seeds,
        String engineUrl,
        int joinAt,
        int seconds) {
      this.nodes = nodes;
      this.balanced = balanced;
      this.repo = repo;
      this.seeds = seeds;
      this.engineUrl = engineUrl;
      this.joinAt = joinAt;
      this.seconds = seconds;
    }

    /** Just before the measured phase's load starts: its origin is within a millisecond of ours. */
    void begin() {
      origin = System.nanoTime();
      thread = new Thread(this::run, "scaleout-join");
      thread.setDaemon(true);
      thread.start();
    }

    void end() throws InterruptedException {
      over = true;
      thread.join(10_000);
    }

    private double now() {
      return (System.nanoTime() - origin) / 1e9;
    }

    private void run() {
      try {
        Node fresh = nodes[2];
        long nextSample = 0;
        while (!over) {
          double t = now();
          if (Double.isNaN(startedAt) && t >= joinAt) {
            fresh.start(repo, seeds, engineUrl);
            startedAt = now();
            System.out.printf("%.1f s: node 3 started%n", startedAt);
          }
          if (!Double.isNaN(startedAt)) {
            if (Double.isNaN(readyAt) && fresh.ready()) {
              balanced.add(fresh);
              readyAt = now();
              System.out.printf("%.1f s: node 3 ready, in the load balancer%n", readyAt);
            }
            if (Double.isNaN(upAt) && membersUp(nodes[0]) >= 3) {
              upAt = now();
              System.out.printf("%.1f s: node 1 lists 3 members Up%n", upAt);
            }
            if (!fresh.process.isAlive()) {
              System.out.printf(
                  "%.1f s: node 3 EXITED with %d; see %s%n",
                  now(), fresh.process.exitValue(), fresh.log);
              break;
            }
          }
          if (System.nanoTime() >= nextSample) {
            nextSample = System.nanoTime() + 1_000_000_000L;
            sample(t);
          }
          Thread.sleep(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        System.out.printf("%.1f s: the join watcher failed: %s%n", now(), e);
        e.printStackTrace(System.out);
      }
    }

    /**
     * One line of the timeline: each node's shards (-: not running, ?: no answer). While node 3
     * does not answer (its management port opens last), its count is estimated as the shards nodes
     * 1 and 2 do not hold (~N), but only if they held all 256 before it started (else unallocated
     * shards would count as its own).
     */
    private void sample(double t) {
      StringBuilder line = new StringBuilder(String.format("%6.1f", t));
      int[] shards = new int[nodes.length];
      for (int n = 0; n < nodes.length; n++) {
        shards[n] = nodes[n].process == null ? -2 : nodes[n].shards();
      }
      if (shards[2] == -2 && shards[0] + shards[1] == SHARDS) {
        allAllocated = true;
      }
      for (int n = 0; n < nodes.length; n++) {
        String shown = shards[n] == -2 ? "-" : shards[n] < 0 ? "?" : Integer.toString(shards[n]);
        if (n == 2 && allAllocated && shards[2] == -1 && shards[0] >= 0 && shards[1] >= 0) {
          shards[2] = SHARDS - shards[0] - shards[1];
          shown = "~" + shards[2];
        }
        line.append(String.format(" %5s", shown));
      }
      if (shards[2] >= 0) {
        lastShardsOnNew = shards[2];
        if (Double.isNaN(rebalancedAt) && shards[2] >= SHARDS / 3) {
          rebalancedAt = t;
        }
      }
      line.append(balanced.contains(nodes[2]) ? "   3 nodes balanced" : "");
      synchronized (timeline) {
        timeline.add(line.toString());
      }
    }

    void printTimeline() {
      System.out.println(
          "---- shards held per node, sampled every second (-: not started, ?: no answer,"
              + " ~: node 3's estimated as 256 minus the others')");
      System.out.println("     s node1 node2 node3");
      synchronized (timeline) {
        timeline.forEach(System.out::println);
      }
    }
  }

  // ---- the report -------------------------------------------------------------------------------

  private static void report(
      Second[] measured, List<Outcome> outcomes, Join join, int joinAt, int seconds, int rate) {
    Second all = Second.merge(measured);
    int unanswered = all.sentCount() - all.answered() - all.failedCount();
    System.out.printf(
        "RESULT measured phase (%d s at %d/s): %d sent, %d answered 200, %d FAILED %s, %d unanswered%n",
        seconds,
        rate,
        all.sentCount(),
        all.answered(),
        all.failedCount(),
        all.failuresByKind().isEmpty() ? "" : all.failuresByKind(),
        unanswered);

    // Failures by node and kind, with the seconds they were due in (the per-second table has the
    // kinds by second).
    Map<String, TreeMap<Integer, Integer>> failures = new TreeMap<>();
    for (Outcome outcome : outcomes) {
      if (!outcome.acknowledged()) {
        failures
            .computeIfAbsent(nodeName(outcome.base()) + ", " + outcome.kind(), k -> new TreeMap<>())
            .merge(outcome.second(), 1, Integer::sum);
      }
    }
    failures.forEach(
        (where, bySecond) ->
            System.out.printf(
                "RESULT failed on %s: %d, in seconds %s%n",
                where,
                bySecond.values().stream().mapToInt(Integer::intValue).sum(),
                ranges(bySecond.keySet())));

    String ready =
        Double.isNaN(join.readyAt)
            ? "never (within the phase)"
            : String.format("%.1f s", join.readyAt);
    String up =
        Double.isNaN(join.upAt) ? "never (within the phase)" : String.format("%.1f s", join.upAt);
    String rebalanced =
        Double.isNaN(join.rebalancedAt)
            ? "not within the phase (" + Math.max(0, join.lastShardsOnNew) + " at the end)"
            : String.format("at %.1f s", join.rebalancedAt);
    System.out.printf(
        "RESULT node 3: started at %.1f s, ready (in the load balancer) at %s, Up on node 1 at %s;"
            + " its share of the shards (%d of %d): %s%n",
        join.startedAt, ready, up, SHARDS / 3, SHARDS, rebalanced);

    int readySecond =
        Double.isNaN(join.readyAt) ? seconds : Math.min(seconds, (int) Math.ceil(join.readyAt));
    // Shards may move to node 3 before it is ready: "after" starts when both are done.
    int rebalancedSecond =
        Math.max(
            readySecond,
            Double.isNaN(join.rebalancedAt)
                ? seconds
                : Math.min(seconds, (int) Math.ceil(join.rebalancedAt)));
    window("before (2 nodes)", measured, 0, joinAt);
    window("during: node 3 starting, until ready", measured, joinAt, readySecond);
    window(
        "during: node 3 ready, shards still moving to it", measured, readySecond, rebalancedSecond);
    window("after (node 3 holds its share)", measured, rebalancedSecond, seconds);
  }

  /** 3,4,5,9 as "3-5, 9". */
  private static String ranges(Set<Integer> seconds) {
    StringBuilder out = new StringBuilder();
    Integer first = null;
    Integer last = null;
    for (int s : seconds) {
      if (last != null && s == last + 1) {
        last = s;
        continue;
      }
      if (first != null) {
        out.append(out.length() == 0 ? "" : ", ")
            .append(first.equals(last) ? first : first + "-" + last);
      }
      first = s;
      last = s;
    }
    if (first != null) {
      out.append(out.length() == 0 ? "" : ", ")
          .append(first.equals(last) ? first : first + "-" + last);
    }
    return out.toString();
  }

  private static void window(String name, Second[] measured, int from, int to) {
    if (from >= to) {
      System.out.printf("RESULT %s: no whole second%n", name);
      return;
    }
    System.out.printf(
        "RESULT %s, seconds %d-%d: %s%n",
        name, from, to - 1, Second.merge(Arrays.copyOfRange(measured, from, to)));
  }

  private static String nodeName(String base) {
    for (Node node : started) {
      if (node.url().equals(base)) {
        return "node " + node.number;
      }
    }
    return base;
  }

  // ---- the journal against the acknowledgements -------------------------------------------------

  /**
   * Reads every touchpoint event of the benchmark's customers and its messageId (a text string in
   * the CBOR payload), and compares them with the requests answered 200.
   */
  private static void checkJournal(
      String url,
      Second[] warm,
      Second[] measured,
      List<Outcome> warmOutcomes,
      List<Outcome> outcomes)
      throws Exception {
    int answered = Second.merge(warm).answered() + Second.merge(measured).answered();
    Set<String> acknowledged = new HashSet<>();
    Set<String> failed = new HashSet<>();
    for (List<Outcome> phase : List.of(warmOutcomes, outcomes)) {
      for (Outcome outcome : phase) {
        (outcome.acknowledged() ? acknowledged : failed).add(outcome.messageId());
      }
    }
    long rows;
    Map<String, Integer> recorded = new HashMap<>();
    int unreadable = 0;
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement()) {
      try (ResultSet result =
          statement.executeQuery(
              "SELECT count(*) FROM event_journal WHERE persistence_id LIKE '"
                  + PERSISTENCE_PREFIX
                  + "%'")) {
        result.next();
        rows = result.getLong(1);
      }
      try (ResultSet result =
          statement.executeQuery(
              "SELECT substring(encode(event_payload, 'escape') from 'm--?[0-9]+-[0-9]+') FROM event_journal"
                  + " WHERE persistence_id LIKE '"
                  + PERSISTENCE_PREFIX
                  + "%'")) {
        while (result.next()) {
          String messageId = result.getString(1);
          if (messageId == null) {
            unreadable++;
          } else {
            recorded.merge(messageId, 1, Integer::sum);
          }
        }
      }
    }
    System.out.printf(
        "RESULT journal: %d touchpoints recorded; %d requests answered 200 (warm-up %d + measured %d);"
            + " difference %+d%n",
        rows,
        answered,
        Second.merge(warm).answered(),
        Second.merge(measured).answered(),
        rows - answered);
    if (answered != acknowledged.size()) {
      System.out.printf(
          "RESULT (the outcomes hold %d acknowledged messageIds)%n", acknowledged.size());
    }
    if (unreadable > 0) {
      System.out.printf(
          "RESULT %d journal rows without a readable messageId: only the counts compare%n",
          unreadable);
    }
    List<String> lost = new ArrayList<>();
    for (String messageId : acknowledged) {
      if (!recorded.containsKey(messageId)) {
        lost.add(messageId);
      }
    }
    List<String> duplicated = new ArrayList<>();
    recorded.forEach(
        (messageId, n) -> {
          if (n > 1) duplicated.add(messageId + " x" + n);
        });
    int measuredFailed = 0;
    int measuredFailedRecorded = 0;
    for (Outcome outcome : outcomes) {
      if (!outcome.acknowledged()) {
        measuredFailed++;
        if (recorded.containsKey(outcome.messageId())) {
          measuredFailedRecorded++;
        }
      }
    }
    if (measuredFailed > 0 && unreadable == 0) {
      System.out.printf(
          "RESULT the measured phase's %d failed requests: %d recorded all the same (answered too late),"
              + " %d not recorded (a client must retry them)%n",
          measuredFailed, measuredFailedRecorded, measuredFailed - measuredFailedRecorded);
    }
    int failedButRecorded = 0;
    int unknown = 0;
    for (String messageId : recorded.keySet()) {
      if (failed.contains(messageId)) {
        failedButRecorded++;
      } else if (!acknowledged.contains(messageId)) {
        unknown++;
      }
    }
    if (unreadable == 0 && lost.isEmpty() && duplicated.isEmpty()) {
      System.out.printf(
          "RESULT nothing lost, nothing duplicated: each of the %d acknowledged touchpoints is in the"
              + " journal once%s%n",
          acknowledged.size(),
          failedButRecorded + unknown == 0
              ? ""
              : String.format(
                  "; also recorded: %d requests that failed and %d never answered (not acknowledged,"
                      + " so a client would retry them with the same messageId, deduplicated)",
                  failedButRecorded, unknown));
    } else {
      if (!lost.isEmpty()) {
        Collections.sort(lost);
        System.out.printf(
            "RESULT LOST: %d acknowledged touchpoints are not in the journal, e.g. %s%n",
            lost.size(), lost.subList(0, Math.min(10, lost.size())));
      }
      if (!duplicated.isEmpty()) {
        Collections.sort(duplicated);
        System.out.printf(
            "RESULT DUPLICATED: %d messageIds recorded more than once, e.g. %s%n",
            duplicated.size(), duplicated.subList(0, Math.min(10, duplicated.size())));
      }
      if (unreadable > 0 && rows < answered) {
        System.out.printf(
            "RESULT LOST: %d fewer journal rows than requests answered 200%n", answered - rows);
      } else if (unreadable > 0 && rows > answered + failed.size()) {
        System.out.printf(
            "RESULT DUPLICATED: %d more journal rows than requests sent%n",
            rows - answered - failed.size());
      }
      System.out.printf(
          "RESULT also recorded: %d requests that failed, %d never answered%n",
          failedButRecorded, unknown);
    }
  }

  // ---- the nodes --------------------------------------------------------------------------------

  /** Node {@code number} (from 1): HTTP 18279+n, management 18757+n, remoting 25819+n. */
  private static final class Node {
    final int number;
    final int http;
    final int management;
    final int remote;
    final Path log;
    volatile Process process;

    Node(int number, Path logs) {
      this.number = number;
      this.http = 18279 + number;
      this.management = 18757 + number;
      this.remote = 25819 + number;
      this.log = logs.resolve("node" + number + ".log");
    }

    String url() {
      return "http://127.0.0.1:" + http;
    }

    void start(Path repo, String seeds, String databaseUrl) {
      ProcessBuilder builder =
          new ProcessBuilder(repo.resolve("itinera").toString(), "run")
              .directory(repo.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      Map<String, String> environment = builder.environment();
      // Only the settings given here, none the caller's shell may have.
      environment.keySet().removeIf(name -> name.startsWith("ITINERA_"));
      environment.put("ITINERA_SEED_NODES", seeds);
      environment.put("ITINERA_HTTP_PORT", Integer.toString(http));
      environment.put("ITINERA_MANAGEMENT_PORT", Integer.toString(management));
      environment.put("ITINERA_MANAGEMENT_BIND_HOST", "127.0.0.1");
      environment.put("ITINERA_REMOTE_PORT", Integer.toString(remote));
      environment.put("ITINERA_DB_URL", databaseUrl);
      environment.put("ITINERA_DB_USER", "postgres");
      environment.put("ITINERA_HTTP_INTERFACE", "127.0.0.1");
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
  }

  /** Members with status Up in {@code node}'s view; -1 when it does not answer. */
  private static int membersUp(Node node) {
    JsonNode members = node.get("/cluster/members");
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

  private static void awaitMembersUp(Node node, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (membersUp(node) < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "node " + node.number + " does not list " + count + " members Up");
      }
      Thread.sleep(200);
    }
  }

  /**
   * SIGTERM to every running node at once (coordinated shutdown), SIGKILL to any left after 20 s.
   */
  private static synchronized void stopAll() {
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (Node node : started) {
      if (node.process.isAlive()) {
        node.process.destroy();
      }
    }
    for (Node node : started) {
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

  private static void cleanUp() {
    try {
      stopAll();
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

  private static String errorsAndWarnings(Node[] nodes) throws IOException {
    List<String> counts = new ArrayList<>();
    for (Node node : nodes) {
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

  /** The 1, 5 and 15 minute load averages (Linux), or "?". */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /**
   * All cores' jiffies from /proc/stat (Linux): user, nice, system (with irq, softirq, steal), idle
   * (with iowait), total; zeros elsewhere.
   */
  private static long[] cpuJiffies() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long[] v = new long[9];
      for (int i = 1; i < fields.length && i <= 8; i++) {
        v[i] = Long.parseLong(fields[i]);
      }
      long total = v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7] + v[8];
      return new long[] {v[1], v[2], v[3] + v[6] + v[7] + v[8], v[4] + v[5], total};
    } catch (IOException | RuntimeException e) {
      return new long[5];
    }
  }

  private static String busy(long[] before, long[] after) {
    double total = after[4] - before[4];
    if (total <= 0) {
      return "?";
    }
    return String.format(
        "%.0f%% busy (user %.0f%%, niced %.0f%%, system %.0f%%)",
        100 * (1 - (after[3] - before[3]) / total),
        100 * (after[0] - before[0]) / total,
        100 * (after[1] - before[1]) / total,
        100 * (after[2] - before[2]) / total);
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
