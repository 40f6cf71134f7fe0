package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerCommand.GetCustomer;
import io.itinera.engine.customer.CustomerCommand.RecordTouchpoints;
import io.itinera.engine.customer.CustomerCommand.Recorded;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** The way into customers' entities for the gateway: asks with a timeout, wherever they live. */
public final class Customers {

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public Customers(ClusterSharding sharding, Duration askTimeout) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
  }

  /** Records one customer's touchpoints in their order; completes when they are in the journal. */
  public CompletionStage<Recorded> record(String customerId, List<Touchpoint> touchpoints) {
    return sharding
        .entityRefFor(CustomerEntity.TYPE_KEY, customerId)
        .askWithStatus(replyTo -> new RecordTouchpoints(touchpoints, replyTo), askTimeout);
  }

  /**
   * Records touchpoints of many customers: each customer's in their order, customers in parallel.
   * Completes when all are in the journal, or fails if any customer's write failed (the others
   * stay recorded; a retry of the whole request is de-duplicated by message id).
   */
  public CompletionStage<Recorded> recordAll(List<Touchpoint> touchpoints) {
    Map<String, List<Touchpoint>> byCustomer = new LinkedHashMap<>();
    for (Touchpoint touchpoint : touchpoints) {
      byCustomer.computeIfAbsent(touchpoint.customerId(), id -> new ArrayList<>()).add(touchpoint);
    }
    List<CompletableFuture<Recorded>> writes = new ArrayList<>(byCustomer.size());
    byCustomer.forEach((id, ofCustomer) -> writes.add(record(id, ofCustomer).toCompletableFuture()));
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                writes.stream()
                    .map(CompletableFuture::join)
                    .reduce(
                        new Recorded(0, 0),
                        (a, b) ->
                            new Recorded(a.recorded() + b.recorded(), a.duplicates() + b.duplicates())));
  }

  public CompletionStage<CustomerState> get(String customerId) {
    return sharding
        .entityRefFor(CustomerEntity.TYPE_KEY, customerId)
        .ask(GetCustomer::new, askTimeout);
  }
}
