package io.itinera.journeys.bench;

import io.itinera.journeys.decision.Decision;
import java.util.List;
import java.util.function.Supplier;

/**
 * Decisions of several kinds interleaved in one JVM, for a machine too busy for JMH's runs one
 * after another to compare: 60 rounds of 20,000 decisions of each kind, and of the last 50 rounds
 * the best and the worst, so the spread is reported with the figure.
 */
final class Interleaved {

  private Interleaved() {}

  /** Prints µs per decision of each kind: the best (worst) of 50 rounds. */
  static void print(List<String> kinds, List<Supplier<Decision>> decide) {
    double[] best = new double[kinds.size()];
    double[] worst = new double[kinds.size()];
    java.util.Arrays.fill(best, Double.MAX_VALUE);
    long events = 0;
    for (int round = 0; round < 60; round++) {
      for (int i = 0; i < kinds.size(); i++) {
        long start = System.nanoTime();
        for (int n = 0; n < 20_000; n++) {
          events += decide.get(i).get().events().size();
        }
        if (round >= 10) {
          double us = (System.nanoTime() - start) / 20_000.0 / 1000;
          best[i] = Math.min(best[i], us);
          worst[i] = Math.max(worst[i], us);
        }
      }
    }
    StringBuilder line = new StringBuilder("us per decision, best (worst) of 50 rounds:");
    for (int i = 0; i < kinds.size(); i++) {
      line.append(String.format(" %s %.2f (%.2f)", kinds.get(i), best[i], worst[i]));
    }
    System.out.println(line.append(" (").append(events).append(" events)"));
  }
}
