package io.itinera.engine.delivery;

import io.itinera.engine.customer.CustomerCommand.GetCustomer;
import io.itinera.engine.customer.CustomerCommand.ShowAction;
import io.itinera.engine.customer.CustomerCommand.Shown;
import io.itinera.engine.customer.CustomerEntity;
import io.itinera.engine.customer.CustomerState;
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
 * The real-time decision, in two steps as a page uses it: {@link #next} answers what to show this
 * customer now and changes nothing (a GET: a prefetch, a crawler or a retry cannot consume the
 * action), and {@link #recordShown} records that the page showed it (a POST).
 *
 * <p>The candidates are the customer's actions for that channel that wait in the queue ({@code
 * available}: the channel has no webhook), decided within {@code next-action.max-age}, oldest
 * first. {@link #next} offers the oldest unless the customer's consent for the channel, as it
 * stands now, refuses it. {@link #recordShown} takes the action in the queue (so two calls never
 * both record it), then the customer's entity, the single writer of their state, checks consent
 * again and journals the showing or the refusal; a refused one is withdrawn.
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

  /** What recording a showing came to. */
  public sealed interface Outcome {}

  /** Recorded as shown now, or it had been already ({@code again}): a repeat changes nothing. */
  public record Recorded(Delivery delivery, boolean again) implements Outcome {}

  /** The customer has no such action. */
  public record Unknown() implements Outcome {}

  /** It may not be shown: withdrawn (consent went, the journey converted) or sent by webhook. */
  public record Refused(Delivery delivery, String reason) implements Outcome {}

  /** The action to show now, changing nothing; empty when there is none. */
  public CompletionStage<Optional<Delivery>> next(String customerId, String channel) {
    return blocking
        .supply(() -> actions.available(customerId, channel, clock.instant().minus(maxAge), 1))
        .thenCompose(
            candidates ->
                candidates.isEmpty()
                    ? CompletableFuture.completedFuture(Optional.<Delivery>empty())
                    : consented(customerId, channel, candidates));
  }

  private CompletionStage<Optional<Delivery>> consented(
      String customerId, String channel, List<Delivery> candidates) {
    return sharding
        .entityRefFor(CustomerEntity.TYPE_KEY, customerId)
        .<CustomerState>ask(GetCustomer::new, askTimeout)
        .thenApply(
            state ->
                state.journeys().consentRefusal(channel).isPresent()
                    ? Optional.empty()
                    : Optional.of(candidates.get(0)));
  }

  /**
   * Records that the customer was shown the action: it becomes {@code delivered} and the customer's
   * journal says so. Idempotent: a repeat answers {@link Recorded} with {@code again}.
   */
  public CompletionStage<Outcome> recordShown(String customerId, String actionId) {
    return blocking
        .supply(() -> actions.get(actionId))
        .thenCompose(
            row ->
                row.filter(d -> d.customerId().equals(customerId))
                    .map(this::record)
                    .orElseGet(() -> CompletableFuture.completedFuture(new Unknown())));
  }

  private CompletionStage<Outcome> record(Delivery row) {
    return switch (row.status()) {
      case AVAILABLE -> take(row);
      case DELIVERED ->
          CompletableFuture.completedFuture(
              row.attempts() == 0
                  ? new Recorded(row, true)
                  : new Refused(row, "it was delivered by the channel's webhook"));
      case WITHDRAWN ->
          CompletableFuture.completedFuture(
              new Refused(
                  row,
                  "it was withdrawn: "
                      + Optional.ofNullable(row.lastError())
                          .orElse("its journey converted or ended")));
      case PENDING, DEAD ->
          CompletableFuture.completedFuture(
              new Refused(row, "its channel sends it by webhook; it is not shown by a page"));
    };
  }

  private CompletionStage<Outcome> take(Delivery row) {
    return blocking
        .supply(() -> actions.take(row.actionId(), Status.DELIVERED, null, clock.instant()))
        .thenCompose(
            taken -> {
              if (!taken) {
                // Another call moved it first: answer as a repeat would.
                return blocking
                    .supply(() -> actions.get(row.actionId()).orElseThrow())
                    .thenCompose(now -> now.status() == Status.AVAILABLE ? take(now) : record(now));
              }
              PlannedAction action = ActionEvents.data(row.event()).toPlannedAction();
              return sharding
                  .entityRefFor(CustomerEntity.TYPE_KEY, row.customerId())
                  .<Shown>askWithStatus(replyTo -> new ShowAction(action, replyTo), askTimeout)
                  .handle((shown, failure) -> journalled(row, shown, failure))
                  .thenCompose(next -> next);
            });
  }

  private CompletionStage<Outcome> journalled(Delivery row, Shown shown, Throwable failure) {
    if (failure != null) {
      return blocking
          .supply(
              () -> {
                actions.giveBack(row.actionId());
                return null;
              })
          .thenCompose(given -> CompletableFuture.failedFuture(failure));
    }
    if (shown.withheld() != null) {
      return blocking.supply(
          () -> {
            actions.withdrawTaken(row.actionId(), shown.withheld());
            return new Refused(row, "it was withheld: " + shown.withheld());
          });
    }
    return CompletableFuture.completedFuture(new Recorded(row, false));
  }
}
