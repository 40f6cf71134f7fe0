package io.itinera.journeys.bench;

import io.itinera.journeys.decision.CustomerContext;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.Decision;
import io.itinera.journeys.decision.Input;
import io.itinera.journeys.decision.JourneyDecider;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decision with five journeys deployed: the three samples and two more that listen to the same
 * touchpoints, for a customer part-way through them (consent given, a few actions in the ledger, a
 * count window filling). What the customer entity pays per touchpoint besides persisting it.
 * Target: under 20 microseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecisionBenchmark {

  private static final String NEWS =
      """
      journey: news
      priority: 5
      entry: {event: Signed Up}
      caps:
        perChannel: [{channel: email, max: 3, per: 7d}]
        acrossChannels: [{max: 4, per: 1d}]
        offerCooldown: 24h
      stages:
        subscribed:
          on:
            - event: Product Viewed
              when: "event.properties.category == 'running-shoes'"
              do: [{channel: web, type: show, template: shoe-news}]
            - event: Article Read
              do: [{channel: email, type: send, template: digest}]
      """;

  private static final String BROWSE =
      """
      journey: browse-abandon
      priority: 3
      entry:
        event: Product Viewed
        when: "has(event.properties.price) && event.properties.price > 50.0"
      reEntry: {after: 7d}
      stages:
        browsing:
          on:
            - absence: {event: Product Added, within: 2h}
              do: [{channel: email, type: send, template: still-looking}]
            - event: Product Added
              goto: carted
        carted: {}
      """;

  private List<LoadedJourney> journeys;
  private CustomerJourneys state;
  private CustomerContext customer;
  private Touchpoint view;
  private Instant now;

  @Setup
  public void customerPartWayThrough() throws IOException {
    JourneyLoader loader = new JourneyLoader();
    journeys = new ArrayList<>();
    for (String sample : List.of("running-shoes", "win-back", "b2b-trial-onboarding")) {
      Path file = Path.of("../journeys/" + sample + ".journey.yaml");
      journeys.add(loaded(loader.load(file.toString(), Files.readString(file))));
    }
    journeys.add(loaded(loader.load("news.journey.yaml", NEWS)));
    journeys.add(loaded(loader.load("browse-abandon.journey.yaml", BROWSE)));

    now = Instant.parse("2026-11-23T12:00:00Z");
    state = CustomerJourneys.EMPTY;
    customer = CustomerContext.of("runner-7");
    feed(identify(Map.of("timezone", "Europe/Berlin", "plan", "free", "consent", Map.of("email", true, "sms", true))));
    feed(track("Signed Up", Map.of()));
    feed(track("Article Read", Map.of("slug", "pacing")));
    feed(track("Product Viewed", Map.of("category", "running-shoes", "sku", "RS-42", "price", 129.0)));
    now = now.plus(Duration.ofMinutes(2));
    view = track("Product Viewed", Map.of("category", "running-shoes", "sku", "RS-43", "price", 139.0));
    customer = customer.recording(view);
    if (decide().events().isEmpty()) {
      throw new IllegalStateException("the benchmarked touchpoint should move the customer on");
    }
  }

  private void feed(Touchpoint touchpoint) {
    customer = customer.recording(touchpoint);
    state = JourneyDecider.decide(state, customer, new Input.TouchpointArrived(touchpoint), journeys, now).applyTo(state);
    now = now.plusSeconds(30);
  }

  private Touchpoint track(String event, Map<String, Object> properties) {
    return new Touchpoint(TouchpointType.TRACK, "m-" + event + "-" + now, "runner-7", "runner-7", null, null, null,
        event, null, null, "web", properties, Map.of(), Map.of(), now, null, now);
  }

  private Touchpoint identify(Map<String, Object> traits) {
    return new Touchpoint(TouchpointType.IDENTIFY, "m-identify-" + now, "runner-7", "runner-7", null, null, null,
        null, null, null, "server", Map.of(), traits, Map.of(), now, null, now);
  }

  private static LoadedJourney loaded(LoadResult result) {
    if (!result.ok()) {
      throw new IllegalStateException(result.errors().toString());
    }
    return result.loaded();
  }

  @Benchmark
  public Decision decide() {
    return JourneyDecider.decide(state, customer, new Input.TouchpointArrived(view), journeys, now);
  }
}
