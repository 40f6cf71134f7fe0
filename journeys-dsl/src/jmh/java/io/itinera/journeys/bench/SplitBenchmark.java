package io.itinera.journeys.bench;

import io.itinera.journeys.decision.ArmCounts;
import io.itinera.journeys.decision.CustomerContext;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.Decision;
import io.itinera.journeys.decision.Experiments;
import io.itinera.journeys.decision.Input;
import io.itinera.journeys.decision.JourneyDecider;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneySet;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a split adds to a decision: the same touchpoint fires the same trigger, whose action and
 * stage change come from the trigger itself ({@code none}), from the arm of a fixed split (a hash
 * and an ArmAssigned event), or from a bandit past its warm-up (a Beta draw per arm too). The
 * three sample journeys are deployed beside it, as in {@link DecisionBenchmark}. The customer has
 * no arm yet, so every decision assigns one: the costly case. Target: under 2 us more than none.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SplitBenchmark {

  private static final String OFFER =
      """
      journey: offer
      entry: {event: Signed Up}
      goal: {event: Order Completed}
      stages:
        browsing:
          on:
            - event: Product Added
      %s
        offered: {on: [{event: Order Completed}, {event: Order Shipped, goto: shipping}]}
        shipping: {on: [{event: Order Completed}]}
      """;

  private static final String PLAIN =
      """
              do: [{channel: web, type: show, template: ten-off}]
              goto: offered""";

  private static final String SPLIT =
      """
              split:
                name: first-offer
                strategy: %s
                arms:
                  - {name: ten, weight: 50, do: [{channel: web, type: show, template: ten-off}], goto: offered}
                  - {name: ship, weight: 50, do: [{channel: web, type: show, template: ship}], goto: shipping}""";

  @Param({"none", "fixed", "bandit"})
  public String split;

  private JourneySet journeys;
  private Experiments experiments;
  private CustomerJourneys state;
  private CustomerContext customer;
  private Touchpoint added;
  private Instant now;

  @Setup
  public void customerInTheOfferJourney() throws IOException {
    JourneyLoader loader = new JourneyLoader();
    List<LoadedJourney> loaded = new ArrayList<>();
    for (String sample : List.of("running-shoes", "win-back", "b2b-trial-onboarding")) {
      Path file = Path.of("../journeys/" + sample + ".journey.yaml");
      loaded.add(loaded(loader.load(file.toString(), Files.readString(file))));
    }
    String trigger = split.equals("none") ? PLAIN : SPLIT.formatted(split);
    loaded.add(loaded(loader.load("offer.journey.yaml", OFFER.formatted(trigger.indent(8).stripTrailing()))));
    journeys = JourneySet.of(loaded);
    // Well past the warm-up, so the bandit samples.
    Map<String, ArmCounts> counts = Map.of("ten", new ArmCounts(5000, 600), "ship", new ArmCounts(5000, 500));
    experiments = new Experiments((journey, version, name) -> counts, new SplittableRandom(7)::nextLong);

    now = Instant.parse("2026-11-23T12:00:00Z");
    customer = CustomerContext.of("runner-7");
    Touchpoint signedUp = track("Signed Up");
    customer = customer.recording(signedUp);
    state = JourneyDecider.decide(CustomerJourneys.EMPTY, customer, new Input.TouchpointArrived(signedUp), journeys, experiments, now)
        .applyTo(CustomerJourneys.EMPTY);
    now = now.plusSeconds(60);
    added = track("Product Added");
    customer = customer.recording(added);
    Decision decision = decide();
    boolean assigned = decision.events().stream().anyMatch(JourneyEvent.ArmAssigned.class::isInstance);
    if (assigned == split.equals("none") || decision.actions().size() != 1) {
      throw new IllegalStateException("the benchmarked touchpoint should take the offer: " + decision);
    }
  }

  private Touchpoint track(String event) {
    return new Touchpoint(TouchpointType.TRACK, "m-" + event + "-" + now, "runner-7", "runner-7", null, null, null,
        event, null, null, "web", Map.of("sku", "RS-42"), Map.of(), Map.of(), now, null, now);
  }

  private static LoadedJourney loaded(LoadResult result) {
    if (!result.ok()) {
      throw new IllegalStateException(result.errors().toString());
    }
    return result.loaded();
  }

  @Benchmark
  public Decision decide() {
    return JourneyDecider.decide(state, customer, new Input.TouchpointArrived(added), journeys, experiments, now);
  }

  /**
   * The same three decisions interleaved in one JVM, for a machine too busy for JMH's runs one
   * after another to compare: 60 rounds of 20,000 decisions of each, the best and worst of the last 50 (Interleaved).
   */
  public static void main(String[] args) throws IOException {
    List<String> kinds = List.of("none", "fixed", "bandit");
    List<java.util.function.Supplier<Decision>> deciders = new ArrayList<>();
    for (String kind : kinds) {
      SplitBenchmark benchmark = new SplitBenchmark();
      benchmark.split = kind;
      benchmark.customerInTheOfferJourney();
      deciders.add(benchmark::decide);
    }
    Interleaved.print(kinds, deciders);
  }
}
