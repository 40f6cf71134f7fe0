package io.itinera.engine.customer;

import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.decision.JourneyEvent.TimerFired;
import io.itinera.journeys.decision.JourneyEvent.TimerScheduled;
import io.itinera.journeys.decision.PlannedAction;
import io.itinera.protocol.CborSerializable;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What happened to a customer: the entries of its journal. */
public sealed interface CustomerEvent extends CborSerializable {

  /**
   * An event after which the customer's soonest pending timer may be another: the due-timers
   * projection keeps {@link #nextTimerDue} (null: none pending).
   */
  interface ChangesTimers {
    Instant nextTimerDue();

    /** Whether this event did change the customer's timers (else the projection skips it). */
    boolean changesTimers();
  }

  /**
   * A touchpoint was accepted for this customer, with what the journeys decided about it.
   *
   * <p>One journal row for both: with journeys deployed nearly every touchpoint moves something (a
   * count, a stage), and two rows per touchpoint doubled the journal's writes and its WAL. Journals
   * written before the decision moved in hold it as a {@link JourneysDecided} of its own right
   * after; both forms are read.
   *
   * @param decided what the journeys decided about this touchpoint; null when they had nothing to
   *     say (and in journals written before the decision moved in)
   */
  record TouchpointRecorded(Touchpoint touchpoint, JourneysDecided decided)
      implements CustomerEvent, ChangesTimers {

    public TouchpointRecorded(Touchpoint touchpoint) {
      this(touchpoint, null);
    }

    @Override
    public Instant nextTimerDue() {
      return decided == null ? null : decided.nextTimerDue();
    }

    @Override
    public boolean changesTimers() {
      return decided != null && decided.changesTimers();
    }
  }

  /**
   * A run over the customer index, or the entries API, asked to enter the customer into a journey
   * without a touchpoint, and the journeys decided to (the entry, in or out of the holdout, and
   * what the start stage does). {@code cause} is kept with the message ids the customer has seen,
   * so the same run or request sent again is recognised and enters no one twice.
   */
  record EntryRequested(String journey, String cause, JourneysDecided decided, Instant at)
      implements CustomerEvent, ChangesTimers {

    @Override
    public Instant nextTimerDue() {
      return decided.nextTimerDue();
    }

    @Override
    public boolean changesTimers() {
      return decided.changesTimers();
    }
  }

  /** The decision an event carries: a decision itself, or the one a touchpoint brought. */
  static Optional<JourneysDecided> decisionIn(CustomerEvent event) {
    if (event instanceof JourneysDecided decided) {
      return Optional.of(decided);
    }
    if (event instanceof EntryRequested requested) {
      return Optional.of(requested.decided());
    }
    if (event instanceof TouchpointRecorded recorded) {
      return Optional.ofNullable(recorded.decided());
    }
    return Optional.empty();
  }

  /**
   * Whether journey analytics counts something in this event: a journey event it counts (entry,
   * stage, goal, exit, arm, action), a touchpoint naming an action it engages with ({@code
   * properties.actionId}), an action shown on a real-time channel, an erasure.
   */
  static boolean countedByAnalytics(CustomerEvent event) {
    if (event instanceof ActionShown || event instanceof CustomerErased) {
      return true;
    }
    if (event instanceof ProfileAbsorbed absorbed && !absorbed.journeys().journeys().isEmpty()) {
      return true;
    }
    if (event instanceof TouchpointRecorded recorded
        && recorded.touchpoint().properties().get("actionId") instanceof String) {
      return true;
    }
    return decisionIn(event)
        .map(decided -> decided.events().stream().anyMatch(CustomerEvent::counted))
        .orElse(false);
  }

  private static boolean counted(JourneyEvent event) {
    return event instanceof JourneyEvent.JourneyEntered
        || event instanceof JourneyEvent.StageEntered
        || event instanceof JourneyEvent.GoalReached
        || event instanceof JourneyEvent.JourneyExited
        || event instanceof JourneyEvent.ArmAssigned
        || event instanceof ActionEmitted
        || event instanceof JourneyEvent.ActionSuppressed
        || event instanceof JourneyEvent.ActionDeferred;
  }

  /**
   * What the journeys decided about one touchpoint or one due timer, persisted together with it so
   * a decision is never half in the journal.
   *
   * @param cause the message id of the touchpoint, or the id of the timer
   * @param nextTimerDue when the customer's soonest pending timer is due once these events are
   *     applied, or null when none is pending: what the due-timers projection keeps
   */
  record JourneysDecided(String cause, List<JourneyEvent> events, Instant nextTimerDue)
      implements CustomerEvent, ChangesTimers {

    public JourneysDecided {
      events = List.copyOf(events);
    }

    /** Whether the decision scheduled, cancelled or fired a timer. */
    @Override
    public boolean changesTimers() {
      return events.stream()
          .anyMatch(
              e ->
                  e instanceof TimerScheduled
                      || e instanceof TimerCancelled
                      || e instanceof TimerFired);
    }

    /**
     * Whether the delivery outbox reads this decision: it emitted actions, or reached a goal or
     * left a journey (which withdraws actions still waiting to be shown).
     */
    public boolean concernsDelivery() {
      return events.stream()
          .anyMatch(
              e ->
                  e instanceof ActionEmitted
                      || e instanceof JourneyEvent.GoalReached
                      || e instanceof JourneyEvent.JourneyExited);
    }

    /** The actions that went out in this decision. */
    public List<PlannedAction> actions() {
      return events.stream()
          .filter(ActionEmitted.class::isInstance)
          .map(e -> ((ActionEmitted) e).action())
          .toList();
    }
  }

  /** An action waiting for a real-time channel was shown to the customer (next-action). */
  record ActionShown(String actionId, String journey, String channel, Instant at)
      implements CustomerEvent {}

  /** An action waiting for a real-time channel was not shown, and why (consent withdrawn). */
  record ActionWithheld(String actionId, String journey, String channel, String reason, Instant at)
      implements CustomerEvent {}

  /**
   * This profile (an anonymous visitor's) now belongs to another customer, who identified as the
   * same person: its later touchpoints are recorded there. Its own pending timers were cancelled
   * just before.
   */
  record MergedInto(String customerId, Instant at) implements CustomerEvent {}

  /**
   * Another profile of the same person was merged into this one: its traits (where this one has
   * none), its groups (those this one is not in), its touchpoint counts, and its journeys as {@link
   * CustomerJourneys#absorb} takes them over (journeys this one is not in, with their timers;
   * consent; what was sent, for the caps).
   *
   * @param groups null in events journalled before groups were kept
   * @param nextTimerDue the soonest pending timer once absorbed, for the due-timers projection
   */
  record ProfileAbsorbed(
      String from,
      Map<String, Object> traits,
      Map<String, Map<String, Object>> groups,
      Map<String, Long> counters,
      CustomerJourneys journeys,
      Instant nextTimerDue,
      Instant at)
      implements CustomerEvent, ChangesTimers {

    public ProfileAbsorbed {
      groups = groups == null ? Map.of() : groups;
    }

    @Override
    public boolean changesTimers() {
      return !journeys.timers().isEmpty();
    }
  }

  /**
   * The customer's data was erased on request (GDPR Art. 17): every event before this one, their
   * snapshots, deliveries and due timers were deleted, and the state starts afresh. It carries no
   * personal data, only what was erased and when, so it stays as the audit fact of the erasure and
   * as the journal's highest sequence number, which pekko-persistence-jdbc reads back on recovery.
   * Tagged for both projections: the due-timers projection clears the customer's row on it (no
   * timer pending), and the outbox deletes deliveries a lagging group queued after the erasure.
   *
   * @param eventsErased journal events deleted (all before this one)
   * @param mergedProfiles how many profiles merged into this one were erased with it
   */
  record CustomerErased(long eventsErased, int mergedProfiles, Instant at)
      implements CustomerEvent, ChangesTimers {

    @Override
    public Instant nextTimerDue() {
      return null;
    }

    @Override
    public boolean changesTimers() {
      return true;
    }
  }
}
