package io.itinera.engine.journey;

import io.itinera.journeys.load.LoadedJourney;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The journeys this node's customer entities run, compiled once and shared: every entity reads the
 * same immutable list, and a deployment swaps the whole list at once, so no decision ever sees half
 * of one. It holds every version customers may still be on, not only the latest.
 */
public final class DeployedJourneys {

  private final AtomicReference<List<LoadedJourney>> current = new AtomicReference<>(List.of());

  public List<LoadedJourney> current() {
    return current.get();
  }

  public void replace(List<LoadedJourney> journeys) {
    current.set(List.copyOf(journeys));
  }
}
