package io.itinera.journeys.decision;

import io.itinera.protocol.touchpoint.Touchpoint;
import java.util.Map;

/** What the decider is asked about: a touchpoint that arrived, a timer that is due, an entry. */
public sealed interface Input {

  record TouchpointArrived(Touchpoint touchpoint) implements Input {}

  /** A timer the engine kept; the decider ignores it unless it is still pending and due. */
  record TimerDue(String timerId) implements Input {}

  /**
   * Enter {@code journey} now, without a touchpoint: a run over the customer index matched the
   * customer, or the entries API named them. The decider still applies the journey's rules: not
   * twice at once, the re-entry policy, the holdout.
   *
   * @param cause names the run or the API request: the entity remembers it, so a resend enters no
   *     one twice
   * @param data what the entries API gave for this customer ({@code entry.data}); empty when none
   */
  record EntryRequested(String journey, String cause, Map<String, Object> data) implements Input {

    public EntryRequested {
      data = data == null ? Map.of() : data;
    }
  }
}
