package io.itinera.engine.customer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the touchpoints being recorded through one node at once. Past the bound a write is refused
 * at once with {@link Overloaded} (the gateway answers 503 with Retry-After) instead of queueing:
 * the journal's write queue is bounded too, and filling it makes every entity's persist fail and
 * restart, which under sustained overload never recovers (docs/benchmarks.md, "Behind the design",
 * has the figures).
 */
final class WriteAdmission {

  /** Refused without trying: too many touchpoints are being recorded already. */
  public static final class Overloaded extends RuntimeException {
    Overloaded(int inFlight) {
      super(
          inFlight + " touchpoints are being recorded on this node; retry shortly",
          null,
          false,
          false);
    }
  }

  private final int maxInFlight;
  private final Runnable onRefusal;
  private final AtomicInteger inFlight = new AtomicInteger();

  WriteAdmission(int maxInFlight) {
    this(maxInFlight, () -> {});
  }

  /** {@code onRefusal} runs for every write refused (the refusals meter). */
  WriteAdmission(int maxInFlight, Runnable onRefusal) {
    this.maxInFlight = maxInFlight;
    this.onRefusal = onRefusal;
  }

  /**
   * Runs {@code write} if {@code count} more touchpoints fit under the bound. A request larger than
   * the whole bound is still admitted when nothing else is in flight, so it can never starve.
   */
  <T> CompletionStage<T> admit(int count, Supplier<CompletionStage<T>> write) {
    int before = inFlight.getAndAdd(count);
    if (before > 0 && before + count > maxInFlight) {
      inFlight.addAndGet(-count);
      onRefusal.run();
      return CompletableFuture.failedFuture(new Overloaded(before));
    }
    try {
      return write.get().whenComplete((result, failure) -> inFlight.addAndGet(-count));
    } catch (RuntimeException e) {
      inFlight.addAndGet(-count);
      throw e;
    }
  }

  int inFlight() {
    return inFlight.get();
  }
}
