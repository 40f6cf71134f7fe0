package io.itinera.journeys.bench;

import io.itinera.journeys.decision.CustomerContext;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.Decision;
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
 * A decision with branches, five journeys deployed (the three samples, a newsletter and an
 * onboarding journey): the touchpoint enters the onboarding journey, whose first stage sends a
 * guarded action and one that waits until 10:00 in the customer's zone, then tries two arms whose
 * conditions fail before the otherwise arm ({@code branch}); against the same journey with plain
 * actions and no branch ({@code none}). Target: the decision under 20 us.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BranchBenchmark {

  private static final String NEWS =
      """
      journey: news
      entry: {event: Signed Up}
      stages:
        subscribed:
          on:
            - event: Article Read
              do: [{channel: email, type: send, template: digest}]
      """;

  private static final String BRANCHING =
      """
      journey: onboarding
      entry: {event: Signed Up}
      stages:
        welcome:
          enter:
            - {channel: email, type: send, template: welcome, when: "customer.traits.plan != 'none'"}
            - {channel: email, type: send, template: morning, delay: {until: "10:00", zone: customer}}
          branch:
            - {name: referred, when: "has(event.properties.referrer)", goto: referred}
            - {name: big, when: "has(customer.traits.seats) && customer.traits.seats > 50", goto: sales}
            - {otherwise: true, do: [{channel: web, type: show, template: tour}]}
          on:
            - event: Project Created
            - absence: {event: Project Created, within: 2d}
              branch:
                - {name: vip, when: "customer.traits.plan == 'vip'", goto: sales}
                - {otherwise: true, do: [{channel: email, type: send, template: tips}]}
        referred: {on: [{event: Project Created}]}
        sales: {on: [{event: Project Created}]}
      """;

  private static final String PLAIN =
      """
      journey: onboarding
      entry: {event: Signed Up}
      stages:
        welcome:
          enter:
            - {channel: email, type: send, template: welcome}
            - {channel: email, type: send, template: morning, delay: 20h}
            - {channel: web, type: show, template: tour}
          on:
            - event: Project Created
            - absence: {event: Project Created, within: 2d}
              do: [{channel: email, type: send, template: tips}]
      """;

  @Param({"none", "branch"})
  public String branch;

  private JourneySet journeys;
  private CustomerJourneys state;
  private CustomerContext customer;
  private Touchpoint signedUp;
  private Instant now;

  @Setup
  public void customerSigningUp() throws IOException {
    JourneyLoader loader = new JourneyLoader();
    List<LoadedJourney> loaded = new ArrayList<>();
    for (String sample : List.of("running-shoes", "win-back", "b2b-trial-onboarding")) {
      Path file = Path.of("../journeys/" + sample + ".journey.yaml");
      loaded.add(loaded(loader.load(file.toString(), Files.readString(file))));
    }
    loaded.add(loaded(loader.load("news.journey.yaml", NEWS)));
    String onboarding = branch.equals("none") ? PLAIN : BRANCHING;
    loaded.add(loaded(loader.load("onboarding.journey.yaml", onboarding)));
    journeys = JourneySet.of(loaded);

    now = Instant.parse("2026-11-23T12:00:00Z");
    state = CustomerJourneys.EMPTY.apply(new JourneyEvent.ConsentChanged("email", true, "m-0", now));
    customer =
        new CustomerContext(
            "runner-7",
            Map.of("timezone", "Europe/Berlin", "plan", "free"),
            Map.of());
    signedUp =
        new Touchpoint(TouchpointType.TRACK, "m-signed-up", "runner-7", "runner-7", null, null, null,
            "Signed Up", null, null, "web", Map.of("source", "ad"), Map.of(), Map.of(), now, null, now);
    customer = customer.recording(signedUp);
    Decision decision = decide();
    boolean branched = decision.events().stream().anyMatch(JourneyEvent.BranchTaken.class::isInstance);
    if (branched == branch.equals("none") || decision.actions().size() != 2) {
      throw new IllegalStateException("the benchmarked touchpoint should enter onboarding: " + decision);
    }
  }

  private static LoadedJourney loaded(LoadResult result) {
    if (!result.ok()) {
      throw new IllegalStateException(result.errors().toString());
    }
    return result.loaded();
  }

  @Benchmark
  public Decision decide() {
    return JourneyDecider.decide(state, customer, new Input.TouchpointArrived(signedUp), journeys, now);
  }

  /**
   * The two decisions interleaved in one JVM, for a machine too busy for JMH's runs one after
   * another to compare: 60 rounds of 20,000 decisions of each, the best and worst of the last 50 (Interleaved).
   */
  public static void main(String[] args) throws IOException {
    List<String> kinds = List.of("none", "branch");
    List<java.util.function.Supplier<Decision>> deciders = new ArrayList<>();
    for (String kind : kinds) {
      BranchBenchmark benchmark = new BranchBenchmark();
      benchmark.branch = kind;
      benchmark.customerSigningUp();
      deciders.add(benchmark::decide);
    }
    Interleaved.print(kinds, deciders);
  }
}
