package io.itinera.journeys.bench;

import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.simulate.Replay;
import io.itinera.journeys.simulate.Replay.Recorded;
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
 * The decider's part of a what-if replay: one version of {@code running-shoes} over 1,000 customers'
 * 100 recorded touchpoints each (the shopper loadtest/replay/history.mjs sends: consent, views, a
 * cart every 12, an order every 25 and its shipment), timers firing up to half an hour after the
 * last. Reading the journals is not in it (loadtest/replay.sh measures the whole replay). Divide
 * by 100,000 for the cost per replayed touchpoint.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplayBenchmark {

  private static final String[] MODELS = {"Pegasus 41", "Ghost 16", "Clifton 9", "Novablast 5"};
  private static final Instant START = Instant.parse("2026-12-07T16:16:00Z");

  private LoadedJourney journey;
  private List<Recorded> customers;

  @Setup
  public void setUp() throws IOException {
    LoadResult result =
        new JourneyLoader()
            .load("running-shoes.journey.yaml", Files.readString(Path.of("../journeys/running-shoes.journey.yaml")));
    if (!result.ok()) {
      throw new IllegalStateException(result.errors().toString());
    }
    journey = result.loaded();
    customers = new ArrayList<>();
    for (int c = 0; c < 1_000; c++) {
      String user = "replay-" + c;
      List<Touchpoint> touchpoints = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        touchpoints.add(touchpoint(user, c, i, START.plusMillis(i * 2_600L + c)));
      }
      customers.add(new Recorded(user, touchpoints));
    }
  }

  private static Touchpoint touchpoint(String user, int c, int i, Instant at) {
    if (i == 0) {
      Map<String, Object> traits =
          Map.of("first_name", "Runner", "consent", Map.of("email", true, "sms", c % 2 == 0));
      return new Touchpoint(TouchpointType.IDENTIFY, "m-" + c + "-" + i, user, user, null, null, null,
          null, null, null, "server", Map.of(), traits, Map.of(), at, null, at);
    }
    String event =
        i % 25 == 0 ? "Order Completed"
            : i % 25 == 1 ? "Order Shipped"
            : i % 12 == 0 ? "Product Added" : "Product Viewed";
    String category = event.equals("Product Viewed") && (c + i) % 5 == 0 ? "trail" : "running-shoes";
    Map<String, Object> properties =
        Map.of("category", category, "name", MODELS[(c + i) % MODELS.length], "price", 80 + (i % 7) * 10);
    return new Touchpoint(TouchpointType.TRACK, "m-" + c + "-" + i, user, user, null, null, null,
        event, null, null, "server", properties, Map.of(), Map.of(), at, null, at);
  }

  @Benchmark
  public Replay.Outcome replayThousandCustomers() {
    return Replay.run(journey, customers, START.plus(Duration.ofMinutes(30)));
  }
}
