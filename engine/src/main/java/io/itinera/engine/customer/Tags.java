package io.itinera.engine.customer;

/**
 * The journal tags projections read. Customers are spread over a fixed number of slices by a stable
 * hash of their id, so each projection runs as that many independent streams.
 */
public final class Tags {

  private Tags() {}

  public static String timers(String customerId, int slices) {
    return "timers-" + slice(customerId, slices);
  }

  public static String timers(int slice) {
    return "timers-" + slice;
  }

  public static String actions(String customerId, int slices) {
    return "actions-" + slice(customerId, slices);
  }

  public static String actions(int slice) {
    return "actions-" + slice;
  }

  public static String analytics(String customerId, int slices) {
    return "analytics-" + slice(customerId, slices);
  }

  public static String analytics(int slice) {
    return "analytics-" + slice;
  }

  /** The customer index, for entry runs: every event that changes what a segment reads. */
  public static String index(String customerId, int slices) {
    return "index-" + slice(customerId, slices);
  }

  public static String index(int slice) {
    return "index-" + slice;
  }

  public static int slice(String customerId, int slices) {
    return Math.floorMod(customerId.hashCode(), slices);
  }
}
