package io.itinera.engine.journey;

import com.typesafe.config.Config;
import io.itinera.engine.journey.DeployResult.Conflict;
import io.itinera.engine.journey.DeployResult.Deployed;
import io.itinera.engine.journey.DeployResult.Invalid;
import io.itinera.engine.journey.DeployResult.Unchanged;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Journey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
 * retired ones included. Deploying the same name, version and source again changes nothing. Older
 * versions stay loaded for the customers still on them (the decider keeps a customer on the version
 * they entered); retiring a journey takes all its versions out, and the decider then cancels its
 * customers' timers.
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

  /** Journey names are path segments of the API and keys of the table. */
  public static final int MAX_NAME_LENGTH = 200;

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

  private record Fingerprint(long rows, long retired, Instant lastDeployed, Instant lastRetired) {}

  private record Row(
      String name,
      int version,
      String source,
      String sha256,
      String fileName,
      Instant deployedAt,
      Instant retiredAt) {

    String cacheKey() {
      return JourneyRegistry.cacheKey(name, version, sha256);
    }
  }

  private final DataSource dataSource;
  private final DeployedJourneys deployed;
  private final Clock clock;
  private final BlockingSql blocking;

  /** Builds a CEL environment once; used under its own lock. */
  private final JourneyLoader loader = new JourneyLoader();

  /** Load results by name, version and source hash, for the versions loaded on this node. */
  private final Map<String, LoadResult> compiled = new ConcurrentHashMap<>();

  private final Object reloading = new Object();
  private Fingerprint loadedFingerprint;
  private Set<String> publishedKeys;
  private volatile boolean stopped;
  private volatile boolean pollFailing;

  public JourneyRegistry(
      DataSource dataSource, DeployedJourneys deployed, Clock clock, BlockingSql blocking) {
    this.dataSource = dataSource;
    this.deployed = deployed;
    this.clock = clock;
    this.blocking = blocking;
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
        new JourneyRegistry(dataSource, deployed, Clock.systemUTC(), blocking);
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
  public DeployResult deploy(String fileName, String source, boolean dryRun) {
    return deploy(null, fileName, source, dryRun, true, true);
  }

  /**
   * Deploys a journey file that must be the journey {@code expectedName} (the API's path names it).
   */
  public DeployResult deploy(String expectedName, String fileName, String source, boolean dryRun) {
    return deploy(expectedName, fileName, source, dryRun, true, true);
  }

  /**
   * Deploys as {@link #deploy(String, String, String, boolean)} and, with {@code migrate}, moves
   * the customers in flight to this version at once by retiring the older ones: a customer's next
   * decision runs on this version, from the stage they are in, and a customer whose stage this
   * version no longer has leaves the journey (its reason says so). Without it they stay on the
   * version they entered until they leave it.
   */
  public DeployResult deploy(
      String expectedName, String fileName, String source, boolean dryRun, boolean migrate) {
    DeployResult result = deploy(expectedName, fileName, source, dryRun, true, true);
    if (migrate && !dryRun) {
      if (result instanceof Deployed d) {
        retireBelow(d.name(), d.version());
      } else if (result instanceof Unchanged u) {
        retireBelow(u.name(), u.version());
      }
    }
    return result;
  }

  /** Retires the versions of {@code name} below {@code version}; reloads if any was live. */
  private void retireBelow(String name, int version) {
    int retired;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE journey_versions SET retired_at = ?"
                    + " WHERE name = ? AND version < ? AND retired_at IS NULL")) {
      s.setObject(1, timestamp(now()));
      s.setString(2, name);
      s.setInt(3, version);
      retired = s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The journey registry could not be written: " + e.getMessage(), e);
    }
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
   * @param redeployRetired whether the last version of a retired journey, sent unchanged, is
   *     deployed again (through the API) or left retired (start-up loading)
   * @param reload whether to load the deployment on this node at once
   */
  private DeployResult deploy(
      String expectedName,
      String fileName,
      String source,
      boolean dryRun,
      boolean redeployRetired,
      boolean reload) {
    String text = normalized(source);
    LoadResult result = load(fileName, text);
    if (!result.ok()) {
      return new Invalid(fileName, result.errors(), result.warnings());
    }
    Journey journey = result.loaded().journey();
    Optional<Diagnostic> badName = nameProblem(journey.name(), expectedName, text);
    if (badName.isPresent()) {
      return new Invalid(fileName, List.of(badName.get()), result.warnings());
    }
    String sha256 = sha256(text);
    for (int attempt = 1; ; attempt++) {
      try {
        Optional<DeployResult> done =
            tryDeploy(journey, fileName, text, sha256, result, dryRun, redeployRetired, reload);
        if (done.isPresent()) {
          return done.get();
        }
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw new IllegalStateException(
              "The journey registry could not be written: " + e.getMessage(), e);
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
      String text,
      String sha256,
      LoadResult result,
      boolean dryRun,
      boolean redeployRetired,
      boolean reload)
      throws SQLException {
    String name = journey.name();
    int version = journey.version();
    List<Diagnostic> warnings = result.warnings();
    List<Row> versions = versionsOf(name, false);
    int latest = versions.isEmpty() ? 0 : versions.get(0).version();
    Row same = versions.stream().filter(r -> r.version() == version).findFirst().orElse(null);
    if (same != null && !same.sha256().equals(sha256)) {
      return Optional.of(
          new Conflict(
              name,
              version,
              latest,
              "Version "
                  + version
                  + " of journey \""
                  + name
                  + "\" was deployed before with a different source, and a version never changes"
                  + " (customers may be on it); set \"version: "
                  + (latest + 1)
                  + "\" to deploy this one."));
    }
    if (version < latest) {
      return Optional.of(
          new Conflict(
              name,
              version,
              latest,
              "Journey \""
                  + name
                  + "\" is at version "
                  + latest
                  + ", and this file is version "
                  + version
                  + "; a deployment must be a higher version: set \"version: "
                  + (latest + 1)
                  + "\"."));
    }
    if (same != null) {
      if (same.retiredAt() == null || !redeployRetired) {
        return Optional.of(new Unchanged(name, version, same.retiredAt() != null, warnings));
      }
      if (dryRun) {
        return Optional.of(new Deployed(name, version, null, true, warnings));
      }
      Instant now = now();
      if (!redeploy(name, version, now)) {
        return Optional.empty();
      }
      compiled.put(cacheKey(name, version, sha256), result);
      log.info("Journey {} version {} deployed again from {}", name, version, fileName);
      if (reload) {
        reload();
      }
      return Optional.of(new Deployed(name, version, now, false, warnings));
    }
    if (dryRun) {
      return Optional.of(new Deployed(name, version, null, true, warnings));
    }
    Instant now = now();
    if (!insert(name, version, text, sha256, fileName, now)) {
      return Optional.empty();
    }
    compiled.put(cacheKey(name, version, sha256), result);
    log.info("Journey {} version {} deployed from {}", name, version, fileName);
    if (reload) {
      reload();
    }
    return Optional.of(new Deployed(name, version, now, false, warnings));
  }

  /**
   * Undeploys every version of a journey: its customers' timers are cancelled by their next
   * decision ("journey X is no longer deployed"). Its versions stay reserved: deploying it again
   * needs the same version with the same source, or a higher one.
   *
   * @return false if no version of it was deployed
   */
  public boolean retire(String name) {
    int retired;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE journey_versions SET retired_at = ? WHERE name = ? AND retired_at IS NULL")) {
      s.setObject(1, timestamp(now()));
      s.setString(2, name);
      retired = s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The journey registry could not be written: " + e.getMessage(), e);
    }
    if (retired == 0) {
      return false;
    }
    reload();
    log.info("Journey {} retired ({} version(s))", name, retired);
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** The deployed journeys by name, each with its latest version. */
  public List<JourneySummary> list() {
    Map<String, List<Row>> byName = new LinkedHashMap<>();
    for (Row row : activeRows("ORDER BY name, version DESC")) {
      byName.computeIfAbsent(row.name(), n -> new ArrayList<>()).add(row);
    }
    List<JourneySummary> summaries = new ArrayList<>(byName.size());
    byName.forEach(
        (name, rows) -> {
          Row latest = rows.get(0);
          Journey journey = journeyOf(latest);
          summaries.add(
              new JourneySummary(
                  name,
                  latest.version(),
                  rows.stream().map(Row::version).toList(),
                  latest.deployedAt(),
                  journey == null ? null : journey.description(),
                  journey == null ? null : journey.priority(),
                  journey == null ? null : journey.stages().size()));
        });
    return summaries;
  }

  /** A deployed journey's latest version, or empty if it is not deployed (or retired). */
  public Optional<JourneyDetails> get(String name) {
    List<Row> rows;
    try {
      rows = versionsOf(name, true);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The journey registry could not be read: " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Row latest = rows.get(0);
    LoadResult loaded = loadCached(latest);
    return Optional.of(
        new JourneyDetails(
            name,
            latest.version(),
            latest.source(),
            latest.fileName(),
            latest.deployedAt(),
            rows.stream().map(r -> new VersionInfo(r.version(), r.deployedAt())).toList(),
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
      Fingerprint fingerprint;
      List<Row> rows;
      try (Connection c = dataSource.getConnection()) {
        // The fingerprint first: a change after it is seen by the next poll.
        fingerprint = fingerprint(c);
        rows = activeRows(c, "ORDER BY name, version");
      } catch (SQLException e) {
        throw new IllegalStateException(
            "The journey registry could not be read: " + e.getMessage(), e);
      }
      List<LoadedJourney> journeys = new ArrayList<>(rows.size());
      Set<String> keys = new TreeSet<>();
      for (Row row : rows) {
        boolean fresh = !compiled.containsKey(row.cacheKey());
        LoadResult result = loadCached(row);
        keys.add(row.cacheKey());
        if (result.ok()) {
          journeys.add(result.loaded());
        } else if (fresh) {
          log.error(
              "Journey {} version {} is deployed but this engine cannot load it; it is left out"
                  + " until it is retired or a new version is deployed:\n  {}",
              row.name(),
              row.version(),
              result.errors().stream()
                  .map(p -> p.format(row.fileName()))
                  .collect(Collectors.joining("\n  ")));
        }
      }
      compiled.keySet().retainAll(keys);
      loadedFingerprint = fingerprint;
      if (keys.equals(publishedKeys)) {
        return false;
      }
      deployed.replace(journeys);
      publishedKeys = keys;
      log.info("Journeys on this node: {}", describe(journeys));
      return true;
    }
  }

  /**
   * Reloads if the table changed since the last load, as every node does each poll interval.
   *
   * @return whether the node's journeys changed
   */
  public boolean poll() {
    Fingerprint now;
    try (Connection c = dataSource.getConnection()) {
      now = fingerprint(c);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The journey registry could not be read: " + e.getMessage(), e);
    }
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

  /**
   * Deploys every {@code *.journey.yaml} of a directory, as at start-up. A file already deployed is
   * unchanged; a journey retired through the API stays retired. A file with errors, or a version
   * that conflicts with what is deployed, is reported as a warning with its file, line and column,
   * and the others are deployed all the same.
   */
  public List<FileResult> deployDirectory(Path directory) {
    if (!Files.isDirectory(directory)) {
      log.warn(
          "Journeys directory {} does not exist or is not a directory; no journeys loaded from it",
          directory);
      return List.of();
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files =
          listing
              .filter(
                  p ->
                      p.getFileName().toString().endsWith(".journey.yaml")
                          && Files.isRegularFile(p))
              .sorted()
              .toList();
    } catch (IOException e) {
      log.warn("Journeys directory {} could not be read: {}", directory, e.getMessage());
      return List.of();
    }
    List<FileResult> results = new ArrayList<>(files.size());
    for (Path file : files) {
      String text;
      try {
        text = readUtf8(file);
      } catch (IOException e) {
        log.warn("{}: not deployed: {}", file, e.getMessage());
        continue;
      }
      DeployResult result;
      try {
        result = deploy(null, file.toString(), text, false, false, false);
      } catch (RuntimeException e) {
        log.warn("{}: not deployed: {}", file, e.getMessage());
        continue;
      }
      report(file, result);
      results.add(new FileResult(file, result));
    }
    reload();
    return results;
  }

  private static void report(Path file, DeployResult result) {
    if (result instanceof Deployed deployed) {
      deployed.warnings().forEach(w -> log.warn("{}", w.format(file.toString())));
    } else if (result instanceof Unchanged unchanged && unchanged.retired()) {
      log.info(
          "{}: journey {} version {} was retired and stays so; deploy it through the API to bring it back",
          file,
          unchanged.name(),
          unchanged.version());
    } else if (result instanceof Unchanged unchanged) {
      log.debug(
          "{}: journey {} version {} is already deployed",
          file,
          unchanged.name(),
          unchanged.version());
    } else if (result instanceof Invalid invalid) {
      log.warn(
          "{}: not deployed, {} error(s):\n  {}",
          file,
          invalid.errors().size(),
          String.join("\n  ", invalid.formatted()));
    } else if (result instanceof Conflict conflict) {
      log.warn("{}: not deployed: {}", file, conflict.detail());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private LoadResult load(String fileName, String text) {
    synchronized (loader) {
      return loader.load(fileName, text);
    }
  }

  private LoadResult loadCached(Row row) {
    LoadResult cached = compiled.get(row.cacheKey());
    if (cached != null) {
      return cached;
    }
    LoadResult result = load(row.fileName(), row.source());
    LoadResult raced = compiled.putIfAbsent(row.cacheKey(), result);
    return raced == null ? result : raced;
  }

  private Journey journeyOf(Row row) {
    LoadResult result = loadCached(row);
    return result.ok() ? result.loaded().journey() : null;
  }

  private static Optional<Diagnostic> nameProblem(String name, String expectedName, String text) {
    Position at = keyPosition(text, "journey");
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of(
          Diagnostic.error(
              at,
              "the journey name is longer than " + MAX_NAME_LENGTH + " characters; shorten it"));
    }
    if (name.contains("/") || name.chars().anyMatch(Character::isISOControl)) {
      return Optional.of(
          Diagnostic.error(
              at,
              "the journey name may not contain '/' or control characters: it is part of the API's paths"));
    }
    if (expectedName != null && !expectedName.equals(name)) {
      return Optional.of(
          Diagnostic.error(
              at,
              "the file is journey '"
                  + name
                  + "' but was sent to /v1/journeys/"
                  + expectedName
                  + "; send it to /v1/journeys/"
                  + name
                  + " or rename it"));
    }
    return Optional.empty();
  }

  /** Where the value of a top-level key is written, for problems the loader does not locate. */
  static Position keyPosition(String text, String key) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith(key) && line.substring(key.length()).stripLeading().startsWith(":")) {
        int colon = line.indexOf(':');
        int value = colon + 1;
        while (value < line.length() && line.charAt(value) == ' ') {
          value++;
        }
        return new Position(i + 1, value < line.length() ? value + 1 : 1);
      }
    }
    return Position.UNKNOWN;
  }

  /** The text as stored and compared: without a byte-order mark, with \n line ends. */
  static String normalized(String source) {
    String text = source.startsWith("\uFEFF") ? source.substring(1) : source;
    return text.replace("\r\n", "\n");
  }

  private static String readUtf8(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException("the file is not UTF-8 text; save it as UTF-8", e);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String cacheKey(String name, int version, String sha256) {
    return name + '\u0000' + version + '\u0000' + sha256;
  }

  private static String describe(List<LoadedJourney> journeys) {
    if (journeys.isEmpty()) {
      return "none";
    }
    Map<String, List<Integer>> versions = new LinkedHashMap<>();
    journeys.forEach(
        j ->
            versions
                .computeIfAbsent(j.journey().name(), n -> new ArrayList<>())
                .add(j.journey().version()));
    return versions.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " v"
                    + e.getValue().stream().map(String::valueOf).collect(Collectors.joining(", v")))
        .collect(Collectors.joining("; "));
  }

  /** Database times have microseconds; so do ours, so what we answer is what we stored. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet r, String column) throws SQLException {
    OffsetDateTime value = r.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static Fingerprint fingerprint(Connection c) throws SQLException {
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) AS row_count, count(retired_at) AS retired_count,"
                    + " max(deployed_at) AS last_deployed, max(retired_at) AS last_retired FROM journey_versions");
        ResultSet r = s.executeQuery()) {
      r.next();
      return new Fingerprint(
          r.getLong("row_count"),
          r.getLong("retired_count"),
          instant(r, "last_deployed"),
          instant(r, "last_retired"));
    }
  }

  private static final String COLUMNS =
      "name, version, source, source_sha256, file_name, deployed_at, retired_at";

  private static Row row(ResultSet r) throws SQLException {
    return new Row(
        r.getString("name"),
        r.getInt("version"),
        r.getString("source"),
        r.getString("source_sha256"),
        r.getString("file_name"),
        instant(r, "deployed_at"),
        instant(r, "retired_at"));
  }

  private List<Row> activeRows(String order) {
    try (Connection c = dataSource.getConnection()) {
      return activeRows(c, order);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The journey registry could not be read: " + e.getMessage(), e);
    }
  }

  private static List<Row> activeRows(Connection c, String order) throws SQLException {
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT " + COLUMNS + " FROM journey_versions WHERE retired_at IS NULL " + order);
        ResultSet r = s.executeQuery()) {
      List<Row> rows = new ArrayList<>();
      while (r.next()) {
        rows.add(row(r));
      }
      return rows;
    }
  }

  /** A journey's versions, newest first; only those not retired when {@code activeOnly}. */
  private List<Row> versionsOf(String name, boolean activeOnly) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM journey_versions WHERE name = ?"
                    + (activeOnly ? " AND retired_at IS NULL" : "")
                    + " ORDER BY version DESC")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        List<Row> rows = new ArrayList<>();
        while (r.next()) {
          rows.add(row(r));
        }
        return rows;
      }
    }
  }

  /**
   * Inserts a version unless one as high or higher exists by now; a concurrent insert of the same
   * version fails on the primary key.
   */
  private boolean insert(
      String name, int version, String text, String sha256, String fileName, Instant now)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO journey_versions (name, version, source, source_sha256, file_name, deployed_at)"
                    + " SELECT ?, ?, ?, ?, ?, ? FROM (SELECT 1 AS one) AS single_row WHERE NOT EXISTS"
                    + " (SELECT 1 FROM journey_versions WHERE name = ? AND version >= ?)")) {
      s.setString(1, name);
      s.setInt(2, version);
      s.setString(3, text);
      s.setString(4, sha256);
      s.setString(5, fileName);
      s.setObject(6, timestamp(now));
      s.setString(7, name);
      s.setInt(8, version);
      return s.executeUpdate() == 1;
    }
  }

  /** Deploys a retired version again, unless that happened already. */
  private boolean redeploy(String name, int version, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE journey_versions SET retired_at = NULL, deployed_at = ?"
                    + " WHERE name = ? AND version = ? AND retired_at IS NOT NULL")) {
      s.setObject(1, timestamp(now));
      s.setString(2, name);
      s.setInt(3, version);
      return s.executeUpdate() == 1;
    }
  }
}
