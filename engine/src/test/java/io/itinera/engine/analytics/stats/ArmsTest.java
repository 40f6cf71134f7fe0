package io.itinera.engine.analytics.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

class ArmsTest {

  /** R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") gives 0.03 0.06 0.06 0.02. */
  @Test
  void holmAdjustmentMatchesR() {
    assertArrayEquals(
        new double[] {0.03, 0.06, 0.06, 0.02},
        Arms.holm(new double[] {0.01, 0.04, 0.03, 0.005}),
        1e-12);
    assertArrayEquals(new double[] {1.0, 1.0}, Arms.holm(new double[] {0.7, 0.9}), 1e-12);
    assertArrayEquals(new double[0], Arms.holm(new double[0]));
  }

  @Test
  void eachArmIsComparedWithTheControl() {
    List<ArmResult> results =
        Arms.compare(
            List.of(
                new ArmOutcome("a", 10_000, 1_000),
                new ArmOutcome("b", 10_000, 1_010),
                new ArmOutcome("c", 10_000, 1_200)),
            "a",
            0.95);
    ArmResult control = results.get(0);
    assertNull(control.pValueVsControl());
    assertNull(control.adjustedPValue());
    assertFalse(control.significant());
    assertEquals(0.10, control.rate(), 1e-12);
    assertTrue(control.interval().contains(0.10));
    assertFalse(results.get(1).significant(), "10.1% against 10%");
    assertTrue(results.get(2).significant(), "12% against 10%");
    for (ArmResult challenger : results.subList(1, 3)) {
      assertTrue(challenger.adjustedPValue() >= challenger.pValueVsControl());
    }
    assertEquals(
        Math.min(1, 2 * results.get(2).pValueVsControl()), results.get(2).adjustedPValue(), 1e-15);
  }

  @Test
  void equalArmsAreCalledWinnersAtMostOnceInTwentyExperiments() {
    UniformRandomProvider random = new SplittableRandom(4)::nextLong;
    var arm = BinomialDistribution.of(2_000, 0.1).createSampler(random);
    int anyWinner = 0;
    int experiments = 2_000;
    for (int i = 0; i < experiments; i++) {
      List<ArmResult> results =
          Arms.compare(
              List.of(
                  new ArmOutcome("a", 2_000, arm.sample()),
                  new ArmOutcome("b", 2_000, arm.sample()),
                  new ArmOutcome("c", 2_000, arm.sample()),
                  new ArmOutcome("d", 2_000, arm.sample())),
              "a",
              0.95);
      if (results.stream().anyMatch(ArmResult::significant)) {
        anyWinner++;
      }
    }
    double familyWiseError = (double) anyWinner / experiments;
    assertTrue(familyWiseError <= 0.06, "a false winner in " + familyWiseError);
    assertTrue(familyWiseError >= 0.02, "Holm is not that conservative: " + familyWiseError);
  }

  @Test
  void emptyArmsGiveNoNaN() {
    List<ArmResult> results =
        Arms.compare(List.of(new ArmOutcome("a", 0, 0), new ArmOutcome("b", 0, 0)), "a", 0.95);
    assertEquals(0.0, results.get(1).rate());
    assertEquals(1.0, results.get(1).pValueVsControl());
    assertEquals(new Interval(0, 1), results.get(1).interval());
  }

  @Test
  void theControlMustBeOneOfTheArmsAndNamesUnique() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Arms.compare(List.of(new ArmOutcome("a", 1, 0)), "b", 0.95));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Arms.compare(List.of(new ArmOutcome("a", 1, 0), new ArmOutcome("a", 2, 0)), "a", 0.95));
  }
}
