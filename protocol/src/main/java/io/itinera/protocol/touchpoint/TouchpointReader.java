package io.itinera.protocol.touchpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads Segment Tracking API messages into {@link Touchpoint}s, collecting every problem of a
 * message with its JSON Pointer instead of stopping at the first.
 *
 * <p>Rules, as Segment's: a message needs {@code userId} or {@code anonymousId}; a track needs
 * {@code event}; an alias needs {@code previousId} and {@code userId}; a group needs {@code
 * groupId}. A missing {@code messageId} is generated (so retries of such a message cannot be
 * recognised). The channel is {@code context.channel}; without it, a page is {@code web}, a screen
 * is {@code app} and anything else is {@code server}.
 *
 * <p>The event time is Segment's: {@code timestamp}, else {@code originalTimestamp} (which
 * RudderStack's SDKs send instead), corrected for the sender's clock by {@code sentAt} when given,
 * else the time of receipt. Every time must lie in the {@link EventTimeWindow}. A string the
 * journal cannot store (see {@link StorableText}) rejects its message.
 */
public final class TouchpointReader {

  private final ObjectMapper mapper;
  private final EventTimeWindow window;

  public TouchpointReader(ObjectMapper mapper, EventTimeWindow window) {
    this.mapper = mapper;
    this.window = window;
  }

  /** The outcome of reading one message: a touchpoint, or everything wrong with it. */
  public sealed interface Read {}

  public record Accepted(Touchpoint touchpoint) implements Read {}

  public record Rejected(List<FieldError> errors) implements Read {}

  /** A batch item that was rejected, by its index in {@code batch}. */
  public record RejectedItem(int index, List<FieldError> errors) {}

  /**
   * The outcome of reading a batch: the accepted touchpoints in their order, the rejected items,
   * and problems of the envelope itself (which reject the whole request).
   */
  public record BatchRead(
      List<Touchpoint> accepted, List<RejectedItem> rejected, List<FieldError> envelopeErrors) {}

  /**
   * Reads the body of a single call such as {@code POST /v1/track}.
   *
   * @param impliedType the type named by the route; a body {@code type} must agree with it
   */
  public Read readSingle(JsonNode body, TouchpointType impliedType, Instant receivedAt) {
    return read(body, "", Optional.of(impliedType), null, receivedAt);
  }

  /** Reads the body of {@code POST /v1/batch} or {@code /v1/import}. */
  public BatchRead readBatch(JsonNode body, Instant receivedAt) {
    if (!body.isObject()) {
      return envelopeError("", "The body must be a JSON object with a \"batch\" array.");
    }
    JsonNode batch = body.get("batch");
    if (batch == null || !batch.isArray()) {
      return envelopeError("/batch", "\"batch\" is required and must be an array of messages.");
    }
    if (batch.size() > IngestLimits.MAX_BATCH_EVENTS) {
      return envelopeError(
          "/batch",
          "\"batch\" has "
              + batch.size()
              + " messages; the limit is "
              + IngestLimits.MAX_BATCH_EVENTS
              + " per request. Split it into several requests.");
    }
    JsonNode sharedContext = body.get("context");
    if (sharedContext != null && !sharedContext.isObject() && !sharedContext.isNull()) {
      return envelopeError("/context", "\"context\" must be an object.");
    }
    if (sharedContext != null) {
      List<FieldError> unstorable = new ArrayList<>();
      StorableText.check(sharedContext, "/context", unstorable);
      if (!unstorable.isEmpty()) {
        return new BatchRead(List.of(), List.of(), unstorable);
      }
    }
    List<Touchpoint> accepted = new ArrayList<>(batch.size());
    List<RejectedItem> rejected = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      String pointer = "/batch/" + i;
      JsonNode item = batch.get(i);
      Read read;
      int size = serializedSize(item);
      if (size > IngestLimits.MAX_EVENT_BYTES) {
        read =
            new Rejected(
                List.of(
                    new FieldError(
                        pointer,
                        "The message is "
                            + size
                            + " bytes; the limit is "
                            + IngestLimits.MAX_EVENT_BYTES
                            + " bytes per message.")));
      } else {
        read = read(item, pointer, Optional.empty(), sharedContext, receivedAt);
      }
      if (read instanceof Accepted a) {
        accepted.add(a.touchpoint());
      } else if (read instanceof Rejected r) {
        rejected.add(new RejectedItem(i, r.errors()));
      }
    }
    return new BatchRead(accepted, rejected, List.of());
  }

  private static BatchRead envelopeError(String pointer, String detail) {
    return new BatchRead(List.of(), List.of(), List.of(new FieldError(pointer, detail)));
  }

  private int serializedSize(JsonNode item) {
    try {
      return mapper.writeValueAsBytes(item).length;
    } catch (JsonProcessingException e) {
      return Integer.MAX_VALUE;
    }
  }

  private Read read(
      JsonNode node,
      String at,
      Optional<TouchpointType> impliedType,
      JsonNode sharedContext,
      Instant receivedAt) {
    if (!node.isObject()) {
      return new Rejected(List.of(new FieldError(at, "A message must be a JSON object.")));
    }
    MessageFields f = new MessageFields(node, at, mapper);

    TouchpointType type = readType(f, impliedType);
    String userId = f.id("userId");
    String anonymousId = f.id("anonymousId");
    String messageId = f.text("messageId", 255);
    String previousId = f.id("previousId");
    String groupId = f.id("groupId");
    String event = f.text("event", 255);
    String name = f.text("name", 255);
    String category = f.text("category", 255);
    Map<String, Object> properties = f.object("properties");
    Map<String, Object> traits = f.object("traits");
    Map<String, Object> context = mergedContext(f, sharedContext);
    Instant sentAt = f.instant("sentAt", window, receivedAt);
    Instant happenedAt = eventTime(f, sentAt, receivedAt);

    requireIds(f, type, userId, anonymousId, event, previousId, groupId);
    String channel = channel(f, context);
    StorableText.check(node, at, f.errors);
    if (!f.errors.isEmpty()) {
      return new Rejected(List.copyOf(f.errors));
    }
    if (channel == null || channel.isBlank()) {
      channel = defaultChannel(type);
    }
    if (messageId == null) {
      messageId = "generated-" + UUID.randomUUID();
    }
    return new Accepted(
        new Touchpoint(
            type,
            messageId,
            userId != null ? userId : anonymousId,
            userId,
            anonymousId,
            previousId,
            groupId,
            event,
            name,
            category,
            channel,
            properties,
            traits,
            context,
            happenedAt,
            sentAt,
            receivedAt));
  }

  /** Segment's rules for who the message is about, by call type. */
  private static void requireIds(
      MessageFields f,
      TouchpointType type,
      String userId,
      String anonymousId,
      String event,
      String previousId,
      String groupId) {
    if (userId == null && anonymousId == null && !f.hasError("userId", "anonymousId")) {
      f.error("/userId", "Either \"userId\" or \"anonymousId\" is required to know the customer.");
    }
    if (type == TouchpointType.TRACK && event == null && !f.hasError("event")) {
      f.error("/event", "\"event\" is required in a track call: the name of what happened.");
    }
    if (type == TouchpointType.ALIAS) {
      if (previousId == null && !f.hasError("previousId")) {
        f.error("/previousId", "\"previousId\" is required in an alias call: the id to merge.");
      }
      if (userId == null && !f.hasError("userId")) {
        f.error("/userId", "\"userId\" is required in an alias call: the id to merge into.");
      }
    }
    if (type == TouchpointType.GROUP && groupId == null && !f.hasError("groupId")) {
      f.error("/groupId", "\"groupId\" is required in a group call.");
    }
  }

  /** {@code context.channel}, or null when it is absent or not a string (then reported). */
  private static String channel(MessageFields f, Map<String, Object> context) {
    String channel = null;
    Object channelValue = context.get("channel");
    if (channelValue != null && !(channelValue instanceof String)) {
      f.error("/context/channel", "\"context.channel\" must be a string such as \"web\".");
    } else if (channelValue != null) {
      channel = (String) channelValue;
    }
    return channel;
  }

  private TouchpointType readType(MessageFields f, Optional<TouchpointType> impliedType) {
    JsonNode typeNode = f.node.get("type");
    if (typeNode == null || typeNode.isNull()) {
      if (impliedType.isEmpty()) {
        f.error("/type", "\"type\" is required: one of " + TouchpointType.wireNames() + ".");
      }
      return impliedType.orElse(null);
    }
    Optional<TouchpointType> given =
        typeNode.isTextual() ? TouchpointType.fromWireName(typeNode.asText()) : Optional.empty();
    if (given.isEmpty()) {
      f.error("/type", "\"type\" must be one of " + TouchpointType.wireNames() + ".");
      return impliedType.orElse(null);
    }
    if (impliedType.isPresent() && impliedType.get() != given.get()) {
      f.error(
          "/type",
          "\"type\" is \""
              + given.get().wireName()
              + "\" but this route takes "
              + impliedType.get().wireName()
              + " calls; remove \"type\" or use /v1/"
              + given.get().wireName()
              + ".");
    }
    return given.get();
  }

  private Map<String, Object> mergedContext(MessageFields f, JsonNode sharedContext) {
    Map<String, Object> own = f.object("context");
    if (sharedContext == null || !sharedContext.isObject() || sharedContext.isEmpty()) {
      return own;
    }
    Map<String, Object> merged =
        new LinkedHashMap<>(mapper.convertValue(sharedContext, MessageFields.OBJECT));
    merged.putAll(own);
    return merged;
  }

  static String defaultChannel(TouchpointType type) {
    if (type == null) {
      return "server";
    }
    return switch (type) {
      case PAGE -> "web";
      case SCREEN -> "app";
      default -> "server";
    };
  }

  /**
   * When the message happened: {@code timestamp}, else {@code originalTimestamp}, corrected by
   * {@code sentAt}; null when a time is invalid (then reported). A correction that lands outside
   * the window (a sender's clock far off from when it stamped the event) is reported too.
   */
  private Instant eventTime(MessageFields f, Instant sentAt, Instant receivedAt) {
    String field = f.node.hasNonNull("timestamp") ? "timestamp" : "originalTimestamp";
    Instant given = f.instant(field, window, receivedAt);
    Instant happenedAt = correctedTimestamp(given, sentAt, receivedAt);
    if (given != null && !window.admits(happenedAt, receivedAt)) {
      f.error(
          "/" + field,
          "\""
              + field
              + "\" corrected by \"sentAt\" for the sender's clock is "
              + happenedAt
              + ", outside the times accepted ("
              + window.describe(receivedAt)
              + ").");
    }
    return happenedAt;
  }

  /**
   * Segment's clock-skew rule: when the sender says when it sent the message, the difference
   * between its {@code sentAt} and our receipt is its clock's error, which is taken off {@code
   * timestamp}.
   */
  static Instant correctedTimestamp(Instant timestamp, Instant sentAt, Instant receivedAt) {
    if (timestamp == null) {
      return receivedAt;
    }
    if (sentAt == null) {
      return timestamp;
    }
    return receivedAt.minus(Duration.between(timestamp, sentAt));
  }
}
