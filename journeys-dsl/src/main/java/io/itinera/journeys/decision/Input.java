package io.itinera.journeys.decision;

import io.itinera.protocol.touchpoint.Touchpoint;

/** What the decider is asked about: a touchpoint that arrived, or a timer that is due. */
public sealed interface Input {

  record TouchpointArrived(Touchpoint touchpoint) implements Input {}

  /** A timer the engine kept; the decider ignores it unless it is still pending and due. */
  record TimerDue(String timerId) implements Input {}
}
