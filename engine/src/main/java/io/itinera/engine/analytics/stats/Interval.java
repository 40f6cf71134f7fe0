package io.itinera.engine.analytics.stats;

/** A two-sided confidence interval, {@code low <= high}, both finite. */
public record Interval(double low, double high) {

  public Interval {
    if (!Double.isFinite(low) || !Double.isFinite(high) || low > high) {
      throw new IllegalArgumentException("not an interval: [" + low + ", " + high + "]");
    }
  }

  public boolean contains(double value) {
    return low <= value && value <= high;
  }
}
