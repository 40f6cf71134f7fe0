package io.itinera.journeys.decision;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointType;
import io.itinera.protocol.touchpoint.Traits;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What conditions see of the customer besides their journeys: profile traits (also the {@code
 * timezone} trait for quiet hours) and how many of each touchpoint they have sent. The engine keeps
 * these with the customer's touchpoints; the decider is given them as they are after the touchpoint
 * being decided on was recorded (see {@link #recording}).
 *
 * @param counters touchpoints by name ({@link Touchpoint#label()}), over the customer's whole life
 * @param groups the groups (accounts) the customer belongs to, by group id, each with its traits;
 *     in the order of the customer's group calls, the group of the latest call last (see {@link
 *     #group()})
 */
public record CustomerContext(
    String customerId,
    Map<String, Object> traits,
    Map<String, Long> counters,
    Map<String, Map<String, Object>> groups) {

  private static final Interner<String> NAMES = Interners.newWeakInterner();

  public CustomerContext {
    // Guava's immutable maps hold entries in arrays, not entry objects, and names repeat across
    // customers (trait names, event names), so they are interned: this is per resident customer.
    // Maps already in that form were built here and are kept as they are: the engine makes a
    // context from its state twice per touchpoint, and copying them each time was pure waste.
    if (!(traits instanceof ImmutableMap)) {
      ImmutableMap.Builder<String, Object> compactTraits =
          ImmutableMap.builderWithExpectedSize(traits.size());
      traits.forEach((name, value) -> compactTraits.put(NAMES.intern(name), value));
      traits = compactTraits.buildOrThrow();
    }
    if (!(counters instanceof ImmutableSortedMap)) {
      ImmutableSortedMap.Builder<String, Long> compactCounters = ImmutableSortedMap.naturalOrder();
      counters.forEach((name, count) -> compactCounters.put(NAMES.intern(name), count));
      counters = compactCounters.buildOrThrow();
    }
    groups = groups == null ? Map.of() : groups;
  }

  /** A customer in no group. */
  public CustomerContext(
      String customerId, Map<String, Object> traits, Map<String, Long> counters) {
    this(customerId, traits, counters, Map.of());
  }

  public static CustomerContext of(String customerId) {
    return new CustomerContext(customerId, Map.of(), Map.of(), Map.of());
  }

  /**
   * The customer's current group, as conditions see it in {@code customer.group}: the one named by
   * their latest group call (a customer who moves to another account, or is re-grouped, is counted
   * there), or empty when they are in none.
   */
  public Map.Entry<String, Map<String, Object>> group() {
    Map.Entry<String, Map<String, Object>> latest = null;
    for (Map.Entry<String, Map<String, Object>> group : groups.entrySet()) {
      latest = group;
    }
    return latest;
  }

  /** The context with {@code changed} traits laid over these (a null value removes one). */
  public CustomerContext withTraits(Map<String, Object> changed) {
    return new CustomerContext(customerId, Traits.merged(traits, changed), counters, groups);
  }

  /**
   * The context once {@code touchpoint} is recorded: an identify merges its traits (a null value
   * removes the trait), a group call joins the group (merging its traits the same way, and making
   * it the latest), a track, page or screen counts once under its name.
   */
  public CustomerContext recording(Touchpoint touchpoint) {
    if (touchpoint.type() == TouchpointType.IDENTIFY) {
      return withTraits(touchpoint.traits());
    }
    if (touchpoint.type() == TouchpointType.GROUP && touchpoint.groupId() != null) {
      return new CustomerContext(customerId, traits, counters, joining(touchpoint));
    }
    if (touchpoint.type() == TouchpointType.TRACK
        || touchpoint.type() == TouchpointType.PAGE
        || touchpoint.type() == TouchpointType.SCREEN) {
      return new CustomerContext(customerId, traits, counted(touchpoint.label()), groups);
    }
    return this;
  }

  /**
   * The counters with one more {@code label}, built in their compact form at once: this runs for
   * every touchpoint, so it neither copies through a {@code TreeMap} nor interns the names again.
   */
  private Map<String, Long> counted(String label) {
    ImmutableSortedMap.Builder<String, Long> counted = ImmutableSortedMap.naturalOrder();
    boolean known = false;
    for (Map.Entry<String, Long> counter : counters.entrySet()) {
      if (counter.getKey().equals(label)) {
        counted.put(counter.getKey(), counter.getValue() + 1);
        known = true;
      } else {
        counted.put(counter);
      }
    }
    if (!known) {
      counted.put(NAMES.intern(label), 1L);
    }
    return counted.buildOrThrow();
  }

  /** The groups with the one a group call names joined, or moved last if already joined. */
  private Map<String, Map<String, Object>> joining(Touchpoint group) {
    Map<String, Map<String, Object>> next = new LinkedHashMap<>(groups);
    Map<String, Object> merged =
        Traits.merged(next.getOrDefault(group.groupId(), Map.of()), group.traits());
    next.remove(group.groupId());
    next.put(group.groupId(), Collections.unmodifiableMap(merged));
    return Collections.unmodifiableMap(next);
  }

  /** The customer's {@code timezone} trait; UTC when it is missing or not a zone id. */
  public ZoneId timeZone() {
    if (traits.get("timezone") instanceof String zone) {
      try {
        return ZoneId.of(zone);
      } catch (DateTimeException notAZone) {
        return ZoneOffset.UTC;
      }
    }
    return ZoneOffset.UTC;
  }
}
