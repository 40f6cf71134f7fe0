package io.itinera.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of one name and description, one per combination of its tags' values, each built and
 * registered once: the hot path looks its counter up instead of building one per increment.
 */
final class CounterFamily {

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final List<String> tagKeys;
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

  CounterFamily(MeterRegistry registry, String name, String description, String... tagKeys) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.tagKeys = List.of(tagKeys);
  }

  /** The counter with these tag values, in the order of the family's tag keys. */
  Counter of(String... tagValues) {
    return counters.computeIfAbsent(List.of(tagValues), this::register);
  }

  private Counter register(List<String> tagValues) {
    Counter.Builder builder = Counter.builder(name).description(description);
    for (int i = 0; i < tagKeys.size(); i++) {
      builder.tag(tagKeys.get(i), tagValues.get(i));
    }
    return builder.register(registry);
  }
}
