package io.itinera.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.Scrape;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A node's scrape right after start-up, before any traffic: the counters alerts are written on are
 * there at 0 (a {@code rate()} over a series that appears only with its first event misses that
 * event), and Prometheus' own linter finds nothing wrong with any {@code itinera_*} family.
 */
class MetricsAtStartTest {

  private static final List<String> ROUTES =
      List.of("track", "identify", "page", "screen", "alias", "group", "batch", "import");

  @Test
  void alertCountersAreZeroAtStartAndPromtoolFindsNothing() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("metrics_start")) {
      ItineraNode node = TestNode.onPostgres(database);
      try {
        Scrape scrape = Scrape.of(node.managementPort());
        for (String route : ROUTES) {
          zero(scrape, "itinera_touchpoints_ingested_total", "route", route);
          zero(scrape, "itinera_touchpoints_duplicates_total", "route", route);
          for (String reason : IngestMetrics.REJECTION_REASONS) {
            zero(scrape, "itinera_touchpoints_rejected_total", "route", route, "reason", reason);
          }
        }
        assertTrue(IngestMetrics.REJECTION_REASONS.contains("unavailable"));
        for (String reason : IngestMetrics.SHED_REASONS) {
          zero(scrape, "itinera_admission_sheds_total", "reason", reason);
        }
        zero(scrape, "itinera_persist_seconds_count", "outcome", "failed");
        zero(scrape, "itinera_timer_wakeups_total", "outcome", "failed");
        zero(scrape, "itinera_entity_recovery_failures_total");
        zero(scrape, "itinera_conditions_over_limit_total");
        for (String cause : List.of("touchpoint", "timer", "merge")) {
          zero(scrape, "itinera_decisions_total", "cause", cause);
        }
        for (String outcome : List.of("queued", "left", "dropped")) {
          zero(scrape, "itinera_outbox_eager_actions_total", "outcome", outcome);
        }
        assertEquals(List.of(), promtoolComplaints(scrape.text()), "promtool check metrics");
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static void zero(Scrape scrape, String name, String... labels) {
    assertTrue(
        scrape.has(name, labels),
        name + " " + Arrays.toString(labels) + " missing at start-up:\n" + scrape.text());
    assertEquals(0, scrape.value(name, labels), name + " " + Arrays.toString(labels));
  }

  /** What {@code promtool check metrics} says about the {@code itinera_*} families. */
  private static List<String> promtoolComplaints(String scrape) throws Exception {
    Optional<File> promtool = onPath("promtool");
    // The CI script installs promtool, so this skips only on a machine set up by hand.
    Assumptions.assumeTrue(promtool.isPresent(), "promtool is not on the PATH");
    Process process =
        new ProcessBuilder(promtool.get().getPath(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(scrape.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "promtool finished");
    List<String> complaints = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.contains("itinera_")) {
        complaints.add(line);
      }
    }
    return complaints;
  }

  private static Optional<File> onPath(String program) throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(dir, program);
      if (candidate.canExecute()) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
