package io.itinera.journeys.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The journeys shipped in journeys/ are what designers copy from: they must be clean. */
class SampleJourneysTest {

  static Stream<Path> samples() throws IOException {
    return Files.list(Path.of("../journeys"))
        .filter(p -> p.toString().endsWith(".journey.yaml"))
        .sorted();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleHasNoErrorsAndNoWarnings(Path sample) {
    LoadResult result = Journeys.LOADER.load(sample);
    assertEquals(
        List.of(), result.problems().stream().map(p -> p.format(sample.toString())).toList());
    assertTrue(result.ok());
  }

  @Test
  void theSamplesOfTheIssuesAreThere() throws IOException {
    assertEquals(
        List.of(
            "b2b-trial-onboarding.journey.yaml",
            "cart-offer-test.journey.yaml",
            "running-shoes.journey.yaml",
            "win-back.journey.yaml"),
        samples().map(p -> p.getFileName().toString()).toList());
  }
}
