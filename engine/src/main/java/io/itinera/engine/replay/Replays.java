package io.itinera.engine.replay;

import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.engine.customer.CustomerHistory;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.simulate.Replay;
import io.itinera.journeys.simulate.Replay.Outcome;
import io.itinera.journeys.simulate.Replay.Recorded;
import io.itinera.protocol.touchpoint.Touchpoint;
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

  private static final int JOURNALS_READ_AT_ONCE = 4;

  /**
   * This node's replay now, or its last one: of {@code of} customers sampled, how many are
   * replayed.
   */
  public record Progress(boolean running, String journey, int replayed, int of) {}

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
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile Progress progress = new Progress(false, null, 0, 0);

  /** Two daemon threads: one replay at a time, its two versions at once. */
  private final Executor pool =
      Executors.newFixedThreadPool(
          2,
          task -> {
            Thread thread = new Thread(task, "itinera-replay");
            thread.setDaemon(true);
            return thread;
          });

  public Replays(ActorSystem<?> system, CustomerHistory history, Clock clock) {
    this.system = system;
    this.history = history;
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
          progress = new Progress(false, journey, last.replayed(), last.of());
          running.set(false);
        });
    return Optional.of(report);
  }

  /** How much was replayed. */
  private record Counted(int customers, long touchpoints, boolean truncated) {}

  /**
   * Reads the journals a few at a time and replays each customer under both versions as it arrives,
   * each version on a thread of the replays' own pool (CPU work, kept off the SQL pool and the
   * actors' dispatcher), then drops their touchpoints: memory holds the counts and paths, never the
   * whole history.
   */
  public Progress progress() {
    return progress;
  }

  private CompletionStage<Counted> replay(
      String journey, List<String> ids, Replay before, Replay after) {
    progress = new Progress(true, journey, 0, ids.size());
    int[] customers = {0};
    long[] touchpoints = {0};
    boolean[] truncated = {false};
    return Source.from(ids)
        .mapAsync(JOURNALS_READ_AT_ONCE, this::touchpoints)
        .filter(recorded -> !recorded.touchpoints().isEmpty())
        .takeWhile(
            recorded -> {
              if (touchpoints[0] + recorded.touchpoints().size() > MAX_TOUCHPOINTS) {
                truncated[0] = true;
                return false;
              }
              touchpoints[0] += recorded.touchpoints().size();
              customers[0]++;
              truncated[0] |= recorded.touchpoints().size() == MAX_TOUCHPOINTS_PER_CUSTOMER;
              return true;
            })
        .mapAsync(
            1,
            recorded ->
                CompletableFuture.allOf(
                        CompletableFuture.runAsync(() -> before.add(recorded), pool),
                        CompletableFuture.runAsync(() -> after.add(recorded), pool))
                    .thenRun(
                        () -> progress = new Progress(true, journey, customers[0], ids.size())))
        .runWith(Sink.ignore(), system)
        .thenApply(done -> new Counted(customers[0], touchpoints[0], truncated[0]));
  }

  private CompletionStage<Recorded> touchpoints(String customerId) {
    return history
        .journal(customerId)
        .map(envelope -> envelope.event())
        .filter(event -> event instanceof TouchpointRecorded)
        .map(event -> ((TouchpointRecorded) event).touchpoint())
        .take(MAX_TOUCHPOINTS_PER_CUSTOMER)
        .runWith(Sink.<Touchpoint>seq(), system)
        .thenApply(touchpoints -> new Recorded(customerId, touchpoints));
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
