package io.itinera.engine.analytics.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StageTimesTest {

  @Test
  void nobodyHasLeftTheStage() {
    assertNull(StageTimes.of(new long[0]).medianSeconds());
    assertNull(StageTimes.of(new long[] {0, 0, 0}).p90Seconds());
    assertNull(StageTimes.of(null).medianSeconds());
  }

  @Test
  void withinABucketTheQuantileIsInterpolatedOnALogScale() {
    StageTime time = StageTimes.of(new long[] {0, 0, 0, 10});
    assertEquals(4 * Math.sqrt(2), time.medianSeconds(), 1e-9, "half way through [4, 8) s");
    assertEquals(4 * Math.pow(2, 0.9), time.p90Seconds(), 1e-9);
  }

  @Test
  void theFirstBucketStartsAtZeroAndIsInterpolatedLinearly() {
    StageTime time = StageTimes.of(new long[] {10});
    assertEquals(0.5, time.medianSeconds(), 1e-12);
    assertEquals(0.9, time.p90Seconds(), 1e-12);
  }

  @Test
  void bucketEdgesAreExact() {
    StageTime time = StageTimes.of(new long[] {5, 4, 1});
    assertEquals(1.0, time.medianSeconds(), 1e-12, "half of 10 is the end of bucket 0, 1 s");
    assertEquals(2.0, time.p90Seconds(), 1e-12, "90% of 10 is the end of bucket 1, 2 s");
  }

  /** Stays spread evenly on a log scale from 1 s to 1024 s: median 32 s, p90 512 s. */
  @Test
  void recoversTheQuantilesOfLogUniformStays() {
    SplittableRandom random = new SplittableRandom(17);
    long[] buckets = new long[12];
    for (int i = 0; i < 100_000; i++) {
      double seconds = Math.pow(2, 10 * random.nextDouble());
      buckets[seconds < 1 ? 0 : 1 + (int) Math.floor(Math.log(seconds) / Math.log(2))]++;
    }
    StageTime time = StageTimes.of(buckets);
    assertEquals(32, time.medianSeconds(), 32 * 0.03);
    assertEquals(512, time.p90Seconds(), 512 * 0.03);
  }

  @Test
  void aNegativeCountIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> StageTimes.of(new long[] {1, -1}));
  }
}
