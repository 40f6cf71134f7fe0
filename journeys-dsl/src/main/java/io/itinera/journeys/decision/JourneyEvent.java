package io.itinera.journeys.decision;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.itinera.protocol.CborSerializable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the decider decided about a customer: the entries of the customer's journal that concern
 * journeys. Each says enough on its own to explain a decision later; {@link CustomerJourneys#apply}
 * turns them into state.
 *
 * <p>The engine persists one decision's events together, as a list; each names its kind so it reads
 * back as itself. The names are stored: renaming a record needs its old name kept here.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = JourneyEvent.JourneyEntered.class, name = "JourneyEntered"),
  @JsonSubTypes.Type(value = JourneyEvent.StageEntered.class, name = "StageEntered"),
  @JsonSubTypes.Type(value = JourneyEvent.TriggerFired.class, name = "TriggerFired"),
  @JsonSubTypes.Type(value = JourneyEvent.TouchpointCounted.class, name = "TouchpointCounted"),
  @JsonSubTypes.Type(value = JourneyEvent.ActionEmitted.class, name = "ActionEmitted"),
  @JsonSubTypes.Type(value = JourneyEvent.ActionSuppressed.class, name = "ActionSuppressed"),
  @JsonSubTypes.Type(value = JourneyEvent.ActionDeferred.class, name = "ActionDeferred"),
  @JsonSubTypes.Type(value = JourneyEvent.TimerScheduled.class, name = "TimerScheduled"),
  @JsonSubTypes.Type(value = JourneyEvent.TimerCancelled.class, name = "TimerCancelled"),
  @JsonSubTypes.Type(value = JourneyEvent.TimerFired.class, name = "TimerFired"),
  @JsonSubTypes.Type(value = JourneyEvent.GoalReached.class, name = "GoalReached"),
  @JsonSubTypes.Type(value = JourneyEvent.JourneyExited.class, name = "JourneyExited"),
  @JsonSubTypes.Type(value = JourneyEvent.ConsentChanged.class, name = "ConsentChanged"),
  @JsonSubTypes.Type(value = JourneyEvent.LedgerTrimmed.class, name = "LedgerTrimmed"),
  @JsonSubTypes.Type(value = JourneyEvent.ConditionOverLimit.class, name = "ConditionOverLimit"),
  @JsonSubTypes.Type(value = JourneyEvent.ArmAssigned.class, name = "ArmAssigned"),
  @JsonSubTypes.Type(value = JourneyEvent.BranchTaken.class, name = "BranchTaken"),
  @JsonSubTypes.Type(value = JourneyEvent.TraitsChanged.class, name = "TraitsChanged")
})
public sealed interface JourneyEvent extends CborSerializable {

  /**
   * The customer entered a journey, in its start stage.
   *
   * @param holdout whether they fell in the holdout group (a stable hash of customer and journey)
   * @param cause the message id of the touchpoint that entered them
   * @param segments the journey's named segments the customer matched on entry, for analytics'
   *     breakdowns; empty when none (and in events written before segments existed)
   * @param data what the customer was entered with through the entries API, for conditions ({@code
   *     entry.data}) and templates; null when none (and in events written before it)
   */
  record JourneyEntered(
      String journey,
      int version,
      String stage,
      boolean holdout,
      String cause,
      Instant at,
      List<String> segments,
      Map<String, Object> data)
      implements JourneyEvent {

    public JourneyEntered {
      segments = segments == null ? List.of() : List.copyOf(segments);
      data = data == null || data.isEmpty() ? null : data;
    }

    public JourneyEntered(
        String journey,
        int version,
        String stage,
        boolean holdout,
        String cause,
        Instant at,
        List<String> segments) {
      this(journey, version, stage, holdout, cause, at, segments, null);
    }
  }

  /**
   * The customer was given an arm of an experiment's split while in {@code stage}: chosen once, and
   * journalled so that a replay takes the same path and analytics can count each arm.
   */
  record ArmAssigned(String journey, String split, String arm, String stage, Instant at)
      implements JourneyEvent {}

  /**
   * A branch took an arm: the first whose condition held, or the {@code otherwise} arm. Its actions
   * and stage change follow. Nothing is journalled when no arm holds and there is no otherwise.
   *
   * @param trigger the absence trigger whose timer fired, or {@link PlannedAction#ON_ENTER} for a
   *     stage's branch on entry
   * @param cause the message id of the touchpoint, or the id of the timer
   */
  record BranchTaken(
      String journey, String stage, String trigger, String arm, String cause, Instant at)
      implements JourneyEvent {}

  /** The customer moved from one stage to another because a trigger fired. */
  record StageEntered(String journey, String from, String to, String trigger, Instant at)
      implements JourneyEvent {}

  /**
   * A trigger fired in the customer's current stage; its actions and stage change follow.
   *
   * @param cause the message id of the touchpoint, or the id of the absence timer
   */
  record TriggerFired(String journey, String stage, String trigger, String cause, Instant at)
      implements JourneyEvent {}

  /** A count trigger counted a touchpoint; {@code recent} is its window afterwards. */
  record TouchpointCounted(String journey, String stage, String trigger, List<Instant> recent)
      implements JourneyEvent {

    public TouchpointCounted {
      recent = List.copyOf(recent);
    }
  }

  /** An action goes out to its channel now. */
  record ActionEmitted(PlannedAction action, Instant at) implements JourneyEvent {}

  /** An action does not go out, with the reason and a sentence for a support agent. */
  record ActionSuppressed(
      PlannedAction action, SuppressionReason reason, String explanation, Instant at)
      implements JourneyEvent {}

  /** An action is held by quiet hours until {@code until}; a quiet-hours timer follows. */
  record ActionDeferred(PlannedAction action, Instant until, String explanation, Instant at)
      implements JourneyEvent {}

  /**
   * A timer is armed.
   *
   * @param explanation how a time-aware wait found its instant ("the next 10:00 in Europe/Berlin,
   *     the customer's zone"), or null
   */
  record TimerScheduled(PendingTimer timer, String explanation) implements JourneyEvent {

    public TimerScheduled(PendingTimer timer) {
      this(timer, null);
    }
  }

  /** A pending timer will not fire, and why. */
  record TimerCancelled(PendingTimer timer, String reason, Instant at) implements JourneyEvent {}

  /** A pending timer was due and is acted on; it will not fire again. */
  record TimerFired(PendingTimer timer, Instant at) implements JourneyEvent {}

  /** The journey's conversion goal was reached, within its window after entry. */
  record GoalReached(String journey, String goal, String cause, Instant at)
      implements JourneyEvent {}

  /**
   * The customer left a journey: through an exit touchpoint, or completed (a final stage with
   * nothing pending). The re-entry policy counts from here.
   */
  record JourneyExited(String journey, int version, String reason, Instant at)
      implements JourneyEvent {}

  /**
   * The customer opted in to ({@code granted}) or out of a channel.
   *
   * @param cause the message id of the identify or consent touchpoint
   */
  record ConsentChanged(String channel, boolean granted, String cause, Instant at)
      implements JourneyEvent {}

  /** Ledger entries at or before {@code before} are older than every cap window and dropped. */
  record LedgerTrimmed(Instant before) implements JourneyEvent {}

  /**
   * A condition stopped at a limit (iterations or time) and counted as false: a warning for the
   * journey's designer, changing nothing in the customer's state.
   *
   * @param condition the condition's source, cut to {@link #MAX_SOURCE} characters
   * @param limit the limit it reached: "10000 loop iterations", "50 ms"
   */
  record ConditionOverLimit(String journey, String condition, String limit, Instant at)
      implements JourneyEvent {

    /** Enough to recognise the condition in the journey file. */
    public static final int MAX_SOURCE = 200;

    public ConditionOverLimit {
      if (condition.length() > MAX_SOURCE) {
        condition = condition.substring(0, MAX_SOURCE) + "...";
      }
    }
  }

  /**
   * A journey's action changed the customer's traits ({@code set}), as an identify would: a new
   * value replaces the old one, a null removes the trait. Journalled with the decision, so the
   * profile, a replay and the customer's history all say which journey set what, and why.
   *
   * @param trigger the trigger that fired, or {@link PlannedAction#ON_ENTER}
   * @param action the action's name
   * @param traits trait name to its new value, null to remove it
   * @param cause the message id of the touchpoint, or the id of the timer
   */
  record TraitsChanged(
      String journey,
      int version,
      String stage,
      String trigger,
      String action,
      Map<String, Object> traits,
      String cause,
      Instant at)
      implements JourneyEvent {

    public TraitsChanged {
      Map<String, Object> values = new LinkedHashMap<>();
      if (traits != null) {
        // Whole numbers as longs, as they were decided: CBOR reads small ones back as ints.
        traits.forEach(
            (name, value) ->
                values.put(
                    name,
                    value instanceof Integer || value instanceof Short || value instanceof Byte
                        ? Long.valueOf(((Number) value).longValue())
                        : value));
      }
      traits = Collections.unmodifiableMap(values);
    }
  }
}
