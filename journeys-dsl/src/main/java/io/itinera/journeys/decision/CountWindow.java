package io.itinera.journeys.decision;

import io.itinera.protocol.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * The latest touchpoints a count trigger counted, oldest first: at most its {@code atLeast}, all
 * within its window, since older ones can no longer make it fire.
 */
public record CountWindow(String journey, String stage, String trigger, List<Instant> recent)
    implements CborSerializable {

  public CountWindow {
    recent = List.copyOf(recent);
  }

  boolean counts(String journeyName, String stageName, String triggerName) {
    return journey.equals(journeyName) && stage.equals(stageName) && trigger.equals(triggerName);
  }
}
