package io.itinera.engine.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.delivery.ChannelEndpoint;
import io.itinera.engine.delivery.Delivery;
import io.itinera.engine.delivery.Delivery.Status;
import io.itinera.protocol.LogSafe;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the delivery routes answer with ({@link DeliveryAdminRoutes}, {@link ActionFeedRoutes}):
 * channels, deliveries and actions as the API shows them, and the 503 when their tables did not
 * answer.
 */
final class DeliveryViews {

  private static final Logger log = LoggerFactory.getLogger(DeliveryViews.class);

  private DeliveryViews() {}

  /**
   * A channel's endpoint as the API shows it; {@code secret} only to the one who set it and on
   * {@code GET /v1/channels/{channel}}, {@code pending} and {@code dead} only in the list.
   */
  record ChannelView(
      String channel,
      String url,
      String secret,
      long timeoutMs,
      int maxInFlight,
      int rateLimit,
      boolean enabled,
      String disabledReason,
      String origin,
      Instant updatedAt,
      Long pending,
      Long dead) {

    static ChannelView of(ChannelEndpoint e, boolean withSecret, Map<Status, Long> backlog) {
      return new ChannelView(
          e.channel(),
          e.url(),
          withSecret ? e.secret() : null,
          e.timeout().toMillis(),
          e.maxInFlight(),
          e.rateLimit(),
          e.enabled(),
          e.disabledReason(),
          e.origin(),
          e.updatedAt(),
          backlog == null ? null : backlog.getOrDefault(Status.PENDING, 0L),
          backlog == null ? null : backlog.getOrDefault(Status.DEAD, 0L));
    }
  }

  record ChannelListView(List<ChannelView> channels) {}

  /** A delivery; {@code event} (the CloudEvent as sent) only when one is asked for by id. */
  record DeliveryView(
      String id,
      String channel,
      String customerId,
      String journey,
      String status,
      int attempts,
      Instant nextAttemptAt,
      Instant lastAttemptAt,
      Integer lastStatus,
      String lastError,
      Instant decidedAt,
      Instant queuedAt,
      Instant deliveredAt,
      String cursor,
      JsonNode event) {

    static DeliveryView of(Delivery d, boolean withEvent) {
      return new DeliveryView(
          d.actionId(),
          d.channel(),
          d.customerId(),
          d.journey(),
          d.status().wireName(),
          d.attempts(),
          d.nextAttemptAt(),
          d.lastAttemptAt(),
          d.lastStatus(),
          d.lastError(),
          d.emittedAt(),
          d.queuedAt(),
          d.deliveredAt(),
          Long.toString(d.cursor()),
          withEvent ? DeliveryViews.event(d) : null);
    }
  }

  /** A page of deliveries; {@code next} is the {@code after} of the next page, null at the end. */
  record DeliveryListView(List<DeliveryView> deliveries, String next) {}

  /**
   * A page of a channel's actions, as CloudEvents; {@code next} is the cursor to pass as {@code
   * after} for the following page (the same as given when there was nothing new).
   */
  record ActionPageView(String channel, List<JsonNode> actions, String next, boolean hasMore) {}

  /** What a page should show now; {@code action} is the CloudEvent. */
  record NextActionView(String customerId, String channel, JsonNode action) {}

  /** An action as its channel receives it: the stored CloudEvent. */
  static JsonNode event(Delivery delivery) {
    try {
      return Json.MAPPER.readTree(delivery.event());
    } catch (IOException e) {
      throw new IllegalStateException("A stored action is not JSON", e);
    }
  }

  /** The 503 when {@code what} failed, logged: the database or a customer was too slow. */
  static Problem unavailable(String what, Throwable cause) {
    log.warn("{}: {}", what, LogSafe.quote(cause.toString()));
    return Problem.unavailable(
        what + " (the database or the customer did not answer in time); retry.");
  }
}
