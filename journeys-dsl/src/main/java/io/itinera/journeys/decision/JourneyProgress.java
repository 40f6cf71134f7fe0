package io.itinera.journeys.decision;

import com.google.common.collect.ImmutableSortedMap;
import io.itinera.protocol.CborSerializable;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a customer is in one journey they are in.
 *
 * @param version the journey version they entered; they stay on it until they leave
 * @param since when they entered the current stage
 * @param holdout whether they are in the journey's holdout group: tracked, sent nothing
 * @param goalReached whether the goal was reached since entry
 * @param arms the arm they were given in each split, by split name, since entry: a split that fires
 *     again, or a replay, takes the same arm (empty in states written before splits)
 * @param entryData what the customer entered with through the entries API ({@code entry.data} in
 *     conditions, and what templates read); empty when none, and in states written before it
 */
public record JourneyProgress(
    String journey,
    int version,
    String stage,
    Instant since,
    Instant enteredAt,
    boolean holdout,
    boolean goalReached,
    Map<String, String> arms,
    Map<String, Object> entryData)
    implements CborSerializable {

  public JourneyProgress {
    arms = arms == null ? ImmutableSortedMap.of() : ImmutableSortedMap.copyOf(arms);
    entryData = entryData == null || entryData.isEmpty() ? Map.of() : entryData;
  }

  public JourneyProgress(
      String journey,
      int version,
      String stage,
      Instant since,
      Instant enteredAt,
      boolean holdout,
      boolean goalReached,
      Map<String, String> arms) {
    this(journey, version, stage, since, enteredAt, holdout, goalReached, arms, Map.of());
  }

  JourneyProgress inStage(String next, Instant at) {
    return new JourneyProgress(
        journey, version, next, at, enteredAt, holdout, goalReached, arms, entryData);
  }

  JourneyProgress withGoalReached() {
    return new JourneyProgress(
        journey, version, stage, since, enteredAt, holdout, true, arms, entryData);
  }

  JourneyProgress withArm(String split, String arm) {
    Map<String, String> next = new TreeMap<>(arms);
    next.put(split, arm);
    return new JourneyProgress(
        journey, version, stage, since, enteredAt, holdout, goalReached, next, entryData);
  }
}
