package io.itinera.engine.analytics.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An A/B/n experiment's arms, each against the control: its rate with a Wilson interval, the
 * p-value of the same test {@link Lift} uses, and that p-value corrected with Holm's step-down
 * method (Holm 1979) for the number of arms compared. Holm keeps the chance of calling any equal
 * arm a winner under {@code 1 - confidence}, as Bonferroni does, and is never less powerful.
 */
public final class Arms {

  private Arms() {}

  /** The results in the order of {@code arms}. */
  public static List<ArmResult> compare(List<ArmOutcome> arms, String control, double confidence) {
    Objects.requireNonNull(arms, "arms");
    double z = Proportions.z(confidence);
    ArmOutcome controlArm =
        arms.stream()
            .filter(arm -> arm.arm().equals(control))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no control arm named " + control));
    if (new HashSet<>(arms.stream().map(ArmOutcome::arm).toList()).size() != arms.size()) {
      throw new IllegalArgumentException("two arms have the same name: " + arms);
    }
    List<ArmOutcome> challengers = arms.stream().filter(arm -> !arm.arm().equals(control)).toList();
    double[] raw =
        challengers.stream().mapToDouble(arm -> Proportions.pValue(arm, controlArm)).toArray();
    double[] adjusted = holm(raw);
    double alpha = 1 - confidence;
    List<ArmResult> results = new ArrayList<>();
    for (ArmOutcome arm : arms) {
      Interval interval = Proportions.wilson(arm.converted(), arm.customers(), z);
      int i = challengers.indexOf(arm);
      if (i < 0) {
        results.add(new ArmResult(arm, arm.rate(), interval, null, null, false));
      } else {
        results.add(
            new ArmResult(arm, arm.rate(), interval, raw[i], adjusted[i], adjusted[i] < alpha));
      }
    }
    return List.copyOf(results);
  }

  /**
   * Holm's adjusted p-values, in the order given: the i-th smallest (from 0) is multiplied by
   * {@code m - i}, capped at 1, and never below an adjusted value before it (R's {@code p.adjust(p,
   * "holm")}).
   */
  static double[] holm(double[] pValues) {
    int m = pValues.length;
    Integer[] order =
        IntStream.range(0, m)
            .boxed()
            .sorted(Comparator.comparingDouble(i -> pValues[i]))
            .toArray(Integer[]::new);
    double[] adjusted = new double[m];
    double running = 0;
    for (int rank = 0; rank < m; rank++) {
      int i = order[rank];
      running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
      adjusted[i] = running;
    }
    return adjusted;
  }
}
