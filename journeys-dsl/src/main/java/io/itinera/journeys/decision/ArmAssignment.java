package io.itinera.journeys.decision;

import io.itinera.journeys.decision.JourneyEvent.ArmAssigned;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.Split;
import java.time.Instant;
import java.util.Optional;

/**
 * Gives a customer their arm of a split, within one decision: the arm already kept in their
 * progress if they have one, else a new one, journalled as {@link ArmAssigned} so that it is chosen
 * once (a bandit draws once) and a replay takes the same path.
 *
 * <p>Held-out customers take the arm a fixed split would give them, without journalling it: they
 * move through the stages like everyone else so the holdout stays comparable, but they are the
 * journey's control group, not one of the experiment's arms, and must not count in its figures.
 */
final class ArmAssignment {

  private final WorkingState working;
  private final CustomerContext customer;
  private final Experiments experiments;
  private final Instant now;

  ArmAssignment(
      WorkingState working, CustomerContext customer, Experiments experiments, Instant now) {
    this.working = working;
    this.customer = customer;
    this.experiments = experiments;
    this.now = now;
  }

  Split.Arm armFor(Journey journey, String stage, Split split) {
    JourneyProgress progress = working.state().journeys().get(journey.name());
    // An arm a later version no longer has is chosen again, among the arms it does have.
    Optional<Split.Arm> kept =
        Optional.ofNullable(progress.arms().get(split.name())).flatMap(split::arm);
    if (kept.isPresent()) {
      return kept.get();
    }
    int bucket = Bandit.bucket(customer.customerId(), journey.name(), split.name());
    if (progress.holdout()) {
      return Bandit.byWeight(split, bucket);
    }
    Split.Arm arm =
        split.strategy() == Split.Strategy.FIXED
            ? Bandit.byWeight(split, bucket)
            : Bandit.choose(
                split,
                bucket,
                experiments.statistics().counts(journey.name(), journey.version(), split.name()),
                experiments.random());
    working.emit(new ArmAssigned(journey.name(), split.name(), arm.name(), stage, now));
    return arm;
  }
}
