package io.itinera.engine.analytics.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

class LiftTest {

  /** The population, with exactly the planted fractions converting in each arm. */
  @Test
  void plantedLiftOfTwentyPercentIsFoundInTwentyThousandCustomers() {
    LiftEstimate lift = estimate(18_000, 2_160, 2_000, 200);
    assertEquals(0.2, lift.pis(), 1e-12);
    assertTrue(lift.pisInterval().contains(0.2));
    assertFalse(lift.pisInterval().contains(0));
    assertEquals(0.02, lift.difference(), 1e-12);
    assertTrue(lift.differenceInterval().contains(0.02));
    assertFalse(lift.differenceInterval().contains(0));
    assertEquals(0.0085, lift.pValue(), 1e-4);
    assertEquals("lift 20% (95% CI 5% to 38%)", lift.verdict());
  }

  /** Katz's interval from first principles: se of ln(1.2) with the four counts. */
  @Test
  void pisIntervalIsKatzsLogInterval() {
    LiftEstimate lift = estimate(18_000, 2_160, 2_000, 200);
    double se = Math.sqrt(1 / 2160.0 - 1 / 18000.0 + 1 / 200.0 - 1 / 2000.0);
    assertEquals(0.07005, se, 1e-5);
    assertEquals(1.2 * Math.exp(-1.959964 * se) - 1, lift.pisInterval().low(), 1e-6);
    assertEquals(1.2 * Math.exp(1.959964 * se) - 1, lift.pisInterval().high(), 1e-6);
  }

  @Test
  void noPlantedDifferenceContainsZeroAndAsksForMoreCustomers() {
    LiftEstimate lift = estimate(18_000, 1_800, 2_000, 200);
    assertEquals(0.0, lift.pis(), 1e-12);
    assertTrue(lift.pisInterval().contains(0));
    assertEquals(14_751 - 2_000, lift.morePerArmNeeded());
    assertEquals(
        "not enough data: about 13,000 more customers per arm are needed to detect a lift of 10%"
            + " (so far 0%, 95% CI -13% to 15%)",
        lift.verdict());
  }

  @Test
  void enoughCustomersAndNoDifferenceIsNoDetectableLift() {
    LiftEstimate lift = estimate(20_000, 2_040, 20_000, 2_000);
    assertEquals(0L, lift.morePerArmNeeded());
    assertEquals("no detectable lift: 2% (95% CI -4% to 8%)", lift.verdict());
  }

  @Test
  void aFallIsReportedAsANegativeLift() {
    LiftEstimate lift = estimate(18_000, 1_440, 2_000, 200);
    assertTrue(lift.pisInterval().high() < 0);
    assertTrue(lift.verdict().startsWith("lift -20% (95% CI"), lift.verdict());
  }

  /** Fleiss' formula by hand: 10% against 11%, alpha 0.05, power 0.8: 14,750.6 per arm. */
  @Test
  void sampleSizeForATenPercentLiftOnATenPercentRate() {
    double root =
        1.959964 * Math.sqrt(2 * 0.105 * 0.895) + 0.841621 * Math.sqrt(0.1 * 0.9 + 0.11 * 0.89);
    assertEquals(14_751, (long) Math.ceil(root * root / 0.0001));
    assertEquals(14_751, SampleSize.perArm(0.10, 0.10, 0.05));
  }

  /** At the planned size, a true 10% lift is significant in about 80% of simulated experiments. */
  @Test
  void plannedSampleSizeHasEightyPercentPower() {
    UniformRandomProvider random = new SplittableRandom(11)::nextLong;
    int n = (int) SampleSize.perArm(0.10, 0.10, 0.05);
    var treated = BinomialDistribution.of(n, 0.11).createSampler(random);
    var holdout = BinomialDistribution.of(n, 0.10).createSampler(random);
    int found = 0;
    int experiments = 2_000;
    for (int i = 0; i < experiments; i++) {
      if (estimate(n, treated.sample(), n, holdout.sample()).pValue() < 0.05) {
        found++;
      }
    }
    double power = (double) found / experiments;
    assertTrue(power > 0.77 && power < 0.83, "power " + power);
  }

  /**
   * The population drawn at random (each customer held out with probability 10%, converting
   * with 12% or 10%) 4,000 times: the intervals cover the planted values about 95% of the time, and
   * exclude 0 about as often as the power of 20,000 customers allows.
   */
  @Test
  void intervalsCoverThePlantedValuesNinetyFivePercentOfTheTime() {
    UniformRandomProvider random = new SplittableRandom(17)::nextLong;
    var holdoutSize = BinomialDistribution.of(20_000, 0.10).createSampler(random);
    int runs = 4_000;
    int pisCovered = 0;
    int differenceCovered = 0;
    int excludedZero = 0;
    int nullCovered = 0;
    for (int i = 0; i < runs; i++) {
      int n0 = holdoutSize.sample();
      int n1 = 20_000 - n0;
      int x0 = BinomialDistribution.of(n0, 0.10).createSampler(random).sample();
      int x1 = BinomialDistribution.of(n1, 0.12).createSampler(random).sample();
      LiftEstimate lift = estimate(n1, x1, n0, x0);
      pisCovered += lift.pisInterval().contains(0.2) ? 1 : 0;
      differenceCovered += lift.differenceInterval().contains(0.02) ? 1 : 0;
      excludedZero += lift.pisInterval().contains(0) ? 0 : 1;
      int same = BinomialDistribution.of(n1, 0.10).createSampler(random).sample();
      nullCovered += estimate(n1, same, n0, x0).pisInterval().contains(0) ? 1 : 0;
    }
    assertBetween(0.94, 0.96, (double) pisCovered / runs, "PIS coverage");
    assertBetween(0.94, 0.96, (double) differenceCovered / runs, "difference coverage");
    assertBetween(0.94, 0.96, (double) nullCovered / runs, "coverage of no lift");
    assertBetween(0.70, 0.80, (double) excludedZero / runs, "power of 20,000 customers");
  }

  @Test
  void nobodyYet() {
    LiftEstimate lift = estimate(0, 0, 0, 0);
    assertFinite(lift);
    assertNull(lift.pis());
    assertNull(lift.pisInterval());
    assertNull(lift.morePerArmNeeded());
    assertEquals("not enough data: no customers have entered yet", lift.verdict());
  }

  @Test
  void noHeldOutCustomerHasConverted() {
    LiftEstimate lift = estimate(900, 90, 100, 0);
    assertFinite(lift);
    assertNull(lift.pis());
    assertNotNull(lift.morePerArmNeeded(), "planned on the pooled rate");
    assertTrue(
        lift.verdict()
            .startsWith(
                "not enough data: none of the 100 held-out customers has reached the goal yet"),
        lift.verdict());
  }

  @Test
  void noHoldoutAtAll() {
    LiftEstimate lift = estimate(900, 90, 0, 0);
    assertFinite(lift);
    assertNull(lift.pis());
    assertTrue(lift.verdict().startsWith("not enough data: no held-out customers yet"));
  }

  @Test
  void noTreatedCustomerHasConverted() {
    LiftEstimate lift = estimate(900, 0, 100, 10);
    assertFinite(lift);
    assertEquals(-1.0, lift.pis());
    assertEquals(-1.0, lift.pisInterval().low());
    assertTrue(lift.pisInterval().high() < 0);
    assertTrue(lift.verdict().startsWith("lift -100% (95% CI -100% to"), lift.verdict());
  }

  @Test
  void everybodyConverted() {
    LiftEstimate lift = estimate(50, 50, 10, 10);
    assertFinite(lift);
    assertEquals(0.0, lift.pis());
    assertEquals(new Interval(0, 0), lift.pisInterval());
    assertEquals(1.0, lift.pValue());
    assertTrue(lift.morePerArmNeeded() > 0, "planned as a 10% fall from 100%");
    assertTrue(lift.verdict().startsWith("not enough data: about "), lift.verdict());
  }

  @Test
  void tinyCounts() {
    for (long[] counts : new long[][] {{1, 1, 1, 0}, {1, 0, 1, 1}, {1, 1, 1, 1}, {2, 1, 3, 1}}) {
      LiftEstimate lift = estimate(counts[0], counts[1], counts[2], counts[3]);
      assertFinite(lift);
    }
  }

  @Test
  void confidenceLevelIsConfigurable() {
    LiftEstimate lift =
        Lift.estimate(
            new ArmOutcome("treated", 18_000, 2_160), new ArmOutcome("holdout", 2_000, 200), 0.9);
    assertTrue(lift.verdict().contains("(90% CI "), lift.verdict());
    assertTrue(lift.pisInterval().low() > estimate(18_000, 2_160, 2_000, 200).pisInterval().low());
    assertThrows(IllegalArgumentException.class, () -> estimate(1, 0, 1, 0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> estimate(1, 0, 1, 0, Double.NaN));
  }

  @Test
  void smallValuesKeepADigit() {
    assertEquals("0.4%", Verdict.percent(0.004));
    assertEquals("-0.03%", Verdict.percent(-0.0003));
    assertEquals("0%", Verdict.percent(0));
    assertEquals("18%", Verdict.percent(0.18));
  }

  private static LiftEstimate estimate(long n1, long x1, long n0, long x0) {
    return estimate(n1, x1, n0, x0, 0.95);
  }

  private static LiftEstimate estimate(long n1, long x1, long n0, long x0, double confidence) {
    return Lift.estimate(
        new ArmOutcome("treated", n1, x1), new ArmOutcome("holdout", n0, x0), confidence);
  }

  private static void assertFinite(LiftEstimate lift) {
    for (double value :
        new double[] {
          lift.treatedRate(),
          lift.holdoutRate(),
          lift.difference(),
          lift.differenceInterval().low(),
          lift.differenceInterval().high(),
          lift.pValue()
        }) {
      assertTrue(Double.isFinite(value), lift.toString());
    }
    if (lift.pis() != null) {
      assertTrue(Double.isFinite(lift.pis()), lift.toString());
    }
    assertFalse(lift.verdict().contains("NaN") || lift.verdict().contains("Infinity"));
  }

  private static void assertBetween(double low, double high, double actual, String what) {
    assertTrue(low <= actual && actual <= high, what + " " + actual);
  }
}
