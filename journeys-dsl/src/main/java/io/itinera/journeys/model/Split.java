package io.itinera.journeys.model;

import java.util.List;
import java.util.Optional;

/**
 * An experiment where a trigger fires: customers are divided between named arms, each with its own
 * actions and, optionally, its own stage to go to. A customer's arm is chosen once per entry into
 * the journey and kept, so a later firing and a replay take the same path.
 *
 * @param name unique within the journey; analytics report the arms under it
 * @param strategy how an arm is chosen
 * @param arms at least two, whose weights add up to 100
 * @param minSharePercent for a bandit, the share (0 to 100) each arm keeps however badly it does
 * @param warmUp for a bandit, how many assignments each arm gets by weight before it learns
 */
public record Split(
    String name, Strategy strategy, List<Arm> arms, double minSharePercent, int warmUp) {

  /** The default share a bandit leaves each arm, in percent. */
  public static final double DEFAULT_MIN_SHARE = 5;

  /** The default number of assignments per arm a bandit makes by weight before it learns. */
  public static final int DEFAULT_WARM_UP = 100;

  public Split {
    strategy = strategy == null ? Strategy.FIXED : strategy;
    arms = List.copyOf(arms);
  }

  public Optional<Arm> arm(String armName) {
    return arms.stream().filter(a -> a.name().equals(armName)).findFirst();
  }

  /** How a customer's arm is chosen. */
  public enum Strategy {
    /** By weight, from a stable hash of customer, journey and split: an A/B/n test. */
    FIXED,
    /** Thompson sampling on the journey's goal, after a warm-up by weight. */
    BANDIT
  }

  /**
   * One arm of a split.
   *
   * @param weight its share in percent of customers (for a bandit, during the warm-up)
   * @param gotoStage the stage this arm moves to, or null for the trigger's own goto
   */
  public record Arm(String name, int weight, List<Action> actions, String gotoStage) {

    public Arm {
      actions = List.copyOf(actions);
    }
  }
}
