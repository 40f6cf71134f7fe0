package io.itinera.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The timer wakers' meters, reported by the node each slice's waker runs on:
 *
 * <ul>
 *   <li>{@code itinera_timers_due{slice}}: customers with a timer due and not yet fired, as the
 *       waker's last poll found them (at most one poll's batch, 1,000): a backlog that stays up
 *       means timers fire late;
 *   <li>{@code itinera_timer_wakeups_total{outcome}}: customers woken for a due timer ({@code ok}),
 *       or whose wake-up failed ({@code failed}; retried on a later poll).
 * </ul>
 */
public final class TimerMetrics {

  private final MeterRegistry registry;
  private final Counter woken;
  private final Counter wakeFailures;

  TimerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.woken =
        Counter.builder("itinera.timer.wakeups")
            .description("Customers woken for a due timer")
            .tag("outcome", "ok")
            .register(registry);
    this.wakeFailures =
        Counter.builder("itinera.timer.wakeups")
            .description("Customers woken for a due timer")
            .tag("outcome", "failed")
            .register(registry);
  }

  /**
   * The due-timer gauge of one slice, while its waker runs on this node; {@link SliceGauge#close}
   * removes it when the waker stops (it moves with its slice to another node).
   */
  public SliceGauge slice(int slice) {
    AtomicInteger due = new AtomicInteger();
    Gauge gauge =
        Gauge.builder("itinera.timers.due", due, AtomicInteger::get)
            .description("Customers with a due timer not yet fired, at the last poll of the slice")
            .tag("slice", Integer.toString(slice))
            .strongReference(true)
            .register(registry);
    return new SliceGauge(due, () -> registry.remove(gauge));
  }

  public void woken(boolean ok) {
    (ok ? woken : wakeFailures).increment();
  }

  /** One slice's due-timer gauge. */
  public static final class SliceGauge implements AutoCloseable {
    private final AtomicInteger due;
    private final Runnable remove;

    SliceGauge(AtomicInteger due, Runnable remove) {
      this.due = due;
      this.remove = remove;
    }

    public void due(int count) {
      due.set(count);
    }

    @Override
    public void close() {
      remove.run();
    }
  }
}
