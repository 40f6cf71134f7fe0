package io.itinera.journeys.simulate;

import io.itinera.journeys.decision.ArmCounts;
import io.itinera.journeys.decision.ArmStatistics;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyProgress;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The arms' counts as a simulation makes them, for its bandit splits: what the engine's analytics
 * tables would hold, but counted at once from the simulated journal instead of a few seconds late.
 */
final class SimulatedCounts implements ArmStatistics {

  private final Map<String, Map<String, ArmCounts>> bySplit = new HashMap<>();

  @Override
  public Map<String, ArmCounts> counts(String journey, int version, String split) {
    return bySplit.getOrDefault(key(journey, version, split), Map.of());
  }

  /** Counts one event, with the customer's state before it. */
  void count(JourneyEvent event, CustomerJourneys before) {
    if (event instanceof JourneyEvent.ArmAssigned assigned) {
      JourneyProgress progress = before.journeys().get(assigned.journey());
      add(assigned.journey(), progress.version(), assigned.split(), assigned.arm(), 1, 0);
    } else if (event instanceof JourneyEvent.GoalReached goal) {
      JourneyProgress progress = before.journeys().get(goal.journey());
      progress
          .arms()
          .forEach((split, arm) -> add(goal.journey(), progress.version(), split, arm, 0, 1));
    }
  }

  private void add(String journey, int version, String split, String arm, long a, long c) {
    bySplit
        .computeIfAbsent(key(journey, version, split), k -> new TreeMap<>())
        .merge(
            arm,
            new ArmCounts(a, c),
            (x, y) -> new ArmCounts(x.assigned() + y.assigned(), x.converted() + y.converted()));
  }

  private static String key(String journey, int version, String split) {
    return journey + '\u0000' + version + '\u0000' + split;
  }
}
