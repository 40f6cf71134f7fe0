package io.itinera.journeys.decision;

import io.itinera.journeys.condition.CompiledCondition.Verdict;
import io.itinera.journeys.condition.CustomerFacts;
import io.itinera.journeys.condition.EventFacts;
import io.itinera.journeys.decision.JourneyEvent.ConditionOverLimit;
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
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Branch;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.CountTrigger;
import io.itinera.journeys.model.Entry;
import io.itinera.journeys.model.Exit;
import io.itinera.journeys.model.Goal;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.ReEntryPolicy;
import io.itinera.journeys.model.Split;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.Trigger;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The journey logic as a pure function: a customer's journey state, what they are like, a
 * touchpoint or a due timer, the deployed journeys and the time give the events to persist. No
 * clock, no I/O: the engine's customer entity and the DSL's simulator call the same {@link
 * #decide}, and a test can call it with any state and any time.
 *
 * <p>Each event is applied to the working state as soon as it is decided, so a later check in the
 * same decision sees it: an e-mail decided by one journey counts towards the cap of the next, and
 * journeys are visited by priority so the higher one is served first.
 */
public final class JourneyDecider {

  private final CustomerContext customer;
  private final JourneySet deployed;
  private final Instant now;
  private final WorkingState working;
  private final ActionDelivery delivery;
  private final ArmAssignment arms;
  private final Branching branching;

  /** The conditions already warned about in this decision, so each is warned about once. */
  private final Set<String> overLimit = new HashSet<>();

  private JourneyDecider(
      CustomerJourneys state,
      CustomerContext customer,
      JourneySet deployed,
      Experiments experiments,
      Input input,
      Instant now) {
    this.working = new WorkingState(state, customer.traits());
    this.customer = customer;
    this.deployed = deployed;
    this.now = now;
    this.delivery =
        new ActionDelivery(
            working,
            customer,
            now,
            new Personalization(customer, eventOf(input, now), deployed.watcher, working::traits));
    this.arms = new ArmAssignment(working, customer, experiments, now);
    this.branching = new Branching(working, delivery, this::holds, now);
  }

  /**
   * The events {@code input} gives, in the order they must be applied.
   *
   * @param customer the customer's traits and touchpoint counters, including the touchpoint decided
   *     on
   * @param journeys the deployed journeys; may hold several versions of one, for customers still on
   *     an older one
   */
  public static Decision decide(
      CustomerJourneys state,
      CustomerContext customer,
      Input input,
      List<LoadedJourney> journeys,
      Instant now) {
    return decide(state, customer, input, JourneySet.of(journeys), now);
  }

  /** The same, with the journeys already indexed: what an engine does, once per deployment. */
  public static Decision decide(
      CustomerJourneys state,
      CustomerContext customer,
      Input input,
      JourneySet journeys,
      Instant now) {
    return decide(state, customer, input, journeys, Experiments.NONE, now);
  }

  /**
   * The same, with what bandit splits learn from: the arms' counts and a random source (see {@link
   * Experiments}). Without them every bandit is still warming up.
   */
  public static Decision decide(
      CustomerJourneys state,
      CustomerContext customer,
      Input input,
      JourneySet journeys,
      Experiments experiments,
      Instant now) {
    JourneyDecider decider = new JourneyDecider(state, customer, journeys, experiments, input, now);
    if (input instanceof Input.TouchpointArrived arrived) {
      decider.onTouchpoint(arrived.touchpoint());
    } else if (input instanceof Input.TimerDue due) {
      decider.onTimer(due.timerId());
    } else if (input instanceof Input.EntryRequested requested) {
      decider.onEntryRequested(requested);
    }
    return new Decision(decider.working.events());
  }

  /** What conditions and templates see of the touchpoint decided on; null for a timer. */
  private static EventFacts eventOf(Input input, Instant now) {
    if (input instanceof Input.TouchpointArrived arrived) {
      Touchpoint touchpoint = arrived.touchpoint();
      return new EventFacts(
          touchpoint.label(),
          touchpoint.channel(),
          touchpoint.properties(),
          touchpoint.timestamp() == null ? now : touchpoint.timestamp());
    }
    return null;
  }

  private void onTouchpoint(Touchpoint touchpoint) {
    String cause = touchpoint.messageId();
    EventFacts event = eventOf(new Input.TouchpointArrived(touchpoint), now);
    branching.deciding(event);
    working.decidingOn(event);
    trimLedger();
    recordConsent(touchpoint, cause);
    for (LoadedJourney latest : deployed.byPriority) {
      count(journeyFor(latest), event);
    }
    for (LoadedJourney latest : deployed.byPriority) {
      String name = latest.journey().name();
      JourneyProgress progress = working.state().journeys().get(name);
      if (progress == null) {
        enter(latest, event, cause);
      } else {
        advance(deployed.forProgress(progress), progress, event, cause);
      }
      completeIfDone(name);
    }
  }

  private void onTimer(String timerId) {
    Optional<PendingTimer> pending = working.state().timer(timerId);
    if (pending.isEmpty() || pending.get().due().isAfter(now)) {
      return;
    }
    PendingTimer timer = pending.get();
    trimLedger();
    JourneyProgress progress = working.state().journeys().get(timer.journey());
    LoadedJourney loaded = progress == null ? null : deployed.forProgress(progress);
    if (loaded == null) {
      String reason =
          progress == null
              ? "the customer is no longer in " + timer.journey()
              : "journey " + timer.journey() + " is no longer deployed";
      emit(new TimerCancelled(timer, reason, now));
      return;
    }
    emit(new TimerFired(timer, now));
    if (timer.kind() == PendingTimer.Kind.ABSENCE) {
      Optional<Stage> stage = currentStage(loaded.journey(), progress);
      Optional<AbsenceTrigger> absence = stage.flatMap(s -> absenceTrigger(s, timer.trigger()));
      if (absence.isPresent()) {
        fire(loaded, stage.get(), absence.get(), timer.id());
      }
    } else if (branching.guardHolds(loaded, timer, facts(timer.journey()))) {
      delivery.deliver(loaded, timer.action());
    }
    completeIfDone(timer.journey());
  }

  private void recordConsent(Touchpoint touchpoint, String cause) {
    Consent.stated(touchpoint)
        .forEach(
            (channel, granted) -> {
              if (!Objects.equals(working.state().consent().get(channel), granted)) {
                emit(new ConsentChanged(channel, granted, cause, now));
              }
            });
  }

  /**
   * Count triggers count every matching touchpoint, whatever stage the customer is in, so that "3
   * views in 10 minutes" includes the views that brought them to the stage.
   */
  private void count(LoadedJourney loaded, EventFacts event) {
    Journey journey = loaded.journey();
    CustomerFacts facts = null; // made for the first count trigger this touchpoint is named by
    for (Stage stage : journey.stages()) {
      for (Trigger trigger : stage.on()) {
        if (!(trigger instanceof CountTrigger count) || !count.event().equals(event.name())) {
          continue;
        }
        if (facts == null) {
          facts = facts(journey.name());
        }
        if (matches(loaded, trigger, event, facts)) {
          Instant since = event.timestamp().minus(count.within());
          List<Instant> recent = new ArrayList<>();
          for (Instant at : working.state().counted(journey.name(), stage.name(), count.name())) {
            if (at.isAfter(since)) {
              recent.add(at);
            }
          }
          recent.add(event.timestamp());
          recent.sort(Comparator.naturalOrder());
          List<Instant> kept =
              recent.subList(Math.max(0, recent.size() - count.atLeast()), recent.size());
          emit(new TouchpointCounted(journey.name(), stage.name(), count.name(), kept));
        }
      }
    }
  }

  /**
   * A run or the entries API enters the customer: unless they are in the journey already or its
   * re-entry policy says not yet. The segment was evaluated by the run; the journey's own entry
   * condition is not asked (it is a touchpoint's).
   */
  private void onEntryRequested(Input.EntryRequested request) {
    LoadedJourney latest = deployed.latest(request.journey());
    if (latest == null
        || working.state().journeys().get(request.journey()) != null
        || !reEntryAllows(latest.journey())) {
      return;
    }
    trimLedger();
    enterNow(latest, facts(request.journey()), request.cause(), request.data());
    completeIfDone(request.journey());
  }

  private void enter(LoadedJourney loaded, EventFacts event, String cause) {
    Journey journey = loaded.journey();
    Entry entry = journey.entry();
    if (entry.byRuns() || !reEntryAllows(journey)) {
      return;
    }
    CustomerFacts facts = facts(journey.name());
    boolean entering =
        entry.event() == null
            ? holds(loaded, entry.when(), null, facts)
            : matches(loaded, entry.event(), entry.when(), event, facts);
    if (!entering) {
      return;
    }
    enterNow(loaded, facts, cause, null);
  }

  private void enterNow(
      LoadedJourney loaded, CustomerFacts facts, String cause, Map<String, Object> data) {
    Journey journey = loaded.journey();
    boolean holdout =
        Holdout.isHeldOut(customer.customerId(), journey.name(), journey.holdoutPercent());
    emit(
        new JourneyEntered(
            journey.name(),
            journey.version(),
            journey.startStage(),
            holdout,
            cause,
            now,
            Segments.matched(loaded, when -> holds(loaded, when, null, facts)),
            data));
    enterStage(loaded, journey.startStage(), cause);
  }

  private boolean reEntryAllows(Journey journey) {
    Instant left = working.state().leftAt().get(journey.name());
    if (left == null || journey.reEntry() instanceof ReEntryPolicy.Always) {
      return true;
    }
    if (journey.reEntry() instanceof ReEntryPolicy.AfterCooldown after) {
      return !now.isBefore(left.plus(after.cooldown()));
    }
    return false;
  }

  /**
   * Goal, then exits, then the stage: a purchase that is both is counted before the customer
   * leaves.
   */
  private void advance(
      LoadedJourney loaded, JourneyProgress progress, EventFacts event, String cause) {
    Journey journey = loaded.journey();
    String name = journey.name();
    CustomerFacts facts = facts(name);
    Goal goal = journey.goal();
    if (goal != null
        && !progress.goalReached()
        && matches(loaded, goal.event(), goal.when(), event, facts)
        && (goal.within() == null || !now.isAfter(progress.enteredAt().plus(goal.within())))) {
      emit(new GoalReached(name, goal.name(), cause, now));
      // After the conversion nothing pending makes sense any more: not the cart reminder, not a
      // nudge.
      cancelTimers(name, timer -> true, "goal " + goal.name() + " reached");
    }
    for (Exit exit : journey.exits()) {
      if (matches(loaded, exit.event(), exit.when(), event, facts)) {
        leave(name, progress.version(), "exit on " + exit.event());
        return;
      }
    }
    Optional<Stage> current = currentStage(journey, progress);
    if (current.isEmpty()) {
      return;
    }
    Stage stage = current.get();
    for (PendingTimer timer : working.state().timers()) {
      if (timer.kind() == PendingTimer.Kind.ABSENCE
          && timer.journey().equals(name)
          && timer.stage().equals(stage.name())) {
        Optional<AbsenceTrigger> absence = absenceTrigger(stage, timer.trigger());
        if (absence.isPresent() && matches(loaded, absence.get(), event, facts)) {
          emit(new TimerCancelled(timer, absence.get().event() + " arrived", now));
        }
      }
    }
    for (Trigger trigger : stage.on()) {
      if (trigger instanceof AbsenceTrigger || !matches(loaded, trigger, event, facts)) {
        continue;
      }
      if (trigger instanceof CountTrigger count
          && working.state().counted(name, stage.name(), count.name()).size() < count.atLeast()) {
        continue;
      }
      fire(loaded, stage, trigger, cause);
      return;
    }
  }

  /**
   * The customer's stage in the journey; a customer whose stage a new version removed leaves it.
   */
  private Optional<Stage> currentStage(Journey journey, JourneyProgress progress) {
    Optional<Stage> stage = journey.stage(progress.stage());
    if (stage.isEmpty()) {
      leave(
          journey.name(),
          progress.version(),
          "stage " + progress.stage() + " is not in version " + journey.version());
    }
    return stage;
  }

  private void fire(LoadedJourney loaded, Stage stage, Trigger trigger, String cause) {
    String name = loaded.journey().name();
    emit(new TriggerFired(name, stage.name(), trigger.name(), cause, now));
    for (Action action : trigger.actions()) {
      perform(loaded, stage.name(), trigger.name(), action, cause);
    }
    String gotoStage = trigger.gotoStage();
    if (trigger.split() != null) {
      Split.Arm arm = arms.armFor(loaded.journey(), stage.name(), trigger.split());
      for (Action action : arm.actions()) {
        perform(loaded, stage.name(), trigger.name(), action, cause, arm.name());
      }
      gotoStage = arm.gotoStage() == null ? gotoStage : arm.gotoStage();
    }
    if (trigger instanceof AbsenceTrigger absence) {
      Optional<Branch> arm =
          takeBranch(loaded, stage.name(), trigger.name(), absence.branch(), cause);
      if (arm.isPresent() && arm.get().gotoStage() != null) {
        gotoStage = arm.get().gotoStage();
      }
    }
    if (gotoStage != null) {
      cancelTimers(
          name,
          timer -> timer.kind() == PendingTimer.Kind.ABSENCE && timer.stage().equals(stage.name()),
          "left stage " + stage.name());
      emit(new StageEntered(name, stage.name(), gotoStage, trigger.name(), now));
      enterStage(loaded, gotoStage, cause);
    }
  }

  /**
   * Enter actions, then the branch, then one timer per absence trigger: the stage's clock starts
   * now. A branch arm that moves on enters its stage instead of arming this one's timers (the
   * validator refuses branches that would go round in a loop).
   */
  private void enterStage(LoadedJourney loaded, String stageName, String cause) {
    Journey journey = loaded.journey();
    Stage stage = journey.stage(stageName).orElseThrow();
    for (Action action : stage.enter()) {
      perform(loaded, stageName, PlannedAction.ON_ENTER, action, cause);
    }
    Optional<Branch> arm =
        takeBranch(loaded, stageName, PlannedAction.ON_ENTER, stage.branch(), cause);
    if (arm.isPresent() && arm.get().gotoStage() != null) {
      String next = arm.get().gotoStage();
      emit(new StageEntered(journey.name(), stageName, next, "branch " + arm.get().name(), now));
      enterStage(loaded, next, cause);
      return;
    }
    for (Trigger trigger : stage.on()) {
      if (trigger instanceof AbsenceTrigger absence) {
        String id = Ids.of(customer.customerId(), journey.name(), stageName, absence.name(), cause);
        emit(
            new TimerScheduled(
                new PendingTimer(
                    id,
                    now.plus(absence.within()),
                    PendingTimer.Kind.ABSENCE,
                    journey.name(),
                    journey.version(),
                    stageName,
                    absence.name(),
                    null)));
      }
    }
  }

  private void perform(
      LoadedJourney loaded, String stageName, String triggerName, Action action, String cause) {
    perform(loaded, stageName, triggerName, action, cause, null);
  }

  private void perform(
      LoadedJourney loaded,
      String stageName,
      String triggerName,
      Action action,
      String cause,
      String splitArm) {
    CustomerFacts facts = facts(loaded.journey().name());
    branching.perform(loaded, stageName, triggerName, action, facts, cause, splitArm);
  }

  private Optional<Branch> takeBranch(
      LoadedJourney loaded, String stageName, String triggerName, List<Branch> arms, String cause) {
    if (arms.isEmpty()) {
      return Optional.empty(); // most stages: no facts to build
    }
    CustomerFacts facts = facts(loaded.journey().name());
    return branching.take(loaded, stageName, triggerName, arms, facts, cause);
  }

  /**
   * A final stage with nothing pending completes the journey; the re-entry policy counts from then.
   */
  private void completeIfDone(String name) {
    JourneyProgress progress = working.state().journeys().get(name);
    LoadedJourney loaded = progress == null ? null : deployed.forProgress(progress);
    if (loaded == null) {
      return;
    }
    Optional<Stage> stage = loaded.journey().stage(progress.stage());
    if (stage.isPresent()
        && stage.get().on().isEmpty()
        && working.state().timers().stream().noneMatch(timer -> timer.journey().equals(name))) {
      emit(new JourneyExited(name, progress.version(), "completed", now));
    }
  }

  private void leave(String journey, int version, String reason) {
    cancelTimers(journey, timer -> true, reason);
    emit(new JourneyExited(journey, version, reason, now));
  }

  private void cancelTimers(String journey, Predicate<PendingTimer> which, String reason) {
    for (PendingTimer timer : working.state().timers()) {
      if (timer.journey().equals(journey) && which.test(timer)) {
        emit(new TimerCancelled(timer, reason, now));
      }
    }
  }

  private void trimLedger() {
    Instant cutoff = now.minus(deployed.longestWindow);
    for (LedgerEntry entry : working.state().ledger()) {
      if (!entry.at().isAfter(cutoff)) {
        emit(new LedgerTrimmed(cutoff));
        return;
      }
    }
  }

  private void emit(JourneyEvent event) {
    working.emit(event);
  }

  /** The version the customer is on if they are in the journey, else the latest. */
  private LoadedJourney journeyFor(LoadedJourney latest) {
    JourneyProgress progress = working.state().journeys().get(latest.journey().name());
    return progress == null ? latest : deployed.forProgress(progress);
  }

  private CustomerFacts facts(String journey) {
    return working.facts(customer, journey);
  }

  private boolean matches(
      LoadedJourney loaded, Trigger trigger, EventFacts event, CustomerFacts facts) {
    return matches(loaded, trigger.event(), trigger.when(), event, facts);
  }

  private boolean matches(
      LoadedJourney loaded, String name, Condition when, EventFacts event, CustomerFacts facts) {
    return name.equals(event.name()) && holds(loaded, when, event, facts);
  }

  /**
   * Whether {@code when} holds. One that stops at a limit counts as false, and the decision says
   * so, once per condition, so the designer learns why the trigger never fires.
   */
  private boolean holds(
      LoadedJourney loaded, Condition when, EventFacts event, CustomerFacts facts) {
    Verdict verdict = loaded.verdict(when, event, facts);
    boolean stopped = verdict == Verdict.OVER_LIMIT || verdict == Verdict.OUT_OF_TIME;
    if (stopped && overLimit.add(when.source())) {
      emit(
          new ConditionOverLimit(
              loaded.journey().name(), when.source(), loaded.compiled(when).limit(verdict), now));
    }
    return verdict == Verdict.HOLDS;
  }

  private static Optional<AbsenceTrigger> absenceTrigger(Stage stage, String name) {
    for (Trigger trigger : stage.on()) {
      if (trigger instanceof AbsenceTrigger absence && absence.name().equals(name)) {
        return Optional.of(absence);
      }
    }
    return Optional.empty();
  }
}
