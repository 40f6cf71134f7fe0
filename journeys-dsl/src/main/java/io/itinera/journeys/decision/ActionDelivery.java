package io.itinera.journeys.decision;

import io.itinera.journeys.decision.JourneyEvent.ActionDeferred;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.TimerScheduled;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Journey;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What becomes of an action a journey decided on, within one decision: held out, delayed, refused
 * for want of consent, capped, deferred past quiet hours, or emitted. Caps see the actions emitted
 * earlier in the same decision, so it remembers those with their journey's priority.
 */
final class ActionDelivery {

  private final WorkingState working;
  private final CustomerContext customer;
  private final Instant now;
  private final TraitChanges traits;

  /**
   * Actions emitted in this decision, with their journey's priority, to tell who took a cap first.
   */
  private final Map<String, Integer> emittedNow = new HashMap<>();

  private final Personalization personalization;

  ActionDelivery(
      WorkingState working,
      CustomerContext customer,
      Instant now,
      Personalization personalization) {
    this.working = working;
    this.customer = customer;
    this.now = now;
    this.personalization = personalization;
    this.traits = new TraitChanges(working, customer, now);
  }

  /**
   * Holdout is decided here, once; consent, caps and quiet hours when the action would go out. An
   * action's {@code set} is applied first (an action that only sets traits ends there), then its
   * templates are rendered, so every event about the action carries the text sent.
   *
   * @param arm the split arm the action belongs to, or null
   */
  void perform(
      LoadedJourney loaded,
      String stageName,
      String triggerName,
      Action action,
      String cause,
      String arm) {
    Journey journey = loaded.journey();
    String id =
        Ids.of(customer.customerId(), journey.name(), stageName, triggerName, action.name(), cause);
    // Trait changes are the journey's own bookkeeping, not a message: holdout, consent, caps and
    // quiet hours hold back what is sent, never the set (and both groups stay comparable).
    traits.apply(loaded, stageName, triggerName, action, cause);
    if (action.channel() == null) {
      return;
    }
    JourneyProgress progress = working.state().journeys().get(journey.name());
    boolean heldOut = progress.holdout();
    Personalization.Rendered rendered =
        personalization.render(
            loaded,
            stageName,
            arm != null ? arm : heldOut ? "holdout" : "treated",
            action,
            progress.entryData());
    if (rendered.failure() != null) {
      // A stopped template sends nothing rather than a message with a hole in it.
      working.emit(
          new ActionSuppressed(
              PlannedAction.of(
                  id,
                  journey.name(),
                  journey.version(),
                  stageName,
                  triggerName,
                  action,
                  Map.of(),
                  null),
              SuppressionReason.TEMPLATE_FAILED,
              rendered.failure(),
              now));
      return;
    }
    PlannedAction planned =
        PlannedAction.of(
            id,
            journey.name(),
            journey.version(),
            stageName,
            triggerName,
            action,
            rendered.params(),
            rendered.content());
    if (heldOut) {
      working.emit(
          new ActionSuppressed(
              planned,
              SuppressionReason.HOLDOUT,
              "the customer is in the "
                  + percent(journey.holdoutPercent())
                  + " holdout of "
                  + journey.name(),
              now));
      return;
    }
    if (!action.delay().isZero() || action.until() != null) {
      WaitResolution.Outcome wait =
          WaitResolution.resolve(action, working.traits(), journey.zone(), now);
      if (wait instanceof WaitResolution.Skipped skipped) {
        working.emit(new ActionSuppressed(planned, skipped.reason(), skipped.explanation(), now));
        return;
      }
      WaitResolution.Due due = (WaitResolution.Due) wait;
      if (due.at().isAfter(now)) {
        working.emit(
            new TimerScheduled(
                new PendingTimer(
                    Ids.of("delay", id),
                    due.at(),
                    PendingTimer.Kind.DELAYED_ACTION,
                    journey.name(),
                    journey.version(),
                    stageName,
                    triggerName,
                    planned,
                    action.when() == null ? null : action.when().source()),
                action.until() == null ? null : due.explanation()));
        return;
      }
    }
    deliver(loaded, planned);
  }

  void deliver(LoadedJourney loaded, PlannedAction action) {
    Journey journey = loaded.journey();
    Optional<String> noConsent = Consent.refusal(working.state().consent(), action.channel());
    if (noConsent.isPresent()) {
      working.emit(
          new ActionSuppressed(action, SuppressionReason.NO_CONSENT, noConsent.get(), now));
      return;
    }
    Optional<Caps.Refusal> capped = capRefusal(journey, action);
    if (capped.isPresent()) {
      working.emit(
          new ActionSuppressed(action, capped.get().reason(), capped.get().explanation(), now));
      return;
    }
    Optional<QuietWindow.Held> held =
        QuietWindow.holding(journey.quietHours(), action.channel(), now, customer.timeZone());
    if (held.isPresent()) {
      Instant until = held.get().until();
      working.emit(new ActionDeferred(action, until, held.get().explanation(), now));
      working.emit(
          new TimerScheduled(
              new PendingTimer(
                  Ids.of("quiet hours", action.id(), until.toString()),
                  until,
                  PendingTimer.Kind.QUIET_HOURS,
                  journey.name(),
                  journey.version(),
                  action.stage(),
                  action.trigger(),
                  action)));
      return;
    }
    working.emit(new ActionEmitted(action, now));
    emittedNow.put(action.id(), journey.priority());
  }

  /**
   * A cap's refusal; LOWER_PRIORITY when only actions of higher-priority journeys in this same
   * decision filled it, so the explanation names the real contender.
   */
  private Optional<Caps.Refusal> capRefusal(Journey journey, PlannedAction action) {
    List<LedgerEntry> ledger = working.state().ledger();
    Optional<Caps.Refusal> refusal = Caps.check(journey.caps(), ledger, action, now);
    if (refusal.isEmpty()) {
      return refusal;
    }
    Predicate<LedgerEntry> higherNow =
        e -> emittedNow.getOrDefault(e.actionId(), Integer.MIN_VALUE) > journey.priority();
    List<LedgerEntry> withoutHigher = ledger.stream().filter(higherNow.negate()).toList();
    if (withoutHigher.size() == ledger.size()
        || Caps.check(journey.caps(), withoutHigher, action, now).isPresent()) {
      return refusal;
    }
    String contenders =
        String.join(
            ", ", ledger.stream().filter(higherNow).map(LedgerEntry::journey).distinct().toList());
    return Optional.of(
        new Caps.Refusal(
            SuppressionReason.LOWER_PRIORITY,
            refusal.get().explanation()
                + " by "
                + contenders
                + ", which has priority over "
                + journey.name()));
  }

  private static String percent(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() + "%";
  }
}
