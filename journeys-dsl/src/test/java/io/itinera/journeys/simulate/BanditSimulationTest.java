package io.itinera.journeys.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator plays bandit splits from a seed: the same seed, the same trace. */
class BanditSimulationTest {

  private static final String BANNERS =
      """
      journey: banners
      entry: {event: Signed In}
      goal: {event: Order Completed}
      stages:
        browsing:
          on:
            - event: Home Viewed
              split:
                name: hero
                strategy: bandit
                warmUp: 0
                arms:
                  - {name: red, weight: 50, do: [{channel: web, type: show, template: red}]}
                  - {name: blue, weight: 50, do: [{channel: web, type: show, template: blue}]}
      """;

  @TempDir Path dir;

  private String simulate(long seed) throws IOException {
    Path journey = Files.writeString(dir.resolve("banners.journey.yaml"), BANNERS);
    StringBuilder script = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      script.append("customer c").append(i).append('\n');
      script.append("2026-11-23T10:00:00Z track \"Signed In\"\n");
      script.append("2026-11-23T10:01:00Z track \"Home Viewed\"\n");
    }
    Path file = Files.writeString(dir.resolve("banners.simulate"), script);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Simulate.run(
            List.of(journey),
            file,
            seed,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(Simulate.OK, code);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSameSeedGivesTheSameTraceAndOtherSeedsOtherCourses() throws IOException {
    String first = simulate(1);
    assertTrue(first.contains("banners split hero: arm "), first);
    assertEquals(first, simulate(1));
    Set<String> traces = new HashSet<>();
    for (long seed = 1; seed <= 5; seed++) {
      traces.add(simulate(seed));
    }
    assertTrue(traces.size() > 1, "five seeds gave one trace");
  }
}
