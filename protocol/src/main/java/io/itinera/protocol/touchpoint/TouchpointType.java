package io.itinera.protocol.touchpoint;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of call in Segment's Tracking API; each one is a touchpoint of that kind. */
public enum TouchpointType {
  TRACK("track"),
  IDENTIFY("identify"),
  PAGE("page"),
  SCREEN("screen"),
  ALIAS("alias"),
  GROUP("group");

  private final String wireName;

  TouchpointType(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in a message's {@code type} field and in the route {@code /v1/{name}}. */
  public String wireName() {
    return wireName;
  }

  public static Optional<TouchpointType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  public static String wireNames() {
    return String.join(", ", Arrays.stream(values()).map(TouchpointType::wireName).toList());
  }
}
