package io.itinera.protocol.touchpoint;

import java.util.LinkedHashMap;
import java.util.Map;

/** Segment's rule for traits sent again: new values replace old ones, and a null removes one. */
public final class Traits {

  private Traits() {}

  /** {@code stored} with {@code sent} laid over it; neither map is changed. */
  public static Map<String, Object> merged(Map<String, Object> stored, Map<String, Object> sent) {
    Map<String, Object> merged = new LinkedHashMap<>(stored);
    sent.forEach(
        (name, value) -> {
          if (value == null) {
            merged.remove(name);
          } else {
            merged.put(name, value);
          }
        });
    return merged;
  }
}
