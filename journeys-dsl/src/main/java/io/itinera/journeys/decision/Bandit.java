package io.itinera.journeys.decision;

import io.itinera.journeys.model.Split;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;

/**
 * Which arm of a split a customer gets: by weight from a stable hash for a fixed split; for a
 * bandit, by weight during the warm-up, then Thompson sampling on the goal's conversion with a
 * Beta(1, 1) prior, each arm keeping its minimum share. Pure: the same split, counts, draws and
 * customer give the same arm.
 */
public final class Bandit {

  private Bandit() {}

  /**
   * The arm for a customer.
   *
   * @param bucket the customer's place in 0 to 9,999, from {@link #bucket}
   * @param counts each arm's counts so far; ignored for a fixed split
   */
  public static Split.Arm choose(
      Split split, int bucket, Map<String, ArmCounts> counts, UniformRandomProvider random) {
    if (split.strategy() == Split.Strategy.FIXED || warmingUp(split, counts)) {
      return byWeight(split, bucket);
    }
    List<Split.Arm> arms = split.arms();
    double explore = split.minSharePercent() / 100 * arms.size();
    double draw = random.nextDouble();
    if (draw < explore) {
      // Each arm gets minShare of the customers whatever it converts: a bad start is not final.
      return arms.get(Math.min(arms.size() - 1, (int) (draw / explore * arms.size())));
    }
    Split.Arm best = null;
    double bestSample = -1;
    for (Split.Arm arm : arms) {
      ArmCounts seen = counts.getOrDefault(arm.name(), ArmCounts.NONE);
      long converted = Math.max(0, Math.min(seen.converted(), seen.assigned()));
      // Cheng's sampler straight from commons-rng: what a Beta distribution's sampler is, without
      // the distribution's set-up (log-beta and the like) that a draw does not need.
      double sample =
          ChengBetaSampler.of(random, 1 + converted, 1 + seen.assigned() - converted).sample();
      if (sample > bestSample) {
        best = arm;
        bestSample = sample;
      }
    }
    return best;
  }

  /** Until every arm has had its warm-up, arms are given by weight. */
  private static boolean warmingUp(Split split, Map<String, ArmCounts> counts) {
    for (Split.Arm arm : split.arms()) {
      if (counts.getOrDefault(arm.name(), ArmCounts.NONE).assigned() < split.warmUp()) {
        return true;
      }
    }
    return false;
  }

  /** The arm whose share of the weights holds the bucket: weights are percentages. */
  static Split.Arm byWeight(Split split, int bucket) {
    int total = split.arms().stream().mapToInt(Split.Arm::weight).sum();
    long place = (long) bucket * total / Holdout.BUCKETS;
    int upTo = 0;
    for (Split.Arm arm : split.arms()) {
      upTo += arm.weight();
      if (place < upTo) {
        return arm;
      }
    }
    return split.arms().get(split.arms().size() - 1);
  }

  /**
   * A customer's stable place for a split: the holdout's hash over journey, split and customer, so
   * arms are independent of the holdout and of other splits.
   */
  public static int bucket(String customerId, String journey, String split) {
    return Holdout.bucket(customerId, journey + '\u0000' + split);
  }
}
