package io.itinera.journeys.decision;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * What the decider needs to run bandit splits besides the customer: the arms' counts and a random
 * source. Passed in, so the decider stays a pure function of its arguments: a test or a simulation
 * gives a seeded source and planted counts, the engine a thread-local source and the cluster's
 * counts. Only bandits draw from the source; fixed splits hash.
 */
public record Experiments(ArmStatistics statistics, UniformRandomProvider random) {

  /** No counts, and the calling thread's random source. */
  public static final Experiments NONE =
      new Experiments(ArmStatistics.NONE, () -> ThreadLocalRandom.current().nextLong());

  /** The same draws on every run for the same seed: for tests and {@code simulate --seed}. */
  public static Experiments seeded(ArmStatistics statistics, long seed) {
    return new Experiments(statistics, new SplittableRandom(seed)::nextLong);
  }
}
