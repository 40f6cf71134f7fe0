package io.itinera.engine.analytics.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/** The intervals and tests against published worked examples and a second formula. */
class ProportionsTest {

  private static final double Z95 = Proportions.z(0.95);

  @Test
  void normalQuantileIsTheFamiliarOne() {
    assertEquals(1.959964, Z95, 1e-6);
    assertEquals(2.575829, Proportions.z(0.99), 1e-6);
  }

  /** Newcombe, Stat Med 1998;17:857-872, Table I, method 3 (score without correction). */
  @Test
  void wilsonIntervalMatchesNewcombesSingleProportionExamples() {
    assertInterval(0.2553, 0.3662, Proportions.wilson(81, 263, Z95));
    assertInterval(0.0624, 0.1605, Proportions.wilson(15, 148, Z95));
    assertInterval(0.0, 0.1611, Proportions.wilson(0, 20, Z95));
    assertInterval(0.0061, 0.1718, Proportions.wilson(1, 29, Z95));
    assertInterval(0.0, 1.0, Proportions.wilson(0, 0, Z95));
    assertEquals(1.0, Proportions.wilson(29, 29, Z95).high());
  }

  /** Newcombe, Stat Med 1998;17:873-890, Table II, method 10 (hybrid score). */
  @Test
  void differenceIntervalMatchesNewcombesTwoProportionExamples() {
    assertInterval(0.0524, 0.3339, difference(56, 70, 48, 80));
    assertInterval(0.1705, 0.8090, difference(9, 10, 3, 10));
    assertInterval(0.0582, 0.8062, difference(6, 7, 2, 7));
    assertInterval(-0.0381, 0.1926, difference(5, 56, 0, 29));
    assertInterval(-0.1611, 0.2775, difference(0, 10, 0, 20));
    assertInterval(-0.2775, 0.2775, difference(0, 10, 0, 10));
    assertInterval(0.6791, 1.0, difference(10, 10, 0, 20));
    assertInterval(0.6075, 1.0, difference(10, 10, 0, 10));
  }

  @Test
  void largeSamplePValueIsThePooledTwoProportionZTest() {
    ArmOutcome treated = new ArmOutcome("treated", 18_000, 2_160);
    ArmOutcome holdout = new ArmOutcome("holdout", 2_000, 200);
    double pooled = 2_360 / 20_000.0;
    double z = (0.12 - 0.10) / Math.sqrt(pooled * (1 - pooled) * (1 / 18_000.0 + 1 / 2_000.0));
    double expected = 2 * NormalDistribution.of(0, 1).cumulativeProbability(-Math.abs(z));
    assertEquals(expected, Proportions.pValue(treated, holdout), 1e-9);
    assertEquals(0.00853, expected, 5e-5);
  }

  /** Fisher's lady tasting tea: 3 of 4 right each way; two-sided p = 34/70. */
  @Test
  void smallCountsUseFishersExactTest() {
    double p = Proportions.pValue(new ArmOutcome("a", 4, 3), new ArmOutcome("b", 4, 1));
    assertEquals(34.0 / 70, p, 1e-9);
  }

  @Test
  void noEvidenceWithoutCustomersOrWithoutVariation() {
    assertEquals(1.0, Proportions.pValue(new ArmOutcome("a", 0, 0), new ArmOutcome("b", 9, 3)));
    assertEquals(1.0, Proportions.pValue(new ArmOutcome("a", 5, 0), new ArmOutcome("b", 9, 0)));
    assertEquals(1.0, Proportions.pValue(new ArmOutcome("a", 5, 5), new ArmOutcome("b", 9, 9)));
  }

  private static Interval difference(long x1, long n1, long x0, long n0) {
    return Proportions.newcombe(new ArmOutcome("a", n1, x1), new ArmOutcome("b", n0, x0), Z95);
  }

  private static void assertInterval(double low, double high, Interval actual) {
    assertEquals(low, actual.low(), 5e-5, "low of " + actual);
    assertEquals(high, actual.high(), 5e-5, "high of " + actual);
  }
}
