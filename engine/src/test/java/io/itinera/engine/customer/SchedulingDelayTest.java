package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SchedulingDelayTest {

  private final AtomicLong now = new AtomicLong();
  private final Queue<Runnable> dispatcher = new ArrayDeque<>();
  private final SchedulingDelay delay = new SchedulingDelay(Duration.ofMillis(20), 3, now::get);

  /** Hands a probe over now, and lets the dispatcher run it {@code waited} later. */
  private void probeWaiting(Duration waited) {
    delay.probe(dispatcher::add);
    now.addAndGet(waited.toNanos());
    dispatcher.remove().run();
  }

  @Test
  void aProbeIsTimedFromItsHandingToItsStart() {
    probeWaiting(Duration.ofMillis(7));
    probeWaiting(Duration.ofMillis(9));
    probeWaiting(Duration.ofMillis(8));
    assertEquals(Duration.ofMillis(7), delay.current());
    assertEquals(Optional.empty(), delay.busy());
  }

  @Test
  void busyOnlyWhileEveryRecentProbeWasLate() {
    probeWaiting(Duration.ofMillis(30));
    probeWaiting(Duration.ofMillis(500)); // a pause: one late probe among prompt ones sheds nothing
    probeWaiting(Duration.ofMillis(1));
    assertEquals(Optional.empty(), delay.busy());

    probeWaiting(Duration.ofMillis(25));
    probeWaiting(Duration.ofMillis(40));
    assertEquals(Optional.empty(), delay.busy(), "the 1 ms probe is still among the last three");
    probeWaiting(Duration.ofMillis(60));
    assertEquals(Optional.of(new Shed.Busy(Duration.ofMillis(25))), delay.busy());
    assertEquals("busy", delay.busy().orElseThrow().reason());

    probeWaiting(Duration.ofMillis(3));
    assertEquals(Optional.empty(), delay.busy());
  }

  @Test
  void aZeroBoundNeverSheds() {
    SchedulingDelay off = new SchedulingDelay(Duration.ZERO, 1, now::get);
    off.record(Duration.ofSeconds(5).toNanos());
    assertEquals(Duration.ofSeconds(5), off.current(), "still measured, for the gauge");
    assertEquals(Optional.empty(), off.busy());
    assertTrue(
        !new SchedulingDelay(new SchedulingDelay.Settings(Duration.ZERO, Duration.ofMillis(20), 5))
            .sheds());
    assertTrue(delay.sheds());
  }

  @Test
  void settingsOutOfRangeAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new SchedulingDelay.Settings(Duration.ofMillis(20), Duration.ZERO, 5));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SchedulingDelay.Settings(Duration.ofMillis(20), Duration.ofMillis(20), 0));
  }
}
