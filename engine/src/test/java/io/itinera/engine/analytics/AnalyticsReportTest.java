package io.itinera.engine.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.analytics.AnalyticsQuery.ArmRow;
import io.itinera.engine.analytics.AnalyticsQuery.SplitRow;
import io.itinera.engine.analytics.AnalyticsQuery.TimeRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's own figures, until the statistics package replaces them at merge. */
class AnalyticsReportTest {

  @Test
  void medianAndP90AreInterpolatedInsideTheirBuckets() {
    // 10 customers in [1, 2) s, 10 in [4, 8) s.
    AnalyticsReport.TimeView time =
        AnalyticsReport.stageTime(List.of(new TimeRow("s", 1, 10), new TimeRow("s", 3, 10)));
    assertEquals(20, time.customers());
    assertEquals(2.0, time.medianSeconds(), 1e-9, "the 10th of 20 is the top of [1, 2)");
    assertEquals(
        4 * Math.pow(2, 0.8),
        time.p90Seconds(),
        1e-9,
        "the 18th: 8 of 10 into [4, 8), geometrically");
    assertNull(AnalyticsReport.stageTime(List.of()).medianSeconds(), "nobody left the stage");
  }

  @Test
  void liftIsTheDifferenceOverTheHoldoutRate() {
    AnalyticsReport.LiftView lift =
        AnalyticsReport.lift(
            List.of(new ArmRow("treated", 1000, 120, 0), new ArmRow("holdout", 100, 10, 0)));
    assertEquals(0.12, lift.treatedRate(), 1e-12);
    assertEquals(0.10, lift.holdoutRate(), 1e-12);
    assertEquals(0.2, lift.pis(), 1e-9);
    assertEquals(0.02, lift.difference(), 1e-12);
    assertNull(
        AnalyticsReport.lift(
                List.of(new ArmRow("treated", 10, 1, 0), new ArmRow("holdout", 10, 0, 0)))
            .pis(),
        "no PIS over a holdout rate of 0");
    AnalyticsReport.LiftView noHoldout =
        AnalyticsReport.lift(List.of(new ArmRow("treated", 10, 1, 0)));
    assertNull(noHoldout.pis(), "no holdout yet");
    assertTrue(noHoldout.verdict().contains("holdout"), noHoldout.verdict());

    AnalyticsReport.LiftView large =
        AnalyticsReport.lift(
            List.of(new ArmRow("treated", 18000, 2160, 0), new ArmRow("holdout", 2000, 200, 0)));
    assertTrue(large.pisInterval().low() > 0, "12% against 10% over 20,000 customers: " + large);
    assertTrue(large.pisInterval().high() > 0.2, large.toString());
    assertTrue(large.verdict().startsWith("lift 20%"), large.verdict());
  }

  @Test
  void aSplitsArmsShowTheirShareAndPosteriorAgainstTheControl() {
    List<AnalyticsReport.SplitArmView> arms =
        AnalyticsReport.splitArms(
            List.of(
                new SplitRow("offer", "free-shipping", 600, 90),
                new SplitRow("offer", "control", 300, 30),
                new SplitRow("offer", "ten-percent", 100, 10)));
    AnalyticsReport.SplitArmView control =
        arms.stream().filter(a -> a.arm().equals("control")).findFirst().orElseThrow();
    AnalyticsReport.SplitArmView shipping =
        arms.stream().filter(a -> a.arm().equals("free-shipping")).findFirst().orElseThrow();
    assertTrue(control.control(), "the arm named control is the control");
    assertNull(control.pValue());
    assertEquals(0.6, shipping.share(), 1e-12, "a bandit's allocation");
    assertEquals(91.0 / 602.0, shipping.posteriorMean(), 1e-12);
    assertTrue(shipping.adjustedPValue() >= shipping.pValue(), "Holm never lowers a p-value");
  }
}
