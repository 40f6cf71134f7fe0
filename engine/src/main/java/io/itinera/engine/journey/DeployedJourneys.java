package io.itinera.engine.journey;

import io.itinera.journeys.decision.ArmStatistics;
import io.itinera.journeys.decision.Experiments;
import io.itinera.journeys.decision.JourneySet;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.template.TemplateWatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The journeys this node's customer entities run, compiled once and shared: every entity reads the
 * same immutable list, and a deployment swaps the whole list at once, so no decision ever sees half
 * of one. It holds every version customers may still be on, not only the latest.
 */
public final class DeployedJourneys {

  // Indexed once per deployment: the decision runs on every touchpoint of every customer.
  private final AtomicReference<JourneySet> current;

  /** Told of the variables the journeys' templates miss (metrics). */
  private final TemplateWatcher watcher;

  private volatile Experiments experiments = Experiments.NONE;

  public DeployedJourneys() {
    this(TemplateWatcher.NONE);
  }

  public DeployedJourneys(TemplateWatcher watcher) {
    this.watcher = watcher;
    this.current = new AtomicReference<>(JourneySet.of(List.of(), watcher));
  }

  public List<LoadedJourney> current() {
    return current.get().all();
  }

  /** The same journeys, indexed for {@code JourneyDecider}. */
  public JourneySet indexed() {
    return current.get();
  }

  /** What bandit splits learn from, with a thread-local random source; see {@code SplitCounts}. */
  public Experiments experiments() {
    return experiments;
  }

  /** Bandit splits learn from {@code statistics} from now on. */
  public void learnFrom(ArmStatistics statistics) {
    experiments = new Experiments(statistics, Experiments.NONE.random());
  }

  public void replace(List<LoadedJourney> journeys) {
    current.set(JourneySet.of(journeys, watcher));
  }

  /** The journeys and their versions, for the log: "cart v1, v2; win-back v1". */
  public String describe() {
    List<LoadedJourney> journeys = current();
    if (journeys.isEmpty()) {
      return "none";
    }
    Map<String, List<Integer>> versions = new LinkedHashMap<>();
    journeys.forEach(
        j ->
            versions
                .computeIfAbsent(j.journey().name(), n -> new ArrayList<>())
                .add(j.journey().version()));
    return versions.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " v"
                    + e.getValue().stream().map(String::valueOf).collect(Collectors.joining(", v")))
        .collect(Collectors.joining("; "));
  }
}
