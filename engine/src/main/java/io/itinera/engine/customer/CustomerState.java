package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.protocol.CborSerializable;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the engine holds about one customer. Immutable: each event gives a new state.
 *
 * @param traits profile traits, merged from identify calls (a null trait value removes it)
 * @param recentTouchpoints the latest touchpoints, oldest first, bounded
 * @param recentMessageIds the latest message ids, oldest first, bounded: a repeat of one of them is
 *     a client's retry and is not applied again
 * @param touchpointCount all touchpoints ever recorded
 */
public record CustomerState(
    String customerId,
    Map<String, Object> traits,
    List<Touchpoint> recentTouchpoints,
    List<String> recentMessageIds,
    long touchpointCount,
    Instant firstSeen,
    Instant lastSeen)
    implements CborSerializable {

  public CustomerState {
    traits = traits == null ? Map.of() : traits;
    recentTouchpoints = recentTouchpoints == null ? List.of() : recentTouchpoints;
    recentMessageIds = recentMessageIds == null ? List.of() : recentMessageIds;
  }

  public static CustomerState empty(String customerId) {
    return new CustomerState(customerId, Map.of(), List.of(), List.of(), 0, null, null);
  }

  /** Whether anything was ever recorded for this customer. */
  public boolean known() {
    return touchpointCount > 0;
  }

  public boolean hasSeen(String messageId) {
    return recentMessageIds.contains(messageId);
  }

  CustomerState apply(TouchpointRecorded event, CustomerSettings settings) {
    Touchpoint touchpoint = event.touchpoint();
    Instant at = touchpoint.timestamp();
    return new CustomerState(
        customerId,
        touchpoint.type() == TouchpointType.IDENTIFY ? mergeTraits(touchpoint.traits()) : traits,
        appendBounded(recentTouchpoints, touchpoint, settings.recentTouchpoints()),
        appendBounded(recentMessageIds, touchpoint.messageId(), settings.recentMessageIds()),
        touchpointCount + 1,
        firstSeen == null || at.isBefore(firstSeen) ? at : firstSeen,
        lastSeen == null || at.isAfter(lastSeen) ? at : lastSeen);
  }

  private Map<String, Object> mergeTraits(Map<String, Object> update) {
    if (update.isEmpty()) {
      return traits;
    }
    Map<String, Object> merged = new LinkedHashMap<>(traits);
    update.forEach(
        (name, value) -> {
          if (value == null) {
            merged.remove(name);
          } else {
            merged.put(name, value);
          }
        });
    return Collections.unmodifiableMap(merged);
  }

  private static <T> List<T> appendBounded(List<T> list, T item, int limit) {
    int from = Math.max(0, list.size() + 1 - limit);
    List<T> result = new ArrayList<>(Math.min(list.size() + 1, limit));
    result.addAll(list.subList(Math.min(from, list.size()), list.size()));
    result.add(item);
    return Collections.unmodifiableList(result);
  }
}
