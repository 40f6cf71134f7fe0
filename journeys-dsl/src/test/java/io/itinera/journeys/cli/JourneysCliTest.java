package io.itinera.journeys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JourneysCliTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final JourneysCli cli =
      new JourneysCli(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));

  @Test
  void validateExitsZeroForCleanSamples() {
    int code =
        cli.run(
            "validate",
            "../journeys/running-shoes.journey.yaml",
            "../journeys/win-back.journey.yaml");
    assertEquals(0, code, err::toString);
    assertEquals("2 files checked: 0 errors, 0 warnings\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void validatePrintsLocatedProblemsAndExitsOne(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.journey.yaml");
    Files.writeString(
        file,
        """
        journey: bad
        entry: {event: A}
        stages:
          start:
            on:
              - {event: B, goto: nowhere}
              - {event: C}
        """);
    int code = cli.run("validate", file.toString());
    assertEquals(1, code);
    assertEquals(
        file
            + ":6:26: goto names stage 'nowhere', which does not exist; the stages are start\n"
            + file
            + ":7:9: warning: trigger 'C' does nothing; give it actions under 'do' or a 'goto'\n"
            + "1 file checked: 1 error, 1 warning\n",
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void validatePointsAtATemplateErrorInsideItsScalar(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("template.journey.yaml");
    Files.writeString(
        file,
        """
        journey: template
        entry: {event: A}
        stages:
          start:
            enter:
              - channel: web
                type: show
                template: banner
                content:
                  subject: "Hi {{ customer.traits.first_name | shout }}"
        """);
    int code = cli.run("validate", file.toString());
    assertEquals(1, code);
    assertEquals(
        file
            + ":10:54: template error in subject: no filter available named: shout\n"
            + "1 file checked: 1 error, 0 warnings\n",
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void validateReportsAMissingFileWithoutAStackTrace() {
    assertEquals(1, cli.run("validate", "no-such.journey.yaml"));
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .startsWith("no-such.journey.yaml: cannot read the file"),
        out::toString);
  }

  @Test
  void renderPrintsMermaid() {
    assertEquals(0, cli.run("render", "../journeys/running-shoes.journey.yaml"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("stateDiagram-v2\n"));
  }

  @Test
  void misuseExitsTwoWithUsage() {
    assertEquals(2, cli.run());
    assertEquals(2, cli.run("render"));
    assertEquals(2, cli.run("deploy", "x"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'deploy'"));
  }

  @Test
  void simulateTakesASeedForBanditSplits() {
    assertEquals(
        0,
        cli.run(
            "simulate",
            "--seed",
            "42",
            "../journeys/cart-offer-test.journey.yaml",
            "../journeys/cart-offer-test.simulate"));
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .contains("ada cart-offer-test split cart-follow-up: arm ten-percent (in carted)"));
    assertEquals(2, cli.run("simulate", "--seed", "forty-two", "a.journey.yaml", "a.simulate"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--seed needs a whole number"));
  }
}
