package io.itinera.engine.customer;

import io.itinera.engine.storage.JournalSlices;

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

  /**
   * The customer index's name for a slice: the key its projection's offsets are stored under. The
   * index reads every event of its slice from the journal ({@link JournalSlices#tag}); events
   * written before it did carry this as a tag, which nothing reads any more.
   */
  public static String index(int slice) {
    return "index-" + slice;
  }

  public static int slice(String customerId, int slices) {
    return JournalSlices.slice(customerId, slices);
  }
}
