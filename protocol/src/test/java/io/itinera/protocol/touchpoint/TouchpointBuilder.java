package io.itinera.protocol.touchpoint;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Touchpoints for tests, so that one reads as what it is: {@code track("Product
 * Viewed").channel("web").userId("ana").at(t).build()}, a track of "Product Viewed" on web for ana
 * at t. Each setter is named after the {@link Touchpoint} field it sets; a field not set has the
 * default a reader of the test would assume.
 */
public final class TouchpointBuilder {

  /** When a touchpoint happened and was received unless a test says otherwise. */
  public static final Instant RECEIVED_AT = Instant.parse("2026-11-23T10:00:00Z");

  /** Gives each touchpoint without an explicit id a distinct one, so none is a duplicate. */
  private static final AtomicLong MESSAGES = new AtomicLong();

  private TouchpointType type;
  private String messageId;
  private String customerId;
  private String userId = "ana";
  private String anonymousId;
  private String previousId;
  private String groupId;
  private String event;
  private String name;
  private String category;
  private String channel;
  private Map<String, Object> properties = Map.of();
  private Map<String, Object> traits = Map.of();
  private Map<String, Object> context = Map.of();
  private Instant timestamp = RECEIVED_AT;
  private Instant sentAt;
  private Instant receivedAt = RECEIVED_AT;

  private TouchpointBuilder(TouchpointType type) {
    this.type = type;
  }

  /** A touchpoint of {@code type}, by ana, received at {@link #RECEIVED_AT}. */
  public static TouchpointBuilder touchpoint(TouchpointType type) {
    return new TouchpointBuilder(type);
  }

  public static TouchpointBuilder track(String event) {
    return touchpoint(TouchpointType.TRACK).event(event);
  }

  public static TouchpointBuilder identify(Map<String, Object> traits) {
    return touchpoint(TouchpointType.IDENTIFY).traits(traits);
  }

  public TouchpointBuilder type(TouchpointType type) {
    this.type = type;
    return this;
  }

  public TouchpointBuilder messageId(String messageId) {
    this.messageId = messageId;
    return this;
  }

  /** Without it, the customer is the user id, else the anonymous id, as the reader decides. */
  public TouchpointBuilder customerId(String customerId) {
    this.customerId = customerId;
    return this;
  }

  public TouchpointBuilder userId(String userId) {
    this.userId = userId;
    return this;
  }

  public TouchpointBuilder anonymousId(String anonymousId) {
    this.anonymousId = anonymousId;
    return this;
  }

  public TouchpointBuilder previousId(String previousId) {
    this.previousId = previousId;
    return this;
  }

  public TouchpointBuilder groupId(String groupId) {
    this.groupId = groupId;
    return this;
  }

  public TouchpointBuilder event(String event) {
    this.event = event;
    return this;
  }

  public TouchpointBuilder name(String name) {
    this.name = name;
    return this;
  }

  public TouchpointBuilder category(String category) {
    this.category = category;
    return this;
  }

  /** Without it, the reader's default for the type (a track is {@code server}, a page web). */
  public TouchpointBuilder channel(String channel) {
    this.channel = channel;
    return this;
  }

  public TouchpointBuilder properties(Map<String, Object> properties) {
    this.properties = properties;
    return this;
  }

  public TouchpointBuilder traits(Map<String, Object> traits) {
    this.traits = traits;
    return this;
  }

  public TouchpointBuilder context(Map<String, Object> context) {
    this.context = context;
    return this;
  }

  public TouchpointBuilder timestamp(Instant timestamp) {
    this.timestamp = timestamp;
    return this;
  }

  public TouchpointBuilder sentAt(Instant sentAt) {
    this.sentAt = sentAt;
    return this;
  }

  public TouchpointBuilder receivedAt(Instant receivedAt) {
    this.receivedAt = receivedAt;
    return this;
  }

  /** Happened and received at {@code time}: a sender whose clock agrees with the engine's. */
  public TouchpointBuilder at(Instant time) {
    return timestamp(time).receivedAt(time);
  }

  public Touchpoint build() {
    return new Touchpoint(
        type,
        messageId != null ? messageId : "m-" + MESSAGES.incrementAndGet(),
        customerId != null ? customerId : userId != null ? userId : anonymousId,
        userId,
        anonymousId,
        previousId,
        groupId,
        event,
        name,
        category,
        channel != null ? channel : TouchpointReader.defaultChannel(type),
        properties,
        traits,
        context,
        timestamp,
        sentAt,
        receivedAt);
  }
}
