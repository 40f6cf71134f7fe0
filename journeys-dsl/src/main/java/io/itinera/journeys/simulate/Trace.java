package io.itinera.journeys.simulate;

import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.ActionDeferred;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.ConditionOverLimit;
import io.itinera.journeys.decision.JourneyEvent.ConsentChanged;
import io.itinera.journeys.decision.JourneyEvent.GoalReached;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import io.itinera.journeys.decision.JourneyEvent.JourneyExited;
import io.itinera.journeys.decision.JourneyEvent.StageEntered;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.decision.JourneyEvent.TimerScheduled;
import io.itinera.journeys.decision.PendingTimer;
import io.itinera.journeys.decision.PlannedAction;
import java.util.Optional;

/**
 * The sentence a designer reads for a journal event, or none for bookkeeping (counts, trigger
 * firings, ledger trimming) that the lines around it already tell.
 */
public final class Trace {

  private Trace() {}

  public static Optional<String> line(JourneyEvent event) {
    if (event instanceof JourneyEntered e) {
      return Optional.of(
          e.journey()
              + " entered at "
              + e.stage()
              + (e.holdout() ? ", in the holdout" : "")
              + (e.segments().isEmpty() ? "" : ", segments " + String.join(", ", e.segments())));
    }
    if (event instanceof StageEntered e) {
      return Optional.of(
          e.journey() + " stage " + e.from() + " -> " + e.to() + " on \"" + e.trigger() + "\"");
    }
    if (event instanceof ActionEmitted e) {
      return actionLine(e.action(), "action", cause(e.action()));
    }
    if (event instanceof ActionSuppressed e) {
      return actionLine(e.action(), "suppressed", ": " + e.reason() + ", " + e.explanation());
    }
    if (event instanceof ActionDeferred e) {
      return actionLine(e.action(), "deferred", " until " + e.until() + ": " + e.explanation());
    }
    if (event instanceof TimerScheduled e) {
      return scheduled(e.timer())
          .map(line -> e.explanation() == null ? line : line + " (" + e.explanation() + ")");
    }
    if (event instanceof TimerCancelled e) {
      PendingTimer timer = e.timer();
      String what =
          timer.kind() == PendingTimer.Kind.ABSENCE
              ? "timer \"" + timer.trigger() + "\""
              : action(timer.action());
      return Optional.of(timer.journey() + " cancelled " + what + ": " + e.reason());
    }
    if (event instanceof GoalReached e) {
      return Optional.of(e.journey() + " goal " + e.goal() + " reached");
    }
    if (event instanceof JourneyExited e) {
      return Optional.of(e.journey() + " left: " + e.reason());
    }
    if (event instanceof ConsentChanged e) {
      return Optional.of("consent " + e.channel() + (e.granted() ? " opted in" : " opted out"));
    }
    if (event instanceof JourneyEvent.BranchTaken e) {
      String where =
          PlannedAction.ON_ENTER.equals(e.trigger())
              ? "on entering " + e.stage()
              : "on \"" + e.trigger() + "\"";
      return Optional.of(e.journey() + " branch " + where + ": arm " + e.arm());
    }
    if (event instanceof JourneyEvent.ArmAssigned e) {
      return Optional.of(
          e.journey() + " split " + e.split() + ": arm " + e.arm() + " (in " + e.stage() + ")");
    }
    if (event instanceof JourneyEvent.TraitsChanged e) {
      StringBuilder text = new StringBuilder(e.journey()).append(" set");
      e.traits().forEach((name, value) -> text.append(' ').append(name).append('=').append(value));
      return Optional.of(text.append(cause(e.stage(), e.trigger())).toString());
    }
    if (event instanceof ConditionOverLimit e) {
      return Optional.of(
          "warning: "
              + e.journey()
              + " condition '"
              + e.condition()
              + "' stopped at its limit of "
              + e.limit()
              + " and counted as false");
    }
    return Optional.empty();
  }

  /** A quiet-hours timer needs no line: the deferral before it says when the action will go. */
  private static Optional<String> scheduled(PendingTimer timer) {
    return switch (timer.kind()) {
      case ABSENCE ->
          Optional.of(timer.journey() + " timer \"" + timer.trigger() + "\" due " + timer.due());
      case DELAYED_ACTION ->
          Optional.of(
              timer.journey() + " delayed " + action(timer.action()) + " until " + timer.due());
      case QUIET_HOURS -> Optional.empty();
    };
  }

  /** A line about one action: "journey verb action", then what happened to it. */
  private static Optional<String> actionLine(PlannedAction action, String verb, String outcome) {
    return Optional.of(action.journey() + " " + verb + " " + action(action) + outcome);
  }

  /** Reads as what the channel does: "send email cart-reminder offer=free-shipping". */
  private static String action(PlannedAction action) {
    StringBuilder text =
        new StringBuilder()
            .append(action.type())
            .append(' ')
            .append(action.channel())
            .append(' ')
            .append(action.template());
    if (action.offer() != null) {
      text.append(" offer=").append(action.offer());
    }
    action
        .params()
        .forEach((key, value) -> text.append(' ').append(key).append('=').append(word(value)));
    if (action.content() != null && action.content().subject() != null) {
      text.append(" subject=").append(word(action.content().subject()));
    }
    return text.toString();
  }

  /** A rendered value as a script word: quoted when it holds a blank or a quote. */
  private static String word(String value) {
    if (value.isEmpty() || value.chars().anyMatch(c -> c == ' ' || c == '"')) {
      return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    return value;
  }

  private static String cause(PlannedAction action) {
    return cause(action.stage(), action.trigger());
  }

  private static String cause(String stage, String trigger) {
    return PlannedAction.ON_ENTER.equals(trigger)
        ? " on entering " + stage
        : " on \"" + trigger + "\"";
  }
}
