package io.itinera.engine.customer;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * How late this node's dispatcher starts the work it is handed: a small task is handed to it at a
 * fixed interval and times how long it waited to start. It sees a dispatcher whose threads are all
 * busy (every step of every request then queues behind them); it does not see CPU taken by other
 * processes, since a woken idle thread gets a CPU at once: in the overload benchmark it read 0-1 ms
 * while requests waited seconds before their route (docs/benchmarks.md, Overload). With a bound
 * set, ingest sheds ("busy") while even the promptest of the last few probes waited longer than it:
 * the smallest, not the average, so a single GC pause or a late probe does not shed, and a
 * dispatcher that stays behind, which delays every probe, does.
 */
public final class SchedulingDelay {

  /**
   * @param bound ingest sheds while every recent probe waited longer than this; zero turns it off
   * @param interval how often a probe is handed to the dispatcher
   * @param window how many of the latest probes must all have waited longer than the bound
   */
  public record Settings(Duration bound, Duration interval, int window) {

    public Settings {
      if (bound.isNegative() || interval.isNegative() || interval.isZero() || window < 1) {
        throw new IllegalArgumentException(
            "scheduling delay: need bound >= 0, interval > 0, window >= 1; got "
                + bound
                + ", "
                + interval
                + ", "
                + window);
      }
    }

    public static Settings from(Config config) {
      return new Settings(
          config.getDuration("itinera.admission.max-scheduling-delay"),
          config.getDuration("itinera.admission.scheduling-probe-interval"),
          config.getInt("itinera.admission.scheduling-probe-window"));
    }
  }

  /** Never busy: for tests of the other reasons, and when the bound is zero. */
  public static final SchedulingDelay NONE =
      new SchedulingDelay(Duration.ZERO, 1, System::nanoTime);

  private final long boundNanos;
  private final LongSupplier nanoTime;

  /**
   * The latest probes' waits, a ring; guarded by itself (probes can overlap when they are late).
   */
  private final long[] recent;

  private int next;

  /** The smallest wait in {@link #recent}, read on every write without a lock. */
  private volatile long promptest;

  SchedulingDelay(Duration bound, int window, LongSupplier nanoTime) {
    this.boundNanos = bound.toNanos();
    this.nanoTime = nanoTime;
    this.recent = new long[window];
  }

  public SchedulingDelay(Settings settings) {
    this(settings.bound(), settings.window(), System::nanoTime);
  }

  /**
   * Hands one probe to {@code dispatcher}; call it every {@link Settings#interval()} (from the
   * scheduler's thread, not the dispatcher's own, so a saturated dispatcher cannot delay the
   * handing itself).
   */
  public void probe(Executor dispatcher) {
    long handed = nanoTime.getAsLong();
    dispatcher.execute(() -> record(nanoTime.getAsLong() - handed));
  }

  /** One probe's wait. */
  void record(long waitedNanos) {
    synchronized (recent) {
      recent[next] = waitedNanos;
      next = (next + 1) % recent.length;
      promptest = Arrays.stream(recent).min().orElse(0);
    }
  }

  /** Whether it ever sheds: a bound above zero. */
  public boolean sheds() {
    return boundNanos > 0;
  }

  /** How long the promptest of the latest probes waited. */
  public Duration current() {
    return Duration.ofNanos(promptest);
  }

  /** The shed, when the node's dispatcher is behind by more than the bound. */
  Optional<Shed.Busy> busy() {
    long waited = promptest;
    return boundNanos > 0 && waited > boundNanos
        ? Optional.of(new Shed.Busy(Duration.ofNanos(waited)))
        : Optional.empty();
  }
}
