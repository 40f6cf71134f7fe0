package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerCommand.Absorb;
import io.itinera.engine.customer.CustomerCommand.EnterJourney;
import io.itinera.engine.customer.CustomerCommand.EntryOutcome;
import io.itinera.engine.customer.CustomerCommand.Erase;
import io.itinera.engine.customer.CustomerCommand.Erased;
import io.itinera.engine.customer.CustomerCommand.GetCustomer;
import io.itinera.engine.customer.CustomerCommand.HandOver;
import io.itinera.engine.customer.CustomerCommand.HandedOver;
import io.itinera.engine.customer.CustomerCommand.RecordTouchpoints;
import io.itinera.engine.customer.CustomerCommand.Recorded;
import io.itinera.engine.metrics.IngestMetrics;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The way into customers' entities for the gateway: asks with a timeout, wherever they live.
 *
 * <p>Writes pass a {@link WriteAdmission}: past the node's current limit of touchpoints in flight,
 * or while the delivery side is behind, a call fails at once with {@link WriteAdmission.Overloaded}
 * ({@link #shedIn} says why).
 */
public final class Customers {

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Duration resendAfter;
  private final WriteAdmission admission;
  private final IngestMetrics metrics;

  /**
   * Times every persist, feeds it to the admission limit and counts sheds into {@code metrics}. A
   * write not answered within {@code resendAfter} is sent again, until {@code askTimeout} (see
   * {@link #ask}).
   */
  public Customers(
      ClusterSharding sharding,
      Duration askTimeout,
      Duration resendAfter,
      LatencyLimit.Settings limit,
      DeliveryPressure delivery,
      SchedulingDelay scheduling,
      IngestMetrics metrics) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.resendAfter = resendAfter;
    this.metrics = metrics;
    this.admission =
        new WriteAdmission(
            new LatencyLimit(limit), delivery, scheduling, shed -> metrics.shed(shed.reason()));
    metrics.admission(
        admission::inFlight,
        admission::limit,
        admission::baselineSeconds,
        () -> scheduling.current().toNanos() / 1e9);
  }

  /**
   * The shed for a node too busy to take touchpoints now, if it is ({@link SchedulingDelay}): asked
   * before a body is read, so that a refusal costs less than parsing it. {@link #record} asks too.
   */
  public Optional<Shed> refuseIfBusy() {
    return admission.refuseIfBusy().map(Shed.class::cast);
  }

  /** Whether {@link #refuseIfBusy} can ever refuse (itinera.admission.max-scheduling-delay set). */
  public boolean shedsWhenBusy() {
    return admission.shedsWhenBusy();
  }

  /** The ingest meters these writes are counted in; the gateway adds what it refuses itself. */
  public IngestMetrics metrics() {
    return metrics;
  }

  /**
   * Records one customer's touchpoints in their order; completes when they are in the journal.
   *
   * @param anonymousMergesOnly set for an ingest (public) key: the touchpoints may merge only an
   *     anonymous profile (seen, never identified, not merged elsewhere) into this customer; other
   *     merges they ask for are skipped (the gateway refuses those of identified profiles first)
   */
  public CompletionStage<Recorded> record(
      String customerId, List<Touchpoint> touchpoints, boolean anonymousMergesOnly) {
    return admission.admit(
        touchpoints.size(), () -> recordAndMerge(customerId, touchpoints, anonymousMergesOnly));
  }

  /**
   * The other profile a touchpoint says is this same person, as Segment's identity calls do: an
   * identify's anonymousId beside a userId, or an alias's previousId; never {@code customerId}
   * itself.
   */
  public static Optional<String> otherIdentity(Touchpoint touchpoint, String customerId) {
    String other =
        switch (touchpoint.type()) {
          case IDENTIFY -> touchpoint.userId() == null ? null : touchpoint.anonymousId();
          case ALIAS -> touchpoint.previousId();
          default -> null;
        };
    return other == null || other.isBlank() || other.equals(customerId)
        ? Optional.empty()
        : Optional.of(other);
  }

  /** Whether the profile {@code customerId} is a known customer (it was ever identified). */
  public CompletionStage<Boolean> identified(String customerId) {
    return get(customerId).thenApply(CustomerState::surelyIdentified);
  }

  /**
   * Records the touchpoints, where the customer's profile now lives if it was merged into another,
   * then merges in the profiles these touchpoints tied to the customer (an identify's anonymousId,
   * an alias's previousId). The reply comes when all of it is in the journal; if a merge fails, the
   * touchpoints are still recorded, and the client's retry (a repeat, acknowledged) merges again.
   */
  private CompletionStage<Recorded> recordAndMerge(
      String customerId, List<Touchpoint> touchpoints, boolean anonymousMergesOnly) {
    return ask(customerId, touchpoints)
        .thenCompose(
            recorded ->
                recorded.mergedInto() != null
                    ? ask(recorded.mergedInto(), touchpoints)
                    : CompletableFuture.completedFuture(recorded))
        .thenCompose(
            recorded -> {
              CompletionStage<Done> merges = CompletableFuture.completedFuture(Done.getInstance());
              for (String other : recorded.toMerge()) {
                merges =
                    merges.thenCompose(
                        done ->
                            anonymousMergesOnly
                                ? mergeIfAnonymous(other, customerId)
                                : merge(other, customerId));
              }
              return merges.thenApply(
                  done ->
                      new Recorded(recorded.recorded(), recorded.duplicates(), recorded.actions()));
            });
  }

  /**
   * Merges {@code from} only if it is an anonymous profile: seen, never identified, not merged
   * elsewhere. The profile's own entity checks that as it hands itself over, so nothing can change
   * it in between. One restored from a snapshot older than the identified flag may be a known
   * customer: its message is recorded (the gateway refused only sure ones) but it is not merged. A
   * profile never seen is not merged, so a public key cannot claim an id before its owner shows up
   * (its later touchpoints would otherwise follow to the claimant).
   */
  private CompletionStage<Done> mergeIfAnonymous(String from, String into) {
    return merge(from, into, true);
  }

  /** Merges the profile {@code from} into customer {@code into}: hand-over, then absorb. */
  private CompletionStage<Done> merge(String from, String into) {
    return merge(from, into, false);
  }

  /**
   * The absorb is sent again when unanswered (it is acknowledged, not applied, when repeated): once
   * the profile has handed itself over, its journeys and timers live only in this reply.
   */
  private CompletionStage<Done> merge(String from, String into, boolean anonymousOnly) {
    return entity(from)
        .<HandedOver>askWithStatus(
            replyTo -> new HandOver(into, replyTo, anonymousOnly), askTimeout)
        .thenCompose(
            handed ->
                handed.profile() == null
                    ? CompletableFuture.completedFuture(Done.getInstance())
                    : withResend(
                        timeout ->
                            entity(into)
                                .<Done>askWithStatus(
                                    replyTo -> new Absorb(from, handed.profile(), replyTo),
                                    timeout),
                        resendAfter,
                        System.nanoTime() + askTimeout.toNanos()));
  }

  private CompletionStage<Recorded> ask(String customerId, List<Touchpoint> touchpoints) {
    long start = System.nanoTime();
    int inFlight = admission.inFlight();
    // Random, so that writes from different nodes to one customer never share one.
    long requestId = ThreadLocalRandom.current().nextLong() | 1;
    return withResend(
            timeout ->
                entity(customerId)
                    .<Recorded>askWithStatus(
                        replyTo -> new RecordTouchpoints(requestId, touchpoints, replyTo), timeout),
            resendAfter,
            start + askTimeout.toNanos())
        .whenComplete(
            (recorded, failure) -> {
              long took = System.nanoTime() - start;
              metrics.persisted(Duration.ofNanos(took), failure == null);
              admission.persisted(start, took, inFlight, failure != null);
            });
  }

  /**
   * Sends again what got no answer within {@code resendAfter} ({@code send} fails with a {@link
   * TimeoutException} after the timeout it is given), until {@code deadlineNanos}; the last attempt
   * gets what time is left. Other failures are not sent again.
   *
   * <p>Why, for the entity's writes: a message routed to a node that has just died is lost, and its
   * shards only move once the resolver has downed it; without the resend, a request sent just
   * before they move waits out the whole ask timeout although the customer is answering again. A
   * planned leave or a rebalance loses messages too, silently: Pekko drops what the old shard
   * receives once its hand-off began, what the old region had buffered for it, and what its
   * stopping entities had stashed; the resend reaches the region of a node that stays, which holds
   * it until the shard's new home is known (docs/operations.md, Upgrades and scale-down). Safe
   * because the entity drops touchpoints it has already recorded (by message id), and honest
   * because every send of one write carries the same request id: a resend of a write that was only
   * slow gets the answer the write got, its touchpoints recorded and its actions listed ({@link
   * RecentRequests}).
   */
  static <T> CompletionStage<T> withResend(
      Function<Duration, CompletionStage<T>> send, Duration resendAfter, long deadlineNanos) {
    long left = deadlineNanos - System.nanoTime();
    boolean last = left <= resendAfter.toNanos() * 3 / 2;
    Duration timeout = Duration.ofNanos(last ? Math.max(left, 1) : resendAfter.toNanos());
    return send.apply(timeout)
        .handle(
            (answer, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(answer)
                    : !last && isTimeout(failure)
                        ? withResend(send, resendAfter, deadlineNanos)
                        : CompletableFuture.<T>failedFuture(failure))
        .thenCompose(stage -> stage);
  }

  private static boolean isTimeout(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    return cause instanceof TimeoutException;
  }

  private EntityRef<CustomerCommand> entity(String customerId) {
    return sharding.entityRefFor(CustomerEntity.TYPE_KEY, customerId);
  }

  /**
   * Records touchpoints of many customers: each customer's in their order, customers in parallel.
   * Completes when all are in the journal, or fails if any customer's write failed (the others stay
   * recorded; a retry of the whole request is de-duplicated by message id).
   */
  public CompletionStage<Recorded> recordAll(
      List<Touchpoint> touchpoints, boolean anonymousMergesOnly) {
    Map<String, List<Touchpoint>> byCustomer = new LinkedHashMap<>();
    for (Touchpoint touchpoint : touchpoints) {
      byCustomer.computeIfAbsent(touchpoint.customerId(), id -> new ArrayList<>()).add(touchpoint);
    }
    return admission.admit(touchpoints.size(), () -> askAll(byCustomer, anonymousMergesOnly));
  }

  private CompletionStage<Recorded> askAll(
      Map<String, List<Touchpoint>> byCustomer, boolean anonymousMergesOnly) {
    List<CompletableFuture<Recorded>> writes = new ArrayList<>(byCustomer.size());
    byCustomer.forEach(
        (id, ofCustomer) ->
            writes.add(recordAndMerge(id, ofCustomer, anonymousMergesOnly).toCompletableFuture()));
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                writes.stream()
                    .map(CompletableFuture::join)
                    .reduce(Recorded.NOTHING, Recorded::plus));
  }

  /** Why {@code failure} is a write refused by admission, if it is one rather than a failure. */
  public static Optional<Shed> shedIn(Throwable failure) {
    Throwable cause = failure instanceof WriteAdmission.Overloaded ? failure : failure.getCause();
    return cause instanceof WriteAdmission.Overloaded overloaded
        ? Optional.of(overloaded.shed())
        : Optional.empty();
  }

  /**
   * Erases the customer and, first, every profile merged into them (recursively: a merged profile
   * may have absorbed others before), so a retry after a failure half-way still finds them in the
   * customer's state. A profile that was itself merged into another is erased alone: the profile it
   * went to keeps what it absorbed, and the reply names it.
   */
  public CompletionStage<Erased> erase(String customerId) {
    return erase(customerId, new HashSet<>(List.of(customerId)));
  }

  private CompletionStage<Erased> erase(String customerId, Set<String> visited) {
    return get(customerId)
        .thenCompose(
            state -> {
              CompletionStage<Integer> merged = CompletableFuture.completedFuture(0);
              for (String absorbed : state.absorbed()) {
                if (visited.add(absorbed)) {
                  merged =
                      merged.thenCompose(
                          count -> erase(absorbed, visited).thenApply(erased -> count + 1));
                }
              }
              return merged;
            })
        .thenCompose(
            merged ->
                entity(customerId)
                    .askWithStatus(replyTo -> new Erase(merged, replyTo), askTimeout));
  }

  /**
   * Asks the customer's entity to enter {@code journey} now (an entry run's match, or the entries
   * API); completes once an entry is in the journal, with what the entity decided.
   */
  public CompletionStage<EntryOutcome> enter(
      String customerId, String journey, String cause, Map<String, Object> data) {
    return entity(customerId)
        .askWithStatus(replyTo -> new EnterJourney(journey, cause, data, replyTo), askTimeout);
  }

  /**
   * The customer's state. Sent again when unanswered, as writes are ({@link #withResend}): a read
   * is safe to repeat, and one dropped in a shard's hand-off would otherwise wait out the whole ask
   * timeout.
   */
  public CompletionStage<CustomerState> get(String customerId) {
    return withResend(
        timeout -> entity(customerId).ask(GetCustomer::new, timeout),
        resendAfter,
        System.nanoTime() + askTimeout.toNanos());
  }
}
