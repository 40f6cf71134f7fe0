package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The limit driven by recorded persist times on a clock of the test's own: each step is 100 writes
 * of a millisecond apart, each with as many touchpoints in flight as the limit allows (the node is
 * saturated, the case the limit is for).
 */
class LatencyLimitTest {

  private static final int MIN = 100;
  private static final int MAX = 3000;

  private final LatencyLimit limit = new LatencyLimit(new LatencyLimit.Settings(MIN, MAX, 1.5));
  private long now;

  /** {@code seconds} of saturated writes that each took {@code persist}; the limit after. */
  private int run(double seconds, Duration persist) {
    return run(seconds, persist, -1);
  }

  /** The same with {@code inFlight} touchpoints in flight at each write (-1: the limit). */
  private int run(double seconds, Duration persist, int inFlight) {
    long end = now + (long) (seconds * 1e9);
    while (now < end) {
      limit.sample(now, persist.toNanos(), inFlight < 0 ? limit.current() : inFlight, false);
      now += 1_000_000;
    }
    return limit.current();
  }

  @Test
  void theLimitStartsAtItsMinimumAndGrowsToItsMaximumWhileTheJournalKeepsItsLatency() {
    assertEquals(MIN, limit.current());
    int afterOneSecond = run(1, Duration.ofMillis(5));
    assertTrue(afterOneSecond > MIN, "grows within a second: " + afterOneSecond);
    assertEquals(MAX, run(10, Duration.ofMillis(5)), "within seconds");
  }

  @Test
  void theLimitFollowsWhatIsInFlight() {
    int limitAt150 = run(30, Duration.ofMillis(5), 150);
    assertTrue(
        limitAt150 > 150 && limitAt150 <= 2 * 150 + 2 * 15,
        "about twice what is in flight, so that it binds under overload: " + limitAt150);
  }

  @Test
  void risingLatencyLowersTheLimitToItsMinimumAndItRecoversWhenTheJournalIsFastAgain() {
    run(30, Duration.ofMillis(5));
    int afterOneSecond = run(1, Duration.ofMillis(50));
    assertTrue(afterOneSecond < MAX * 3 / 4, "falls within a second: " + afterOneSecond);
    int later = run(4, Duration.ofMillis(50));
    assertTrue(later < afterOneSecond, "keeps falling while latency stays high: " + later);
    assertEquals(MIN, run(10, Duration.ofMillis(50)), "never below the minimum");

    int recovering = run(2, Duration.ofMillis(5));
    assertTrue(recovering > MIN, "grows once persists are fast again: " + recovering);
    assertEquals(MAX, run(30, Duration.ofMillis(5)), "and is back at the maximum");
  }

  @Test
  void aSmallRiseWithinTheToleranceLeavesTheLimitAlone() {
    run(30, Duration.ofMillis(10));
    assertEquals(MAX, run(10, Duration.ofMillis(13)));
  }

  @Test
  void slowPersistsWithFewInFlightLeaveTheLimitAlone() {
    run(30, Duration.ofMillis(5));
    // Fewer in flight from now on (a window of fast writes first, so none mixes the two loads).
    assertEquals(MAX, run(1, Duration.ofMillis(5), MAX / 4));
    assertEquals(
        MAX,
        run(10, Duration.ofMillis(50), MAX / 4),
        "under half the limit in flight, the limit is not what holds the node back");
  }

  @Test
  void askTimeoutsKeepLoweringTheLimit() {
    run(30, Duration.ofMillis(5));
    // A timed-out write is answered 5 s after it started: windows then close about once a second.
    long end = now + 10_000_000_000L;
    while (now < end) {
      limit.sample(now, Duration.ofSeconds(5).toNanos(), limit.current(), true);
      now += 1_000_000;
    }
    assertTrue(limit.current() < MAX / 2, "a journal that does not answer: " + limit.current());
  }

  @Test
  void theBaselineIsTheLongRunPersistTime() {
    run(30, Duration.ofMillis(5));
    assertEquals(5, limit.baseline().toMillis(), 1);
  }
}
