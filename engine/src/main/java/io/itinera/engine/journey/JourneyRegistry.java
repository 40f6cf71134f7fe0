package io.itinera.engine.journey;

import com.typesafe.config.Config;
import io.itinera.engine.journey.DeployResult.Conflict;
import io.itinera.engine.journey.DeployResult.Deployed;
import io.itinera.engine.journey.DeployResult.Invalid;
import io.itinera.engine.journey.DeployResult.Unchanged;
import io.itinera.engine.journey.JourneyVersions.Fingerprint;
import io.itinera.engine.journey.JourneyVersions.Snapshot;
import io.itinera.engine.journey.VersionRule.Verdict;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.journeys.condition.ConditionLimits;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Journey;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed journeys, kept in the {@code journey_versions} table and loaded into every node's
 * {@link DeployedJourneys}.
 *
 * <p><b>Versions.</b> A journey's name and version always mean the same source: a version can be
 * deployed once, and a new one must be higher than every version deployed before under that name,
 * retired ones included ({@link VersionRule}). Deploying the same name, version and source again
 * changes nothing. Older versions stay loaded for the customers still on them (the decider keeps a
 * customer on the version they entered); retiring a journey takes all its versions out, and the
 * decider then cancels its customers' timers.
 *
 * <p><b>Reaching every node.</b> The node that deploys loads the new version before it answers.
 * Every node polls a fingerprint of the table (row count, retired count, latest deployment and
 * retirement) every {@code itinera.journeys.poll-interval} and reloads when it changed; compiled
 * journeys are cached by name, version and source hash, so a reload compiles only what is new.
 *
 * <p>Every method here blocks on JDBC: call it through {@link #blocking()} (the {@code
 * itinera.blocking-dispatcher}), never from an actor's thread.
 */
public final class JourneyRegistry {

  private static final Logger log = LoggerFactory.getLogger(JourneyRegistry.class);

  private static final int DEPLOY_ATTEMPTS = 3;
  private static final String UNIQUE_VIOLATION = "23505";

  /** A deployed journey, as the list shows it: its latest version and the versions still loaded. */
  public record JourneySummary(
      String name,
      int version,
      List<Integer> versions,
      Instant deployedAt,
      String description,
      Integer priority,
      Integer stages) {}

  /** One deployed version of a journey. */
  public record VersionInfo(int version, Instant deployedAt) {}

  /**
   * A deployed journey's latest version in full, with every version still loaded (newest first).
   *
   * @param journey the parsed latest version; null if this engine cannot load it
   */
  public record JourneyDetails(
      String name,
      int version,
      String source,
      String fileName,
      Instant deployedAt,
      List<VersionInfo> versions,
      List<Diagnostic> warnings,
      Journey journey) {}

  /** What {@link #deployDirectory} did with one file. */
  public record FileResult(Path file, DeployResult result) {}

  private final JourneyVersions versions;
  private final DeployedJourneys deployed;
  private final Clock clock;
  private final BlockingSql blocking;
  private final CompiledJourneys compiled;

  private final Object reloading = new Object();
  private Fingerprint loadedFingerprint;
  private Set<String> publishedKeys;
  private volatile boolean stopped;
  private volatile boolean pollFailing;

  public JourneyRegistry(
      DataSource dataSource, DeployedJourneys deployed, Clock clock, BlockingSql blocking) {
    this(dataSource, deployed, clock, blocking, ConditionLimits.DEFAULT);
  }

  /** A registry whose journeys' conditions are held to {@code limits}. */
  public JourneyRegistry(
      DataSource dataSource,
      DeployedJourneys deployed,
      Clock clock,
      BlockingSql blocking,
      ConditionLimits limits) {
    this.versions = new JourneyVersions(dataSource);
    this.deployed = deployed;
    this.clock = clock;
    this.blocking = blocking;
    this.compiled = new CompiledJourneys(limits);
  }

  /** The limits of {@code itinera.journeys.condition-*}. */
  static ConditionLimits conditionLimits(Config config) {
    return new ConditionLimits(
        config.getInt("itinera.journeys.condition-max-iterations"),
        config.getDuration("itinera.journeys.condition-max-evaluation-time"),
        config.getDuration("itinera.journeys.condition-fold-timeout"));
  }

  /**
   * Starts a node's registry: loads what is deployed, deploys the journeys of {@code
   * itinera.journeys.directory} if set, and polls for deployments made through other nodes until
   * coordinated shutdown.
   */
  public static JourneyRegistry start(
      ActorSystem<?> system, DataSource dataSource, DeployedJourneys deployed, Config config) {
    BlockingSql blocking = BlockingSql.of(system);
    JourneyRegistry registry =
        new JourneyRegistry(
            dataSource, deployed, Clock.systemUTC(), blocking, conditionLimits(config));
    String directory = config.getString("itinera.journeys.directory").trim();
    if (!directory.isEmpty()) {
      registry.deployDirectory(Path.of(directory));
    }
    registry.reload();
    Duration interval = config.getDuration("itinera.journeys.poll-interval");
    Cancellable polling =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                interval,
                interval,
                registry::pollQuietly,
                ExecutionContexts.fromExecutor(blocking.executor()));
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "stop-journey-registry",
            () -> {
              registry.stopped = true;
              polling.cancel();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    return registry;
  }

  /** Where to run this registry's blocking calls. */
  public BlockingSql blocking() {
    return blocking;
  }

  // ---------------------------------------------------------------------------------------------
  // Deploying and retiring

  /** Deploys a journey file; a journey retired before is deployed again when its version is. */
  public DeployResult deploy(String fileName, String source, DeployOptions options) {
    return deploy(null, fileName, source, options);
  }

  /**
   * Loads a journey file as {@link #deploy} would check it, deploying nothing: what a what-if
   * replay runs. Either {@code loaded} (a journey without errors) or {@code invalid} is set.
   */
  public record Checked(LoadedJourney loaded, Invalid invalid) {}

  public Checked check(String expectedName, String fileName, String source) {
    JourneySource normalized = JourneySource.of(source);
    LoadResult result = compiled.load(fileName, normalized.text());
    if (!result.ok()) {
      return new Checked(null, new Invalid(fileName, result.errors(), result.warnings()));
    }
    Optional<Diagnostic> badName =
        normalized.nameProblem(result.loaded().journey().name(), expectedName);
    if (badName.isPresent()) {
      return new Checked(null, new Invalid(fileName, List.of(badName.get()), result.warnings()));
    }
    return new Checked(result.loaded(), null);
  }

  /**
   * Deploys a journey file as {@code options} say.
   *
   * @param expectedName the journey the file must be (the API's path names it); null for any
   */
  public DeployResult deploy(
      String expectedName, String fileName, String source, DeployOptions options) {
    JourneySource normalized = JourneySource.of(source);
    LoadResult result = compiled.load(fileName, normalized.text());
    if (!result.ok()) {
      return new Invalid(fileName, result.errors(), result.warnings());
    }
    Journey journey = result.loaded().journey();
    Optional<Diagnostic> badName = normalized.nameProblem(journey.name(), expectedName);
    if (badName.isPresent()) {
      return new Invalid(fileName, List.of(badName.get()), result.warnings());
    }
    DeployResult done = deployLoaded(journey, fileName, normalized, result, options);
    if (options.migrateInFlight() && !options.checkOnly()) {
      if (done instanceof Deployed d) {
        retireBelow(d.name(), d.version());
      } else if (done instanceof Unchanged u) {
        retireBelow(u.name(), u.version());
      }
    }
    return done;
  }

  /** Deploys a loaded journey, deciding again on what a concurrent deployment wrote. */
  private DeployResult deployLoaded(
      Journey journey,
      String fileName,
      JourneySource source,
      LoadResult result,
      DeployOptions options) {
    for (int attempt = 1; ; attempt++) {
      try {
        Optional<DeployResult> done = tryDeploy(journey, fileName, source, result, options);
        if (done.isPresent()) {
          return done.get();
        }
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw JourneyVersions.unwritable(e);
        }
      }
      // Another node deployed this journey at the same moment: decide again on what it wrote.
      if (attempt == DEPLOY_ATTEMPTS) {
        throw new IllegalStateException(
            "Journey " + journey.name() + " is being deployed concurrently; try again.");
      }
    }
  }

  /** Decides and writes one deployment; empty when a concurrent deployment got in between. */
  private Optional<DeployResult> tryDeploy(
      Journey journey,
      String fileName,
      JourneySource source,
      LoadResult result,
      DeployOptions options)
      throws SQLException {
    String name = journey.name();
    int version = journey.version();
    List<Diagnostic> warnings = result.warnings();
    Verdict verdict =
        VersionRule.decide(
            name, version, source.sha256(), versions.allVersionsOf(name), !options.fromDirectory());
    if (verdict instanceof Verdict.Refused refused) {
      return Optional.of(new Conflict(name, version, refused.latestVersion(), refused.detail()));
    }
    if (verdict instanceof Verdict.Unchanged unchanged) {
      return Optional.of(new Unchanged(name, version, unchanged.retired(), warnings));
    }
    if (options.checkOnly()) {
      return Optional.of(new Deployed(name, version, null, true, warnings));
    }
    StoredVersion stored =
        new StoredVersion(name, version, source.text(), source.sha256(), fileName, now(), null);
    boolean again = verdict instanceof Verdict.Redeploy;
    boolean written =
        again ? versions.redeploy(name, version, stored.deployedAt()) : versions.insert(stored);
    if (!written) {
      return Optional.empty();
    }
    compiled.add(stored, result);
    log.info(
        again
            ? "Journey {} version {} deployed again from {}"
            : "Journey {} version {} deployed from {}",
        name,
        version,
        fileName);
    if (!options.fromDirectory()) {
      reload();
    }
    return Optional.of(new Deployed(name, version, stored.deployedAt(), false, warnings));
  }

  /** Retires the versions of {@code name} below {@code version}; reloads if any was live. */
  private void retireBelow(String name, int version) {
    int retired = versions.retireBelow(name, version, now());
    if (retired > 0) {
      reload();
      log.info(
          "Journey {}: customers in flight migrated to version {} ({} older version(s) retired)",
          name,
          version,
          retired);
    }
  }

  /**
   * Undeploys every version of a journey: its customers' timers are cancelled by their next
   * decision ("journey X is no longer deployed"). Its versions stay reserved: deploying it again
   * needs the same version with the same source, or a higher one.
   *
   * @return false if no version of it was deployed
   */
  public boolean retire(String name) {
    int retired = versions.retire(name, now());
    if (retired == 0) {
      return false;
    }
    reload();
    log.info("Journey {} retired ({} version(s))", name, retired);
    return true;
  }

  /**
   * Deploys every {@code *.journey.yaml} of a directory, as at start-up. A file already deployed is
   * unchanged; a journey retired through the API stays retired. A file with errors, or a version
   * that conflicts with what is deployed, is reported as a warning with its file, line and column,
   * and the others are deployed all the same.
   */
  public List<FileResult> deployDirectory(Path directory) {
    return JourneyDirectory.deploy(this, directory);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** The deployed journeys by name, each with its latest version. */
  public List<JourneySummary> list() {
    Map<String, List<StoredVersion>> byName = new LinkedHashMap<>();
    for (StoredVersion version : versions.activeByName()) {
      byName.computeIfAbsent(version.name(), n -> new ArrayList<>()).add(version);
    }
    List<JourneySummary> summaries = new ArrayList<>(byName.size());
    byName.forEach(
        (name, stored) -> {
          StoredVersion latest = stored.get(0);
          LoadResult loaded = compiled.of(latest);
          Journey journey = loaded.ok() ? loaded.loaded().journey() : null;
          summaries.add(
              new JourneySummary(
                  name,
                  latest.version(),
                  stored.stream().map(StoredVersion::version).toList(),
                  latest.deployedAt(),
                  journey == null ? null : journey.description(),
                  journey == null ? null : journey.priority(),
                  journey == null ? null : journey.stages().size()));
        });
    return summaries;
  }

  /** A deployed journey's latest version, or empty if it is not deployed (or retired). */
  public Optional<JourneyDetails> get(String name) {
    List<StoredVersion> stored = versions.activeVersionsOf(name);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    StoredVersion latest = stored.get(0);
    LoadResult loaded = compiled.of(latest);
    return Optional.of(
        new JourneyDetails(
            name,
            latest.version(),
            latest.source(),
            latest.fileName(),
            latest.deployedAt(),
            stored.stream().map(v -> new VersionInfo(v.version(), v.deployedAt())).toList(),
            loaded.ok() ? loaded.warnings() : loaded.problems(),
            loaded.ok() ? loaded.loaded().journey() : null));
  }

  // ---------------------------------------------------------------------------------------------
  // Loading on this node

  /**
   * Loads every version that is not retired into {@link DeployedJourneys}, compiling only those not
   * loaded before. A stored version this engine cannot load (an engine upgrade changed the
   * language) is left out with an error in the log.
   *
   * @return whether the node's journeys changed
   */
  public boolean reload() {
    synchronized (reloading) {
      Snapshot snapshot = versions.snapshot();
      List<LoadedJourney> journeys = new ArrayList<>(snapshot.active().size());
      Set<String> keys = new TreeSet<>();
      for (StoredVersion version : snapshot.active()) {
        boolean fresh = !compiled.has(version);
        LoadResult result = compiled.of(version);
        keys.add(version.cacheKey());
        if (result.ok()) {
          journeys.add(result.loaded());
        } else if (fresh) {
          log.error(
              "Journey {} version {} is deployed but this engine cannot load it; it is left out"
                  + " until it is retired or a new version is deployed:\n  {}",
              version.name(),
              version.version(),
              result.errors().stream()
                  .map(p -> p.format(version.fileName()))
                  .collect(Collectors.joining("\n  ")));
        }
      }
      compiled.keepOnly(keys);
      loadedFingerprint = snapshot.fingerprint();
      if (keys.equals(publishedKeys)) {
        return false;
      }
      deployed.replace(journeys);
      publishedKeys = keys;
      log.info("Journeys on this node: {}", deployed.describe());
      return true;
    }
  }

  /**
   * Reloads if the table changed since the last load, as every node does each poll interval.
   *
   * @return whether the node's journeys changed
   */
  public boolean poll() {
    Fingerprint now = versions.fingerprint();
    synchronized (reloading) {
      if (now.equals(loadedFingerprint)) {
        return false;
      }
    }
    return reload();
  }

  private void pollQuietly() {
    if (stopped) {
      return;
    }
    try {
      poll();
      if (pollFailing) {
        pollFailing = false;
        log.info("The journey registry can be read again");
      }
    } catch (RuntimeException e) {
      if (!stopped && !pollFailing) {
        pollFailing = true;
        log.warn(
            "The journey registry could not be polled; retrying every interval: {}",
            e.getMessage());
      }
    }
  }

  /** Database times have microseconds; so do ours, so what we answer is what we stored. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
