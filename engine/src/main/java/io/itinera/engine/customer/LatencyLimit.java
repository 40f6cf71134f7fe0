package io.itinera.engine.customer;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How many touchpoints one node may have in the journal's hands at once, moved by how long the
 * journal takes to write them: Netflix's Gradient2 over windows of persist times. The limit starts
 * at the minimum and follows use: while at least half of it is in flight and the recent persist
 * time stays within {@code tolerance} times its long-run average, it grows (about 5% a window, up
 * to the maximum); when the persist time rises past that, it falls, never below the minimum. Below
 * half used it does not move, Gradient2's rule, so it stays within about twice what the node
 * actually has in flight. Starting at the maximum (3,000) it never moved for single-event tracks: a
 * node's connections cannot hold half of it, so under overload requests queued for seconds and
 * timed out instead of being refused.
 *
 * <p>Samples carry their own start time, and the windows are cut on those times, not on a clock of
 * this class's own, so a test can replay a recorded run.
 */
public final class LatencyLimit {

  /**
   * @param min the limit never falls below this (one batch should always fit)
   * @param max the limit never rises above this: the journal's write queue must hold it
   * @param tolerance how many times its long-run average the persist time may reach before the
   *     limit falls
   */
  public record Settings(int min, int max, double tolerance) {

    public Settings {
      if (min < 1 || max < min) {
        throw new IllegalArgumentException(
            "touchpoints in flight: need 1 <= min (" + min + ") <= max (" + max + ")");
      }
      if (tolerance < 1) {
        throw new IllegalArgumentException("latency tolerance below 1: " + tolerance);
      }
    }

    /** A fixed limit: what tests that do not look at admission run with. */
    static Settings fixed(int limit) {
      return new Settings(limit, limit, 1.5);
    }

    public static Settings from(Config config) {
      return new Settings(
          config.getInt("itinera.admission.min-touchpoints-in-flight"),
          config.getInt("itinera.http.max-touchpoints-in-flight"),
          config.getDouble("itinera.admission.latency-tolerance"));
    }
  }

  private final Gradient2Limit gradient;
  private final Limit limit;

  LatencyLimit(Settings settings) {
    this.gradient =
        Gradient2Limit.newBuilder()
            .initialLimit(settings.min())
            .minLimit(settings.min())
            .maxConcurrency(settings.max())
            .rttTolerance(settings.tolerance())
            // Headroom added each window: the library's default (a few units) is made for limits
            // of tens of requests; ours count touchpoints in thousands and must grow back within
            // seconds once the journal is fast again.
            .queueSize(current -> Math.max(4, current / 10))
            // Half of each window's new estimate, not the library's fifth: growing from the minimum
            // to a burst of batches' thousands takes seconds, not tens of seconds.
            .smoothing(0.5)
            .build();
    // A window closes after 10 samples and at least 100 ms (at most 1 s), so the limit moves on
    // an average, at most ten times a second, and the sampling costs no lock per write.
    this.limit =
        WindowedLimit.newBuilder()
            .minWindowTime(100, TimeUnit.MILLISECONDS)
            .maxWindowTime(1, TimeUnit.SECONDS)
            .windowSize(10)
            .build(gradient);
  }

  int current() {
    return limit.getLimit();
  }

  /**
   * One persist: started at {@code startNanos} (any monotonic clock), answered {@code rttNanos}
   * later, with {@code inFlight} touchpoints in flight when it started; {@code failed} when it got
   * no answer (a timeout counts as the journal being slow).
   */
  void sample(long startNanos, long rttNanos, int inFlight, boolean failed) {
    limit.onSample(startNanos, rttNanos, inFlight, failed);
  }

  /** The long-run persist time the limit compares against. */
  Duration baseline() {
    return Duration.ofNanos(gradient.getRttNoLoad(TimeUnit.NANOSECONDS));
  }
}
