package io.itinera.engine.customer;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Decides, for each write, whether this node takes it now. A write is refused at once with {@link
 * Overloaded} (the gateway answers 503 with Retry-After), never queued, when:
 *
 * <ul>
 *   <li>the node's dispatcher is behind ({@link SchedulingDelay}): the work its dispatcher is
 *       handed waits to start, so a request would spend longer waiting for a thread than being
 *       served;
 *   <li>a channel's due webhooks wait longer than the bound ({@link DeliveryPressure}): taking more
 *       touchpoints would only make the delivery backlog grow;
 *   <li>the touchpoints in flight would pass the {@link LatencyLimit}, which falls when the
 *       journal's write latency rises. The journal's write queue is bounded too, and filling it
 *       makes every entity's persist fail and restart, which under sustained overload never
 *       recovers (docs/benchmarks.md, "Behind the design", has the figures).
 * </ul>
 */
final class WriteAdmission {

  /** Refused without trying; {@link #shed()} says why. */
  public static final class Overloaded extends RuntimeException {
    private final transient Shed shed;

    Overloaded(Shed shed) {
      super(describe(shed), null, false, false);
      this.shed = shed;
    }

    public Shed shed() {
      return shed;
    }

    private static String describe(Shed shed) {
      if (shed instanceof Shed.Busy busy) {
        return "this node's work waits "
            + busy.delay().toMillis()
            + " ms for a thread; retry shortly";
      }
      if (shed instanceof Shed.DeliveryBehind behind) {
        return "webhooks of channel "
            + behind.channel()
            + " have waited "
            + behind.age().toMillis()
            + " ms for delivery; retry shortly";
      }
      Shed.AtLimit limit = (Shed.AtLimit) shed;
      return limit.inFlight()
          + " touchpoints are being recorded on this node, its limit is "
          + limit.limit()
          + "; retry shortly";
    }
  }

  private final LatencyLimit limit;
  private final DeliveryPressure delivery;
  private final SchedulingDelay scheduling;
  private final Consumer<Shed> onShed;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** A fixed limit and no delivery side: for tests of the limit alone. */
  WriteAdmission(int maxInFlight) {
    this(
        new LatencyLimit(LatencyLimit.Settings.fixed(maxInFlight)),
        DeliveryPressure.NONE,
        SchedulingDelay.NONE,
        shed -> {});
  }

  /** {@code onShed} runs for every write refused (the sheds meter). */
  WriteAdmission(
      LatencyLimit limit,
      DeliveryPressure delivery,
      SchedulingDelay scheduling,
      Consumer<Shed> onShed) {
    this.limit = limit;
    this.delivery = delivery;
    this.scheduling = scheduling;
    this.onShed = onShed;
  }

  /**
   * Runs {@code write} if {@code count} more touchpoints fit under the limit. A request larger than
   * the whole limit is still admitted when nothing else is in flight, so it can never starve.
   */
  <T> CompletionStage<T> admit(int count, Supplier<CompletionStage<T>> write) {
    // Also asked here for a body that was streamed, which the gateway reads before asking.
    Shed.Busy busy = scheduling.busy().orElse(null);
    if (busy != null) {
      return refuse(busy);
    }
    Shed.DeliveryBehind behind = delivery.behind().orElse(null);
    if (behind != null) {
      return refuse(behind);
    }
    int current = limit.current();
    int before = inFlight.getAndAdd(count);
    if (before > 0 && before + count > current) {
      inFlight.addAndGet(-count);
      return refuse(new Shed.AtLimit(before, current));
    }
    try {
      return write.get().whenComplete((result, failure) -> inFlight.addAndGet(-count));
    } catch (RuntimeException e) {
      inFlight.addAndGet(-count);
      throw e;
    }
  }

  /**
   * The shed for a node too busy to take a write, if it is: what the gateway asks before it reads a
   * body, so that a refusal costs less than parsing one. Counted as a shed when it is.
   */
  Optional<Shed.Busy> refuseIfBusy() {
    Optional<Shed.Busy> busy = scheduling.busy();
    busy.ifPresent(onShed);
    return busy;
  }

  boolean shedsWhenBusy() {
    return scheduling.sheds();
  }

  private <T> CompletionStage<T> refuse(Shed shed) {
    onShed.accept(shed);
    return CompletableFuture.failedFuture(new Overloaded(shed));
  }

  /**
   * One persist of an admitted write, started at {@code startNanos} ({@link System#nanoTime}) with
   * {@code inFlightAtStart} touchpoints in flight: what moves the limit.
   */
  void persisted(long startNanos, long tookNanos, int inFlightAtStart, boolean failed) {
    limit.sample(startNanos, tookNanos, inFlightAtStart, failed);
  }

  int inFlight() {
    return inFlight.get();
  }

  int limit() {
    return limit.current();
  }

  double baselineSeconds() {
    return limit.baseline().toNanos() / 1e9;
  }
}
