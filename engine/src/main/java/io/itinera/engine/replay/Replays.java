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
    CompletionStage<Report> report =
        ids.thenCompose(this::read)
            .thenCompose(read -> compare(deployed, candidate, read, started));
    report.whenComplete((done, failed) -> running.set(false));
    return Optional.of(report);
  }

  private record Read(List<Recorded> customers, long touchpoints, boolean truncated) {}

  private CompletionStage<Read> read(List<String> ids) {
    long[] held = {0};
    boolean[] truncated = {false};
    return Source.from(ids)
        .mapAsync(JOURNALS_READ_AT_ONCE, this::touchpoints)
        .takeWhile(
            recorded -> {
              if (held[0] + recorded.touchpoints().size() > MAX_TOUCHPOINTS) {
                truncated[0] = true;
                return false;
              }
              held[0] += recorded.touchpoints().size();
              truncated[0] |= recorded.touchpoints().size() == MAX_TOUCHPOINTS_PER_CUSTOMER;
              return true;
            })
        .runWith(Sink.seq(), system)
        .thenApply(read -> new Read(read, held[0], truncated[0]));
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

  /**
   * The two versions replayed side by side, each on a thread of the replays' own pool: CPU work,
   * kept off the SQL pool and the actors' dispatcher.
   */
  private CompletionStage<Report> compare(
      LoadedJourney deployed, LoadedJourney candidate, Read read, long started) {
    List<Recorded> customers =
        read.customers().stream().filter(c -> !c.touchpoints().isEmpty()).toList();
    CompletableFuture<Outcome> before =
        CompletableFuture.supplyAsync(() -> Replay.run(deployed, customers, clock.instant()), pool);
    CompletableFuture<Outcome> after =
        CompletableFuture.supplyAsync(
            () -> Replay.run(candidate, customers, clock.instant()), pool);
    return before.thenCombine(
        after, (was, would) -> compared(deployed, candidate, read, customers, was, would, started));
  }

  private Report compared(
      LoadedJourney deployed,
      LoadedJourney candidate,
      Read read,
      List<Recorded> customers,
      Outcome before,
      Outcome after,
      long started) {
    List<PathDifference> examples = new ArrayList<>();
    int differing = 0;
    for (Recorded customer : customers) {
      List<String> was = before.paths().getOrDefault(customer.customerId(), List.of());
      List<String> would = after.paths().getOrDefault(customer.customerId(), List.of());
      if (!Objects.equals(was, would)) {
        differing++;
        if (examples.size() < EXAMPLES) {
          examples.add(new PathDifference(customer.customerId(), was, would));
        }
      }
    }
    return new Report(
        candidate.journey().name(),
        deployed.journey().version(),
        candidate.journey().version(),
        customers.size(),
        read.touchpoints(),
        read.truncated(),
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
