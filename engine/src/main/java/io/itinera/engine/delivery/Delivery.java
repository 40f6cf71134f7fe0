package io.itinera.engine.delivery;

import java.time.Instant;
import java.util.Locale;

/**
 * One action on its way to its channel: a row of {@code deliveries}.
 *
 * @param id the row's place in the whole queue (the listing's cursor)
 * @param actionId the action id: the delivery's id, the CloudEvent id and the webhook-id
 * @param cursor the row's place in its channel (pull and stream cursor, SSE event id)
 * @param event the CloudEvent JSON, exactly as sent
 * @param attempts webhook attempts made
 * @param lastStatus the HTTP status of the last attempt, null when there was no response
 */
public record Delivery(
    long id,
    String actionId,
    String channel,
    long cursor,
    String customerId,
    String journey,
    String event,
    Instant emittedAt,
    Instant queuedAt,
    Status status,
    int attempts,
    Instant nextAttemptAt,
    Instant lastAttemptAt,
    Integer lastStatus,
    String lastError,
    Instant deliveredAt) {

  /** Where a delivery is. */
  public enum Status {
    /** A webhook sends it at {@code nextAttemptAt}. */
    PENDING,
    /** The receiver answered 2xx, or a page was shown it (next-action). */
    DELIVERED,
    /** Every attempt failed; {@code POST /v1/deliveries/{id}/retry} sends it again. */
    DEAD,
    /** Its channel had no endpoint when it was queued: for pull, stream and next-action. */
    AVAILABLE,
    /** Available, but its journey converted or ended, or consent went, before it was shown. */
    WITHDRAWN;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status ofWireName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }
}
