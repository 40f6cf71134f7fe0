package io.itinera.engine.analytics.stats;

/**
 * Median and 90th percentile of time in a stage, from the analytics' log2 buckets rather than from
 * every stay: bucket 0 holds stays under 1 s, bucket {@code b >= 1} those in {@code [2^(b-1), 2^b)}
 * seconds. Within a bucket the quantile is interpolated geometrically (evenly on a log scale), the
 * assumption that matches buckets whose width doubles; bucket 0, which starts at 0, linearly. The
 * answer is thus exact at bucket edges and off by less than a factor of 2 inside one.
 */
public final class StageTimes {

  private StageTimes() {}

  /** Both figures null when no customer has left the stage. */
  public static StageTime of(long[] customersPerBucket) {
    if (customersPerBucket == null) {
      return new StageTime(null, null);
    }
    long total = 0;
    for (long customers : customersPerBucket) {
      if (customers < 0) {
        throw new IllegalArgumentException("a bucket holds " + customers + " customers");
      }
      total += customers;
    }
    if (total == 0) {
      return new StageTime(null, null);
    }
    return new StageTime(
        quantile(customersPerBucket, total, 0.5), quantile(customersPerBucket, total, 0.9));
  }

  private static double quantile(long[] buckets, long total, double q) {
    double rank = q * total;
    long before = 0;
    for (int b = 0; b < buckets.length; b++) {
      long inBucket = buckets[b];
      if (inBucket > 0 && before + inBucket >= rank) {
        double fraction = (rank - before) / inBucket;
        return b == 0 ? fraction : Math.pow(2, b - 1 + fraction);
      }
      before += inBucket;
    }
    throw new IllegalStateException("the rank " + rank + " lies beyond " + total + " customers");
  }
}
