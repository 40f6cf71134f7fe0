package io.itinera.journeys.decision;

import com.google.common.collect.ImmutableSortedMap;
import io.itinera.journeys.decision.JourneyEvent.ActionDeferred;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.ArmAssigned;
import io.itinera.journeys.decision.JourneyEvent.ConsentChanged;
import io.itinera.journeys.decision.JourneyEvent.GoalReached;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import io.itinera.journeys.decision.JourneyEvent.JourneyExited;
import io.itinera.journeys.decision.JourneyEvent.LedgerTrimmed;
import io.itinera.journeys.decision.JourneyEvent.StageEntered;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.decision.JourneyEvent.TimerFired;
import io.itinera.journeys.decision.JourneyEvent.TimerScheduled;
import io.itinera.journeys.decision.JourneyEvent.TouchpointCounted;
import io.itinera.journeys.decision.JourneyEvent.TriggerFired;
import io.itinera.protocol.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the journeys remember about one customer. Immutable: {@link #apply} gives the next state
 * from one event without looking at anything else, so the engine's event handler, a replay of the
 * journal and the simulator all arrive at the same state. Maps are sorted so that iterating them is
 * the same on every node.
 *
 * @param journeys the journeys the customer is in, by name
 * @param leftAt when the customer last left each journey they are not in, for the re-entry policy
 * @param counts what each count trigger has counted recently
 * @param timers pending timers, soonest first
 * @param ledger actions that went out, oldest first, as long as the longest cap window needs them
 * @param consent per channel: true when the customer opted in, false when they opted out
 */
public record CustomerJourneys(
    Map<String, JourneyProgress> journeys,
    Map<String, Instant> leftAt,
    List<CountWindow> counts,
    List<PendingTimer> timers,
    List<LedgerEntry> ledger,
    Map<String, Boolean> consent)
    implements CborSerializable {

  private static final Comparator<PendingTimer> SOONEST_FIRST =
      Comparator.comparing(PendingTimer::due).thenComparing(PendingTimer::id);

  public static final CustomerJourneys EMPTY =
      new CustomerJourneys(Map.of(), Map.of(), List.of(), List.of(), List.of(), Map.of());

  public CustomerJourneys {
    journeys = sorted(journeys);
    leftAt = sorted(leftAt);
    counts = List.copyOf(counts);
    timers = soonestFirst(timers);
    ledger = List.copyOf(ledger);
    consent = sorted(consent);
  }

  public Optional<PendingTimer> timer(String id) {
    for (PendingTimer timer : timers) {
      if (timer.id().equals(id)) {
        return Optional.of(timer);
      }
    }
    return Optional.empty();
  }

  /**
   * Why nothing may go to {@code channel} now, as the customer's consent stands, or empty if it
   * may: the rule the decider applies, for an engine that acts later on an earlier decision.
   */
  public Optional<String> consentRefusal(String channel) {
    return Consent.refusal(consent, channel);
  }

  /** The soonest pending timer: what the engine must wake this customer for next. */
  public Optional<PendingTimer> nextTimer() {
    return timers.isEmpty() ? Optional.empty() : Optional.of(timers.get(0));
  }

  /** The touchpoints a count trigger holds in its window, oldest first. */
  public List<Instant> counted(String journey, String stage, String trigger) {
    for (CountWindow window : counts) {
      if (window.counts(journey, stage, trigger)) {
        return window.recent();
      }
    }
    return List.of();
  }

  public CustomerJourneys apply(JourneyEvent event) {
    return progressed(event)
        .or(() -> bookkept(event))
        .orElseThrow(() -> new IllegalArgumentException("not a journey event: " + event));
  }

  /** Events that move the customer through journeys: entries, stages, counts, goals, exits. */
  private Optional<CustomerJourneys> progressed(JourneyEvent event) {
    if (event instanceof JourneyEntered e) {
      JourneyProgress progress =
          new JourneyProgress(
              e.journey(),
              e.version(),
              e.stage(),
              e.at(),
              e.at(),
              e.holdout(),
              false,
              Map.of(),
              e.data());
      return Optional.of(withJourneys(put(journeys, e.journey(), progress)));
    }
    if (event instanceof StageEntered e) {
      return Optional.of(
          withJourneys(
              put(journeys, e.journey(), journeys.get(e.journey()).inStage(e.to(), e.at()))));
    }
    if (event instanceof TriggerFired e) {
      // A count starts again once it has fired, so the same touchpoints do not fire it twice.
      return Optional.of(
          withCounts(remove(counts, w -> w.counts(e.journey(), e.stage(), e.trigger()))));
    }
    if (event instanceof TouchpointCounted e) {
      List<CountWindow> next = remove(counts, w -> w.counts(e.journey(), e.stage(), e.trigger()));
      next.add(new CountWindow(e.journey(), e.stage(), e.trigger(), e.recent()));
      return Optional.of(withCounts(next));
    }
    if (event instanceof ArmAssigned e) {
      // Kept with the journey's progress: later firings and replays take the same arm, and a
      // re-entry starts with none.
      return Optional.of(
          withJourneys(
              put(journeys, e.journey(), journeys.get(e.journey()).withArm(e.split(), e.arm()))));
    }
    if (event instanceof GoalReached e) {
      return Optional.of(
          withJourneys(put(journeys, e.journey(), journeys.get(e.journey()).withGoalReached())));
    }
    if (event instanceof JourneyExited e) {
      Map<String, JourneyProgress> remaining = new TreeMap<>(journeys);
      remaining.remove(e.journey());
      return Optional.of(
          new CustomerJourneys(
              remaining, put(leftAt, e.journey(), e.at()), counts, timers, ledger, consent));
    }
    return Optional.empty();
  }

  /** Events about what was sent, what waits and what the customer allows. */
  private Optional<CustomerJourneys> bookkept(JourneyEvent event) {
    if (event instanceof ActionEmitted e) {
      PlannedAction action = e.action();
      List<LedgerEntry> next = new ArrayList<>(ledger);
      next.add(
          new LedgerEntry(action.id(), action.journey(), action.channel(), action.offer(), e.at()));
      return Optional.of(new CustomerJourneys(journeys, leftAt, counts, timers, next, consent));
    }
    if (event instanceof ActionSuppressed
        || event instanceof ActionDeferred
        || event instanceof JourneyEvent.ConditionOverLimit
        || event instanceof JourneyEvent.BranchTaken
        || event instanceof JourneyEvent.TraitsChanged) {
      return Optional.of(this);
    }
    if (event instanceof TimerScheduled e) {
      List<PendingTimer> next = new ArrayList<>(timers);
      next.add(e.timer());
      return Optional.of(withTimers(next));
    }
    if (event instanceof TimerCancelled e) {
      return Optional.of(withTimers(remove(timers, t -> t.id().equals(e.timer().id()))));
    }
    if (event instanceof TimerFired e) {
      return Optional.of(withTimers(remove(timers, t -> t.id().equals(e.timer().id()))));
    }
    if (event instanceof ConsentChanged e) {
      return Optional.of(
          new CustomerJourneys(
              journeys, leftAt, counts, timers, ledger, put(consent, e.channel(), e.granted())));
    }
    if (event instanceof LedgerTrimmed e) {
      return Optional.of(
          new CustomerJourneys(
              journeys,
              leftAt,
              counts,
              timers,
              remove(ledger, entry -> !entry.at().isAfter(e.before())),
              consent));
    }
    return Optional.empty();
  }

  /**
   * The state once another profile of the same person is merged into this one (an anonymous visitor
   * who identified). This profile wins wherever both say something: its journeys, consent and
   * departures. From the other come the journeys this one is not in (with their counts and pending
   * timers, so a cart reminder set before the visitor logged in still goes out, once), consent this
   * one does not state, and what was sent to it, so caps and cooldowns count it.
   */
  public CustomerJourneys absorb(CustomerJourneys other) {
    Map<String, JourneyProgress> mergedJourneys = new TreeMap<>(other.journeys);
    mergedJourneys.keySet().removeAll(leftAt.keySet());
    mergedJourneys.putAll(journeys);
    Predicate<String> takenOver =
        name -> !journeys.containsKey(name) && mergedJourneys.containsKey(name);
    List<CountWindow> mergedCounts = new ArrayList<>(counts);
    other.counts.stream().filter(w -> takenOver.test(w.journey())).forEach(mergedCounts::add);
    List<PendingTimer> mergedTimers = new ArrayList<>(timers);
    other.timers.stream().filter(t -> takenOver.test(t.journey())).forEach(mergedTimers::add);
    Map<String, Instant> mergedLeft = new TreeMap<>(other.leftAt);
    mergedLeft.keySet().removeAll(mergedJourneys.keySet());
    mergedLeft.putAll(leftAt);
    Map<String, Boolean> mergedConsent = new TreeMap<>(other.consent);
    mergedConsent.putAll(consent);
    List<LedgerEntry> mergedLedger = new ArrayList<>(ledger);
    other.ledger.stream()
        .filter(entry -> ledger.stream().noneMatch(own -> own.actionId().equals(entry.actionId())))
        .forEach(mergedLedger::add);
    mergedLedger.sort(Comparator.comparing(LedgerEntry::at).thenComparing(LedgerEntry::actionId));
    return new CustomerJourneys(
        mergedJourneys, mergedLeft, mergedCounts, mergedTimers, mergedLedger, mergedConsent);
  }

  /** The state after all of {@code events}, in order: what a replay of the journal gives. */
  public CustomerJourneys applyAll(List<JourneyEvent> events) {
    CustomerJourneys state = this;
    for (JourneyEvent event : events) {
      state = state.apply(event);
    }
    return state;
  }

  private CustomerJourneys withJourneys(Map<String, JourneyProgress> next) {
    return new CustomerJourneys(next, leftAt, counts, timers, ledger, consent);
  }

  /**
   * The timers soonest first, sorted only when they are not: every event makes a new state, and the
   * timers are nearly always in order already. (Loops rather than streams here and in the lookups
   * above: they run several times per touchpoint, in the engine and in every replay.)
   */
  private static List<PendingTimer> soonestFirst(List<PendingTimer> timers) {
    for (int i = 1; i < timers.size(); i++) {
      if (SOONEST_FIRST.compare(timers.get(i - 1), timers.get(i)) > 0) {
        List<PendingTimer> sorted = new ArrayList<>(timers);
        sorted.sort(SOONEST_FIRST);
        return List.copyOf(sorted);
      }
    }
    return List.copyOf(timers);
  }

  private CustomerJourneys withCounts(List<CountWindow> next) {
    return new CustomerJourneys(journeys, leftAt, next, timers, ledger, consent);
  }

  private CustomerJourneys withTimers(List<PendingTimer> next) {
    return new CustomerJourneys(journeys, leftAt, counts, next, ledger, consent);
  }

  /**
   * Sorted and immutable, in Guava's compact form (two arrays, no entry objects): a resident
   * customer holds several of these, and TreeMaps made most of their footprint.
   */
  private static <V> Map<String, V> sorted(Map<String, V> map) {
    return ImmutableSortedMap.copyOf(map);
  }

  private static <V> Map<String, V> put(Map<String, V> map, String key, V value) {
    Map<String, V> next = new TreeMap<>(map);
    next.put(key, value);
    return next;
  }

  private static <T> List<T> remove(List<T> list, Predicate<T> which) {
    List<T> next = new ArrayList<>(list);
    next.removeIf(which);
    return next;
  }
}
