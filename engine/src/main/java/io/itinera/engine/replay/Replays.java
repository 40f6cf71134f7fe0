package io.itinera.engine.replay;

import com.google.common.collect.Lists;
import io.itinera.engine.customer.CustomerHistory;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.simulate.Replay;
import io.itinera.journeys.simulate.Replay.Outcome;
import io.itinera.journeys.simulate.Replay.Recorded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What-if replays: a candidate journey and the deployed one, each run over the same customers'
 * recorded touchpoints through the journeys' decider (journeys-dsl {@link Replay}), compared. It
 * reads journals and writes nothing, sends nothing. One replay at a time per node, with bounds on
 * customers and touchpoints, so a replay cannot take the node's memory or its CPUs.
 */
public final class Replays {

  /** The most customers one replay reads. */
  public static final int MAX_CUSTOMERS = 10_000;

  /** A customer's first this many touchpoints are replayed; the rest are left out. */
  public static final int MAX_TOUCHPOINTS_PER_CUSTOMER = 1_000;

  /** Customers are read until this many touchpoints are held; the rest are left out. */
  public static final int MAX_TOUCHPOINTS = 1_000_000;

  /** How many customers whose paths differ are shown. */
  static final int EXAMPLES = 10;

  /** Customers whose journals one query reads; a replay holds two such chunks at most. */
  private static final int CUSTOMERS_READ_AT_ONCE = 100;

  /**
   * This node's replay now, or its last one: of {@code of} customers sampled, how many are
   * replayed; once it is done, its {@code report}, or why it failed.
   */
  public record Progress(
      boolean running, String journey, int replayed, int of, Report report, String failure) {

    Progress(boolean running, String journey, int replayed, int of) {
      this(running, journey, replayed, of, null, null);
    }

    public static Progress none(String journey) {
      return new Progress(false, journey, 0, 0);
    }
  }

  /** One row of a comparison: a stage, an action ("channel/template") or a suppression reason. */
  public record Count(String key, long deployed, long candidate) {}

  /** A customer whose stages differ between the two versions. */
  public record PathDifference(String customerId, List<String> deployed, List<String> candidate) {}

  /**
   * The comparison.
   *
   * @param truncated true when a bound left customers or touchpoints out
   * @param tookMillis the replay's time, reading the journals included
   */
  public record Report(
      String journey,
      int deployedVersion,
      int candidateVersion,
      int customers,
      long touchpoints,
      boolean truncated,
      List<Count> stages,
      List<Count> actions,
      List<Count> suppressed,
      List<Count> deferred,
      int pathsDiffering,
      List<PathDifference> examples,
      long tookMillis) {}

  private final ActorSystem<?> system;
  private final CustomerHistory history;
  private final RecordedTouchpoints recorded;
  private final Clock clock;
  private final Duration answerWithin;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile Progress progress = new Progress(false, null, 0, 0);

  /**
   * Three daemon threads: one replay at a time, reading the next customers' journals while its two
   * versions decide the last ones'.
   */
  private final Executor pool =
      Executors.newFixedThreadPool(
          3,
          task -> {
            Thread thread = new Thread(task, "itinera-replay");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param answerWithin how long a request waits for its replay before it is answered that the
   *     replay goes on ({@link #answerWithin()})
   */
  public Replays(
      ActorSystem<?> system,
      CustomerHistory history,
      DataSource dataSource,
      Clock clock,
      Duration answerWithin) {
    this.system = system;
    this.answerWithin = answerWithin;
    this.history = history;
    this.recorded = new RecordedTouchpoints(system, dataSource);
    this.clock = clock;
  }

  /**
   * Replays both versions over {@code customers}, or when empty over the {@code sample} customers
   * whose journals began most recently; empty when another replay is running on this node.
   */
  public Optional<CompletionStage<Report>> run(
      LoadedJourney deployed, LoadedJourney candidate, List<String> customers, int sample) {
    if (!running.compareAndSet(false, true)) {
      return Optional.empty();
    }
    long started = System.nanoTime();
    CompletionStage<List<String>> ids =
        customers.isEmpty()
            ? history.records().recentCustomerIds(Math.min(sample, MAX_CUSTOMERS))
            : CompletableFuture.completedFuture(
                customers.subList(0, Math.min(customers.size(), MAX_CUSTOMERS)));
    Instant end = clock.instant();
    Replay before = new Replay(deployed, end);
    Replay after = new Replay(candidate, end);
    String journey = candidate.journey().name();
    progress = new Progress(true, journey, 0, 0);
    CompletionStage<Report> report =
        ids.thenCompose(read -> replay(journey, read, before, after))
            .thenApply(
                counted ->
                    compared(
                        deployed, candidate, counted, before.outcome(), after.outcome(), started));
    report.whenComplete(
        (done, failed) -> {
          Progress last = progress;
          progress =
              new Progress(
                  false,
                  journey,
                  last.replayed(),
                  last.of(),
                  done,
                  failed == null ? null : "The replay failed: " + failed.getMessage());
          running.set(false);
        });
    return Optional.of(report);
  }

  /** How much was replayed. */
  private record Counted(int customers, long touchpoints, boolean truncated) {}

  /** How long a request waits for its replay before it is answered 202 (the replay goes on). */
  public Duration answerWithin() {
    return answerWithin;
  }

  /** This node's replay now, or its last one. */
  public Progress progress() {
    return progress;
  }

  /**
   * Reads the journals a hundred customers at a time ({@link RecordedTouchpoints}) and replays them
   * under both versions as they arrive, each version on a thread of the replays' own pool (CPU
   * work, kept off the SQL pool and the actors' dispatcher) while the next hundred are read, then
   * drops their touchpoints: memory holds the counts and paths, never the whole history.
   */
  private CompletionStage<Counted> replay(
      String journey, List<String> ids, Replay before, Replay after) {
    progress = new Progress(true, journey, 0, ids.size());
    int[] customers = {0};
    long[] touchpoints = {0};
    boolean[] truncated = {false};
    return Source.from(Lists.partition(ids, CUSTOMERS_READ_AT_ONCE))
        .mapAsync(
            1,
            chunk ->
                CompletableFuture.supplyAsync(
                    () -> recorded.read(chunk, MAX_TOUCHPOINTS_PER_CUSTOMER), pool))
        .<Recorded>mapConcat(chunk -> chunk)
        .takeWhile(
            customer -> {
              if (touchpoints[0] + customer.touchpoints().size() > MAX_TOUCHPOINTS) {
                truncated[0] = true;
                return false;
              }
              touchpoints[0] += customer.touchpoints().size();
              customers[0]++;
              truncated[0] |= customer.touchpoints().size() == MAX_TOUCHPOINTS_PER_CUSTOMER;
              return true;
            })
        .grouped(CUSTOMERS_READ_AT_ONCE)
        .mapAsync(
            1,
            chunk ->
                CompletableFuture.allOf(
                        CompletableFuture.runAsync(() -> chunk.forEach(before::add), pool),
                        CompletableFuture.runAsync(() -> chunk.forEach(after::add), pool))
                    .thenRun(
                        () -> progress = new Progress(true, journey, customers[0], ids.size())))
        .runWith(Sink.ignore(), system)
        .thenApply(done -> new Counted(customers[0], touchpoints[0], truncated[0]));
  }

  private Report compared(
      LoadedJourney deployed,
      LoadedJourney candidate,
      Counted counted,
      Outcome before,
      Outcome after,
      long started) {
    List<PathDifference> examples = new ArrayList<>();
    int differing = 0;
    for (Map.Entry<String, List<String>> customer : before.paths().entrySet()) {
      List<String> was = customer.getValue();
      List<String> would = after.paths().getOrDefault(customer.getKey(), List.of());
      if (!Objects.equals(was, would)) {
        differing++;
        if (examples.size() < EXAMPLES) {
          examples.add(new PathDifference(customer.getKey(), was, would));
        }
      }
    }
    return new Report(
        candidate.journey().name(),
        deployed.journey().version(),
        candidate.journey().version(),
        counted.customers(),
        counted.touchpoints(),
        counted.truncated(),
        side(before.entered(), after.entered(), stageOrder(deployed, candidate)),
        side(before.actions(), after.actions()),
        side(before.suppressed(), after.suppressed()),
        side(before.deferred(), after.deferred()),
        differing,
        examples,
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /** The candidate's stages in their declared order, then any only the deployed version has. */
  private static List<String> stageOrder(LoadedJourney deployed, LoadedJourney candidate) {
    LinkedHashSet<String> order = new LinkedHashSet<>();
    candidate.journey().stages().forEach(stage -> order.add(stage.name()));
    deployed.journey().stages().forEach(stage -> order.add(stage.name()));
    return List.copyOf(order);
  }

  private static List<Count> side(Map<String, Long> deployed, Map<String, Long> candidate) {
    return side(deployed, candidate, List.of());
  }

  /** Rows in {@code order}, then the other keys sorted. */
  private static List<Count> side(
      Map<String, Long> deployed, Map<String, Long> candidate, List<String> order) {
    TreeSet<String> sorted = new TreeSet<>(deployed.keySet());
    sorted.addAll(candidate.keySet());
    LinkedHashSet<String> keys = new LinkedHashSet<>();
    order.stream().filter(sorted::contains).forEach(keys::add);
    keys.addAll(sorted);
    return keys.stream()
        .map(k -> new Count(k, deployed.getOrDefault(k, 0L), candidate.getOrDefault(k, 0L)))
        .toList();
  }
}
