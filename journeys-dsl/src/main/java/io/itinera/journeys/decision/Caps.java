package io.itinera.journeys.decision;

import io.itinera.journeys.model.DurationText;
import io.itinera.journeys.model.FrequencyCaps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A journey's caps and offer cooldown held against the customer's ledger, which records what every
 * journey sent: a cap limits how often the customer hears from us, not from one journey.
 */
final class Caps {

  private Caps() {}

  record Refusal(SuppressionReason reason, String explanation) {}

  static Optional<Refusal> check(
      FrequencyCaps caps, List<LedgerEntry> ledger, PlannedAction action, Instant now) {
    return offerCooldown(caps, ledger, action, now).or(() -> capReached(caps, ledger, action, now));
  }

  private static Optional<Refusal> offerCooldown(
      FrequencyCaps caps, List<LedgerEntry> ledger, PlannedAction action, Instant now) {
    if (caps.offerCooldown() != null && action.offer() != null) {
      Instant since = now.minus(caps.offerCooldown());
      Optional<LedgerEntry> last =
          ledger.stream()
              .filter(e -> action.offer().equals(e.offer()) && e.at().isAfter(since))
              .reduce((earlier, later) -> later);
      if (last.isPresent()) {
        return Optional.of(
            new Refusal(
                SuppressionReason.OFFER_COOLDOWN,
                "offer "
                    + action.offer()
                    + " went out on "
                    + last.get().channel()
                    + " at "
                    + last.get().at()
                    + "; the cooldown is "
                    + DurationText.format(caps.offerCooldown())));
      }
    }
    return Optional.empty();
  }

  private static Optional<Refusal> capReached(
      FrequencyCaps caps, List<LedgerEntry> ledger, PlannedAction action, Instant now) {
    for (FrequencyCaps.ChannelCap cap : caps.perChannel()) {
      if (cap.channel().equals(action.channel())
          && sent(ledger, e -> e.channel().equals(cap.channel()), now.minus(cap.per()))
              >= cap.max()) {
        return refusal(SuppressionReason.CHANNEL_CAP, cap.max(), cap.channel(), cap.per());
      }
    }
    for (FrequencyCaps.Cap cap : caps.acrossChannels()) {
      if (sent(ledger, e -> true, now.minus(cap.per())) >= cap.max()) {
        return refusal(
            SuppressionReason.GLOBAL_CAP, cap.max(), "actions on all channels", cap.per());
      }
    }
    for (FrequencyCaps.Cap cap : caps.perJourney()) {
      if (sent(ledger, e -> e.journey().equals(action.journey()), now.minus(cap.per()))
          >= cap.max()) {
        return refusal(
            SuppressionReason.JOURNEY_CAP,
            cap.max(),
            "actions of journey " + action.journey(),
            cap.per());
      }
    }
    return Optional.empty();
  }

  /** The refusal for a reached cap of {@code max} {@code what} per {@code per}. */
  private static Optional<Refusal> refusal(
      SuppressionReason reason, int max, String what, Duration per) {
    return Optional.of(
        new Refusal(
            reason,
            "the cap of " + max + " " + what + " per " + DurationText.format(per) + " is reached"));
  }

  private static long sent(List<LedgerEntry> ledger, Predicate<LedgerEntry> which, Instant since) {
    return ledger.stream().filter(e -> e.at().isAfter(since) && which.test(e)).count();
  }
}
