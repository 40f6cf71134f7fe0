package io.itinera.protocol.touchpoint;

import io.itinera.protocol.CborSerializable;
import java.time.Instant;
import java.util.Map;

/**
 * One thing a customer did or was told about on one channel, as accepted from a Segment-compatible
 * call. Field names follow Segment's Tracking API so that a reader of either recognises the other.
 *
 * @param customerId the customer this touchpoint belongs to: {@code userId} when given, else {@code
 *     anonymousId}
 * @param channel where it happened: {@code context.channel}, else a default by type (see {@link
 *     TouchpointReader})
 * @param timestamp when it happened, corrected for the sender's clock skew when {@code sentAt} is
 *     given (as Segment does)
 * @param name the page or screen name of a page or screen call
 * @param category the page's category of a page call (Segment's top-level {@code category})
 * @param receivedAt when the engine received it
 */
public record Touchpoint(
    TouchpointType type,
    String messageId,
    String customerId,
    String userId,
    String anonymousId,
    String previousId,
    String groupId,
    String event,
    String name,
    String category,
    String channel,
    Map<String, Object> properties,
    Map<String, Object> traits,
    Map<String, Object> context,
    Instant timestamp,
    Instant sentAt,
    Instant receivedAt)
    implements CborSerializable {

  public Touchpoint {
    properties = properties == null ? Map.of() : properties;
    traits = traits == null ? Map.of() : traits;
    context = context == null ? Map.of() : context;
  }

  /** A short name for lists and logs: the event name of a track, the page name, or the type. */
  public String label() {
    return switch (type) {
      case TRACK -> event;
      case PAGE, SCREEN -> name == null ? type.wireName() : type.wireName() + " " + name;
      default -> type.wireName();
    };
  }
}
