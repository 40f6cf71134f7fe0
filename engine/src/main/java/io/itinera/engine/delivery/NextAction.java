package io.itinera.engine.delivery;

import io.itinera.engine.customer.CustomerCommand.ShowAction;
import io.itinera.engine.customer.CustomerCommand.Shown;
import io.itinera.engine.customer.CustomerEntity;
import io.itinera.engine.delivery.Delivery.Status;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.journeys.decision.PlannedAction;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The real-time decision: what a page (or an app screen) should show this customer now. The
 * candidates are the customer's actions for that channel that are waiting in the queue ({@code
 * available}: the channel has no webhook), decided within {@code next-action.max-age}, oldest
 * first. The first one is taken in the queue (so two tabs asking at once never both get it), then
 * the customer's entity, the single writer of their state, checks their consent for the channel as
 * it stands now and records the showing in the journal; a refused one is withdrawn and the next
 * tried.
 *
 * <p>Caps and offer cooldowns counted the action when the journeys decided it (that is what stops
 * the same offer going out by e-mail while the popup waits), so a shown action is already in the
 * cap's ledger; an action whose journey converted or was left before it was shown was withdrawn by
 * the outbox.
 */
public record NextAction(
    AvailableActions actions,
    ClusterSharding sharding,
    Duration askTimeout,
    Duration maxAge,
    Clock clock,
    BlockingSql blocking) {

  /** Candidates read per call; more are left for the next call. */
  private static final int CANDIDATES = 10;

  /** The action to show now, marked delivered; empty when there is none. */
  public CompletionStage<Optional<Delivery>> next(String customerId, String channel) {
    return blocking
        .supply(
            () -> actions.available(customerId, channel, clock.instant().minus(maxAge), CANDIDATES))
        .thenCompose(candidates -> first(customerId, candidates, 0));
  }

  private CompletionStage<Optional<Delivery>> first(
      String customerId, List<Delivery> candidates, int index) {
    if (index >= candidates.size()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Delivery candidate = candidates.get(index);
    return blocking
        .supply(() -> actions.take(candidate.actionId(), Status.DELIVERED, null, clock.instant()))
        .thenCompose(
            taken -> {
              if (!taken) {
                return first(customerId, candidates, index + 1);
              }
              PlannedAction action = ActionEvents.data(candidate.event()).toPlannedAction();
              return sharding
                  .entityRefFor(CustomerEntity.TYPE_KEY, customerId)
                  .<Shown>askWithStatus(replyTo -> new ShowAction(action, replyTo), askTimeout)
                  .handle(
                      (shown, failure) -> {
                        if (failure != null) {
                          return blocking
                              .supply(
                                  () -> {
                                    actions.giveBack(candidate.actionId());
                                    return null;
                                  })
                              .<Optional<Delivery>>thenCompose(
                                  given -> CompletableFuture.failedFuture(failure));
                        }
                        if (shown.withheld() != null) {
                          return blocking
                              .supply(
                                  () -> {
                                    actions.withdrawTaken(candidate.actionId(), shown.withheld());
                                    return null;
                                  })
                              .thenCompose(withdrawn -> first(customerId, candidates, index + 1));
                        }
                        return CompletableFuture.completedFuture(Optional.of(candidate));
                      })
                  .thenCompose(next -> next);
            });
  }
}
