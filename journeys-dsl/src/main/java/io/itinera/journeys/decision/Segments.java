package io.itinera.journeys.decision;

import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The journey's segments a customer matches as they enter it, recorded with the entry. */
final class Segments {

  private Segments() {}

  /**
   * @param holds how the decider evaluates a condition over the customer alone, so that one that
   *     stops at a limit is warned about like any other
   */
  static List<String> matched(LoadedJourney loaded, Predicate<Condition> holds) {
    List<Segment> segments = loaded.journey().segments();
    if (segments.isEmpty()) {
      return List.of();
    }
    List<String> matched = new ArrayList<>();
    for (Segment segment : segments) {
      if (holds.test(segment.when())) {
        matched.add(segment.name());
      }
    }
    return matched;
  }
}
