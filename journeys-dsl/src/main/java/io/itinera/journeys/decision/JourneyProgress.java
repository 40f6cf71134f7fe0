package io.itinera.journeys.decision;

import io.itinera.protocol.CborSerializable;
import java.time.Instant;

/**
 * Where a customer is in one journey they are in.
 *
 * @param version the journey version they entered; they stay on it until they leave
 * @param since when they entered the current stage
 * @param holdout whether they are in the journey's holdout group: tracked, sent nothing
 * @param goalReached whether the goal was reached since entry
 */
public record JourneyProgress(
    String journey,
    int version,
    String stage,
    Instant since,
    Instant enteredAt,
    boolean holdout,
    boolean goalReached)
    implements CborSerializable {

  JourneyProgress inStage(String next, Instant at) {
    return new JourneyProgress(journey, version, next, at, enteredAt, holdout, goalReached);
  }

  JourneyProgress withGoalReached() {
    return new JourneyProgress(journey, version, stage, since, enteredAt, holdout, true);
  }
}
