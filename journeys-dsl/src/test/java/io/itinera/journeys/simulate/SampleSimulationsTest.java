package io.itinera.journeys.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each sample journey's script gives exactly its expected trace, so the samples show what the
 * engine does. After a deliberate change of behaviour, regenerate a trace with {@code ./itinera
 * journeys simulate journeys/X.journey.yaml journeys/X.simulate > journeys/X.expected} and read the
 * diff.
 */
class SampleSimulationsTest {

  static final Path SAMPLES = Path.of("../journeys");
  static final Path EXTRA = Path.of("src/test/resources/simulate");

  static Stream<String> samples() throws IOException {
    return Files.list(SAMPLES)
        .map(p -> p.getFileName().toString())
        .filter(name -> name.endsWith(".journey.yaml"))
        .map(name -> name.substring(0, name.length() - ".journey.yaml".length()))
        .sorted();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleScriptGivesItsExpectedTrace(String sample) throws IOException {
    assertTrace(
        List.of(SAMPLES.resolve(sample + ".journey.yaml")),
        SAMPLES.resolve(sample + ".simulate"),
        SAMPLES.resolve(sample + ".expected"));
  }

  @Test
  void theEmailCapCountsWhatOtherJourneysSent() throws IOException {
    assertTrace(
        List.of(
            SAMPLES.resolve("running-shoes.journey.yaml"),
            EXTRA.resolve("newsletter.journey.yaml")),
        EXTRA.resolve("running-shoes-with-newsletter.simulate"),
        EXTRA.resolve("running-shoes-with-newsletter.expected"));
  }

  @Test
  void theRunningShoeTraceTellsTheSeedsStory() throws IOException {
    String trace = Files.readString(SAMPLES.resolve("running-shoes.expected"));
    for (String part :
        List.of(
            "action show web discount-popup offer=running-10-off percent=10 on \"3x Product Viewed in 10m\"",
            "suppressed show web discount-popup offer=running-10-off percent=10: OFFER_COOLDOWN",
            "action send email cart-reminder offer=free-shipping product=\"Pegasus 41\""
                + " subject=\"Ada, still thinking about Pegasus 41?\" on \"no Order Completed in 15m\"",
            "cancelled timer \"no Order Completed in 15m\": goal purchase reached",
            "2026-11-24T03:30:00Z runner-42 running-shoes deferred send sms order-shipped until 2026-11-24T13:00:00Z")) {
      assertEquals(true, trace.contains(part), part);
    }
  }

  static void assertTrace(List<Path> journeys, Path script, Path expected) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Simulate.run(
            journeys,
            script,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(Simulate.OK, code, err.toString(StandardCharsets.UTF_8));
    assertEquals(
        Files.readString(expected, StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
  }
}
