package io.itinera.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.itinera.engine.analytics.Analytics;
import io.itinera.engine.analytics.AnalyticsProjection;
import io.itinera.engine.audit.Audit;
import io.itinera.engine.customer.CustomerEntity;
import io.itinera.engine.customer.CustomerHistory;
import io.itinera.engine.customer.CustomerRecords;
import io.itinera.engine.customer.CustomerSettings;
import io.itinera.engine.customer.Customers;
import io.itinera.engine.customer.LatencyLimit;
import io.itinera.engine.customer.SchedulingDelay;
import io.itinera.engine.delivery.DeliveryService;
import io.itinera.engine.entry.CustomerIndex;
import io.itinera.engine.entry.CustomerIndexProjection;
import io.itinera.engine.entry.EntryRunLog;
import io.itinera.engine.entry.EntryRunner;
import io.itinera.engine.entry.EntryRuns;
import io.itinera.engine.entry.EntryScheduler;
import io.itinera.engine.experiment.SplitCounts;
import io.itinera.engine.gateway.ApiKeys;
import io.itinera.engine.gateway.GatewayRoutes;
import io.itinera.engine.gateway.HeaderTimeout;
import io.itinera.engine.gateway.KeyRing;
import io.itinera.engine.gateway.KeyStore;
import io.itinera.engine.gateway.RateLimits;
import io.itinera.engine.journey.DeployedJourneys;
import io.itinera.engine.journey.JourneyRegistry;
import io.itinera.engine.metrics.Metrics;
import io.itinera.engine.metrics.ShardingMetrics;
import io.itinera.engine.metrics.StorageMetrics;
import io.itinera.engine.ops.ClusterFormation;
import io.itinera.engine.ops.GracefulLeave;
import io.itinera.engine.replay.Replays;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.engine.storage.Storage;
import io.itinera.engine.storage.StorageExtension;
import io.itinera.engine.storage.StorageSettings;
import io.itinera.engine.timers.DueTimers;
import io.itinera.engine.timers.DueTimersProjection;
import io.itinera.engine.timers.TimerWaker;
import io.itinera.protocol.touchpoint.EventTimeWindow;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running engine node: the actor system, the schema, the customer entities, the HTTP gateway
 * and the management endpoint. {@link Main} runs one; tests start and stop several.
 *
 * @param deployedJourneys the journeys this node's customers run now
 */
public record ItineraNode(
    ActorSystem<Void> system,
    ServerBinding binding,
    int managementPort,
    DeployedJourneys deployedJourneys) {

  /**
   * Pekko's Java asks return Scala's CompletableFuture, which turns every callback into an async
   * one on the common fork-join pool, and with fewer than two workers (any machine with two cores
   * or fewer) the JDK runs each async callback on a new thread (docs/benchmarks.md has the cost).
   * So two workers at least, set before anything touches the pool: {@link Main} sets it, and a node
   * started otherwise warns. A constant, so that Main reading it does not initialise this class.
   */
  public static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  private static final Logger log = LoggerFactory.getLogger(ItineraNode.class);

  /**
   * The application configuration with the storage choice applied (see {@link StorageSettings}).
   */
  public static Config configure(Config config) {
    Config resolved = config.resolve();
    Config configured =
        StorageSettings.from(resolved)
            .persistenceConfig()
            .withFallback(seedNodes(System.getenv("ITINERA_SEED_NODES")))
            .withFallback(resolved);
    return joinWhenStarted(configured);
  }

  /**
   * Moves the seed nodes where Pekko does not see them: Pekko joins its seed nodes as soon as the
   * actor system starts, and a member whose shard regions have not started yet stalls the shard
   * coordinator (its state updates wait for every node) and receives shards before it can serve
   * them. {@link ClusterFormation#join} joins them once everything on this node has started.
   */
  static Config joinWhenStarted(Config config) {
    List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
    if (seeds.isEmpty()) {
      return config;
    }
    return ConfigFactory.parseMap(
            Map.of(ClusterFormation.SEED_NODES, seeds, "pekko.cluster.seed-nodes", List.of()))
        .withFallback(config);
  }

  /** {@code host:port,host:port} as Pekko seed-node addresses of this actor system. */
  static Config seedNodes(String hostPorts) {
    if (hostPorts == null || hostPorts.isBlank()) {
      return ConfigFactory.empty();
    }
    List<String> addresses =
        Arrays.stream(hostPorts.split(","))
            .map(String::trim)
            .filter(hostPort -> !hostPort.isEmpty())
            .map(hostPort -> "pekko://itinera@" + hostPort)
            .toList();
    return ConfigFactory.parseMap(Map.of("pekko.cluster.seed-nodes", addresses));
  }

  /**
   * Starts a node and waits until it serves HTTP. Migrates the schema first, so it fails here, with
   * the database's own message, when the database cannot be reached at start-up.
   */
  public static ItineraNode start(Config applicationConfig) {
    return start(applicationConfig, Clock.systemUTC());
  }

  /**
   * Starts a node whose journeys, timers and gateway read time from {@code clock}: tests move it to
   * make timers due without waiting.
   */
  public static ItineraNode start(Config applicationConfig, Clock clock) {
    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
      log.warn(
          "The common fork-join pool has fewer than 2 workers, so every callback on an ask starts a"
              + " thread; run with -D{}=2 (Main does this itself)",
          COMMON_POOL_PARALLELISM);
    }
    Config config = configure(applicationConfig);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "itinera", config);
    try {
      Storage storage = StorageExtension.get(system);
      int migrations = storage.migrate();
      log.info("Storage: {} ({} migration(s) applied)", storage.settings().describe(), migrations);

      // The journeys every customer entity on this node runs (see journey.JourneyRegistry).
      DeployedJourneys deployed = new DeployedJourneys(Metrics.get(system).templates());
      JourneyRegistry journeys =
          JourneyRegistry.start(system, storage.dataSource(), deployed, config);
      // Bandit splits learn from the arms' counts the analytics side keeps, shared by all nodes.
      deployed.learnFrom(
          SplitCounts.start(
              system,
              storage.dataSource(),
              config.getDuration("itinera.journeys.split-counts-refresh")));
      CustomerSettings customerSettings = CustomerSettings.from(config);
      // Action delivery: the outbox from the journal into the delivery queue, webhook senders per
      // channel, pull, stream and next-action (see delivery.DeliveryService).
      // Started before the customers, whose persisted decisions its eager outbox hears of.
      DeliveryService delivery =
          DeliveryService.start(
              system,
              storage,
              config,
              customerSettings.tagSlices(),
              config.getDuration("itinera.http.ask-timeout"),
              clock);
      // Export and erasure (GDPR) read and delete the customer's rows outside the journal too.
      CustomerRecords records = new CustomerRecords(storage.dataSource(), BlockingSql.of(system));
      CustomerEntity.init(
          system, customerSettings, deployed, clock, delivery.decisionsPersisted(), records);
      // Meters for Prometheus at /metrics on the management port (ops.MetricsRoute).
      ShardingMetrics.start(
          system,
          CustomerEntity.TYPE_KEY,
          config.getDuration("itinera.metrics.sharding-poll-interval"));
      StorageMetrics.start(
          system,
          storage.dataSource(),
          storage.settings().dialect(),
          config.getDuration("itinera.metrics.table-size-poll-interval"));

      // Durable timers: the journal's timer decisions projected into due_timers, and one waker
      // per slice that wakes the customers whose timers are due.
      DueTimers dueTimers = new DueTimers(storage.settings().dialect());
      DueTimersProjection.init(
          system, storage.dataSource(), dueTimers, customerSettings.tagSlices());
      TimerWaker.init(
          system,
          storage.dataSource(),
          dueTimers,
          customerSettings.tagSlices(),
          TimerWaker.Settings.from(config),
          clock);
      // Journey analytics: the journal's journey events counted into the analytics tables.
      AnalyticsProjection.init(
          system,
          storage.dataSource(),
          storage.settings().dialect(),
          customerSettings.tagSlices(),
          new AnalyticsProjection.Grouping(
              config.getInt("itinera.analytics.group-size"),
              config.getDuration("itinera.analytics.group-within")));
      SchedulingDelay scheduling = schedulingDelay(system, SchedulingDelay.Settings.from(config));
      Customers customers =
          new Customers(
              ClusterSharding.get(system),
              config.getDuration("itinera.http.ask-timeout"),
              config.getDuration("itinera.http.resend-after"),
              LatencyLimit.Settings.from(config),
              delivery.backlog(),
              scheduling,
              Metrics.get(system).ingest());
      // Entry without a touchpoint: the customer index kept from the journal, and the runs of
      // segment entries over it, made by one node (a cluster singleton; entry.EntryRunner).
      CustomerIndex customerIndex = new CustomerIndex(storage.settings().dialect());
      CustomerIndexProjection.init(
          system,
          storage.dataSource(),
          customerIndex,
          customerSettings.tagSlices(),
          new CustomerIndexProjection.Grouping(
              config.getInt("itinera.entry-runs.index-group-size"),
              config.getDuration("itinera.entry-runs.index-group-within")),
          clock);
      EntryScheduler.Settings runSettings = EntryScheduler.Settings.from(config);
      EntryRunner.init(
          system,
          new EntryScheduler(
              storage.dataSource(),
              customerIndex,
              new EntryRuns(),
              deployed,
              (customer, journey, cause) -> customers.enter(customer, journey, cause, Map.of()),
              runSettings,
              clock),
          runSettings.tick());
      ApiKeys keys = ApiKeys.from(config);
      // The environment's keys and the stored ones (gateway.KeyRing); may refuse the interface.
      String httpInterface = keys.httpInterface(config.getString("itinera.http.interface"));
      KeyRing keyRing =
          KeyRing.start(
              system,
              keys,
              new KeyStore(storage.dataSource()),
              config.getDuration("itinera.keys.refresh-interval"),
              clock);
      CustomerHistory history = new CustomerHistory(system, records);
      GatewayRoutes gateway =
          new GatewayRoutes(
              customers,
              history,
              journeys,
              new Analytics(system, storage.dataSource(), customerSettings.tagSlices()),
              delivery,
              keyRing,
              RateLimits.from(config),
              // The audit log of administration (audit.Audit), written before an admin route
              // answers.
              new Audit(storage.dataSource(), BlockingSql.of(system), clock),
              new EventTimeWindow(
                  config.getDuration("itinera.ingest.max-future-skew"),
                  Instant.parse(config.getString("itinera.ingest.earliest-event-time"))),
              // What-if replays of candidate journeys over recorded journals (replay.Replays).
              new Replays(
                  system,
                  history,
                  storage.dataSource(),
                  clock,
                  config.getDuration("itinera.replay.answer-within")),
              clock,
              new EntryRunLog(storage.dataSource(), BlockingSql.of(system)));

      ServerBinding binding =
          Http.get(system)
              .newServerAt(httpInterface, config.getInt("itinera.http.port"))
              // A request's headers must arrive in time (gateway.HeaderTimeout).
              .bindFlow(
                  HeaderTimeout.bounded(
                      gateway.routes(),
                      config.getDuration("itinera.http.header-timeout"),
                      config.getDuration("itinera.http.keep-alive-header-timeout"),
                      system))
              .toCompletableFuture()
              .get();
      // On leaving: not ready and still serving for the drain delay, then unbind and finish the
      // requests in progress, before sharding hands the shards off.
      GracefulLeave.register(system, binding, GracefulLeave.Settings.from(config));
      // Last: a member takes shards and coordinator work as soon as it is Up.
      ClusterFormation.join(system);
      int managementPort =
          PekkoManagement.get(system).start().toCompletableFuture().get().getPort();

      log.info(
          "Itinera is listening: HTTP API on port {}, management (/alive, /ready, /metrics) on port"
              + " {}",
          binding.localAddress().getPort(),
          managementPort);
      if (keys.usesDevelopmentKeys()) {
        log.warn(
            "Using the development keys (\"{}\", \"{}\", \"{}\"), which are public: the HTTP"
                + " API listens on {} only. Set ITINERA_WRITE_KEYS, ITINERA_READ_KEYS and"
                + " ITINERA_ADMIN_KEY to serve beyond this machine.",
            ApiKeys.DEVELOPMENT_WRITE_KEY,
            ApiKeys.DEVELOPMENT_READ_KEY,
            ApiKeys.DEVELOPMENT_ADMIN_KEY,
            httpInterface);
      }
      return new ItineraNode(system, binding, managementPort, deployed);
    } catch (Exception | Error e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      throw new IllegalStateException("Itinera could not start: " + rootMessage(e), e);
    }
  }

  public static ItineraNode start() {
    return start(ConfigFactory.load());
  }

  /**
   * Probes how late the default dispatcher (which serves HTTP and runs the entities) starts work,
   * for admission. The probe is handed over on the scheduler's own thread (an executor that runs
   * the task where it is called), so that a saturated dispatcher cannot delay the handing as well.
   */
  private static SchedulingDelay schedulingDelay(
      ActorSystem<?> system, SchedulingDelay.Settings settings) {
    SchedulingDelay delay = new SchedulingDelay(settings);
    // Probed even when it sheds nothing: its gauge tells a CPU-bound node from one that waits.
    system
        .scheduler()
        .scheduleAtFixedRate(
            settings.interval(),
            settings.interval(),
            () -> delay.probe(system.executionContext()),
            ExecutionContexts.fromExecutor(Runnable::run));
    return delay;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  public int httpPort() {
    return binding.localAddress().getPort();
  }

  /**
   * Leaves the cluster gracefully, as SIGTERM does: not ready and still serving for the drain
   * delay, HTTP unbound and drained, shards handed off (see {@link GracefulLeave}); then stops.
   */
  public CompletionStage<?> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
  }
}
