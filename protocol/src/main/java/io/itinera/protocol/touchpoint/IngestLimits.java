package io.itinera.protocol.touchpoint;

/** The size limits of Segment's Tracking API, which its SDKs already respect. */
public final class IngestLimits {
  /** One message, and so the body of a single (non-batch) call. */
  public static final int MAX_EVENT_BYTES = 32 * 1024;

  /** The body of a batch or import call. */
  public static final int MAX_BATCH_BYTES = 500 * 1024;

  public static final int MAX_BATCH_EVENTS = 2_500;

  /**
   * Customer ids become persistence ids, each '|' in three characters: the journal has room for
   * this many of them.
   */
  public static final int MAX_ID_LENGTH = 200;

  private IngestLimits() {}
}
