package io.itinera.engine.entry;

import com.google.common.util.concurrent.RateLimiter;
import com.typesafe.config.Config;
import io.itinera.engine.customer.CustomerCommand.EntryOutcome;
import io.itinera.engine.entry.EntryRuns.Run;
import io.itinera.engine.journey.DeployedJourneys;
import io.itinera.journeys.decision.JourneySet;
import io.itinera.journeys.entry.IndexedCustomer;
import io.itinera.journeys.entry.RunSchedule;
import io.itinera.journeys.entry.SegmentMatch;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Entry;
import io.itinera.journeys.model.EntrySchedule;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Makes the runs of segment entries, one at a time, on the one node the {@link EntryRunner}
 * singleton runs on: on each tick it resumes a run left unfinished, or starts the run of the latest
 * schedule instant that has passed (several missed while no node was up make one run). A run pages
 * through the customer index by id, evaluates the segment on each row at the run's instant, and
 * asks the entity of each match to enter (the entity decides: not twice, re-entry policy, holdout),
 * at most {@code rate} asks a second; after every page its cursor and counts are stored, once every
 * ask of the page was answered, so a run cut short goes on from the last whole page and the asks it
 * repeats are recognised by their run-scoped cause.
 */
public final class EntryScheduler {

  /** Asks a customer's entity to enter a journey; completes with what it decided. */
  public interface Enterer {
    CompletionStage<EntryOutcome> enter(String customerId, String journey, String cause);
  }

  /**
   * @param rate entity asks a second at most, over the whole cluster (one node runs)
   * @param parallelism asks in flight at most
   */
  public record Settings(
      Duration tick, int pageSize, double rate, int parallelism, Duration askTimeout) {

    /** {@code itinera.entry-runs} (docs/operations.md, "Entry runs"). */
    public static Settings from(Config config) {
      Config runs = config.getConfig("itinera.entry-runs");
      return new Settings(
          runs.getDuration("tick"),
          runs.getInt("page-size"),
          runs.getDouble("rate"),
          runs.getInt("parallelism"),
          config.getDuration("itinera.http.ask-timeout"));
    }
  }

  /** The last part of a broadcast's run id: a version has one broadcast. */
  static final String BROADCAST = "broadcast";

  private final DataSource dataSource;
  private final CustomerIndex index;
  private final EntryRuns runs;
  private final DeployedJourneys deployed;
  private final Enterer enterer;
  private final Settings settings;
  private final Clock clock;
  private final RateLimiter limiter;

  /** When this scheduler first saw each journey version with no run yet: its first run's base. */
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

  public EntryScheduler(
      DataSource dataSource,
      CustomerIndex index,
      EntryRuns runs,
      DeployedJourneys deployed,
      Enterer enterer,
      Settings settings,
      Clock clock) {
    this.dataSource = dataSource;
    this.index = index;
    this.runs = runs;
    this.deployed = deployed;
    this.enterer = enterer;
    this.settings = settings;
    this.clock = clock;
    this.limiter = RateLimiter.create(settings.rate());
  }

  /** Makes every run that is due now; returns early once {@code stopped} says so. */
  public void tick(BooleanSupplier stopped) throws SQLException {
    JourneySet journeys = deployed.indexed();
    Set<String> names = new LinkedHashSet<>();
    journeys.all().forEach(loaded -> names.add(loaded.journey().name()));
    for (String name : names) {
      LoadedJourney loaded = journeys.latest(name);
      Entry entry = loaded.journey().entry();
      if (stopped.getAsBoolean() || entry == null || entry.segment() == null) {
        continue;
      }
      Optional<Run> due = dueRun(loaded, entry.schedule());
      if (due.isPresent()) {
        run(loaded, due.get(), stopped);
      }
    }
  }

  /** The run to make now for this journey: one left unfinished, or a new one whose time came. */
  private Optional<Run> dueRun(LoadedJourney loaded, EntrySchedule schedule) throws SQLException {
    String name = loaded.journey().name();
    int version = loaded.journey().version();
    Instant now = clock.instant();
    try (Connection connection = dataSource.getConnection()) {
      Optional<Run> unfinished = runs.unfinished(connection, name);
      if (unfinished.isPresent()) {
        return unfinished;
      }
      if (schedule instanceof EntrySchedule.Once) {
        String runId = name + ":" + version + ":" + BROADCAST;
        return runs.exists(connection, runId)
            ? Optional.empty()
            : Optional.of(runs.start(connection, runId, name, version, now, now));
      }
      Optional<Instant> last = runs.lastScheduled(connection, name);
      Instant base =
          last.isPresent()
              ? last.get()
              : deployedAt(connection, name, version)
                  // A deployment stamped ahead of this node's clock (skew) counts from first sight.
                  .filter(at -> !at.isAfter(now))
                  .orElseGet(() -> firstSeen.computeIfAbsent(name + ":" + version, k -> now));
      Optional<Instant> next = RunSchedule.next(schedule, base);
      if (next.isEmpty() || next.get().isAfter(now)) {
        return Optional.empty();
      }
      Instant at = next.get();
      for (int skipped = 0; skipped < 100_000; skipped++) {
        Optional<Instant> later = RunSchedule.next(schedule, at);
        if (later.isEmpty() || later.get().isAfter(now)) {
          break;
        }
        at = later.get();
      }
      return Optional.of(
          runs.start(connection, name + ":" + version + ":" + at, name, version, at, now));
    }
  }

  /**
   * When this version was deployed (the registry's row), the base of its first run: a node
   * restarted before that run still makes the runs whose instants passed meanwhile. Journeys not in
   * the registry fall back to when this node first saw them.
   */
  private static Optional<Instant> deployedAt(Connection connection, String name, int version)
      throws SQLException {
    try (java.sql.PreparedStatement query =
        connection.prepareStatement(
            "SELECT deployed_at FROM journey_versions WHERE name = ? AND version = ?")) {
      query.setString(1, name);
      query.setInt(2, version);
      try (java.sql.ResultSet result = query.executeQuery()) {
        return result.next() ? Optional.of(result.getTimestamp(1).toInstant()) : Optional.empty();
      }
    }
  }

  private void run(LoadedJourney loaded, Run started, BooleanSupplier stopped) throws SQLException {
    Run run = started;
    String cause = "run:" + run.runId();
    while (!stopped.getAsBoolean()) {
      List<IndexedCustomer> page;
      try (Connection connection = dataSource.getConnection()) {
        page =
            index.page(connection, run.cursor() == null ? "" : run.cursor(), settings.pageSize());
        if (page.isEmpty()) {
          runs.finish(connection, run.runId(), clock.instant());
          return;
        }
      }
      List<String> matches = new ArrayList<>();
      for (IndexedCustomer customer : page) {
        if (SegmentMatch.matches(loaded, customer, run.scheduledAt(), cause)) {
          matches.add(customer.customerId());
        }
      }
      long entered = enter(loaded.journey().name(), matches, cause, stopped);
      if (entered < 0) {
        return;
      }
      run =
          run.advanced(
              page.get(page.size() - 1).customerId(), page.size(), matches.size(), entered);
      try (Connection connection = dataSource.getConnection()) {
        runs.progress(connection, run);
      }
    }
  }

  /** Asks each match's entity, paced; how many entered, or -1 when stopped half-way. */
  private long enter(
      String journey, List<String> customers, String cause, BooleanSupplier stopped) {
    Semaphore inFlight = new Semaphore(settings.parallelism());
    AtomicLong entered = new AtomicLong();
    List<CompletableFuture<EntryOutcome>> asks = new ArrayList<>(customers.size());
    for (String customer : customers) {
      if (stopped.getAsBoolean()) {
        return -1;
      }
      limiter.acquire();
      inFlight.acquireUninterruptibly();
      asks.add(
          enterer
              .enter(customer, journey, cause)
              .toCompletableFuture()
              .whenComplete(
                  (outcome, failure) -> {
                    inFlight.release();
                    if (outcome != null && outcome.entered()) {
                      entered.incrementAndGet();
                    }
                  }));
    }
    // A failed ask fails the page: its cursor is not stored, and the next tick repeats it.
    CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .orTimeout(settings.askTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)
        .join();
    return entered.get();
  }
}
