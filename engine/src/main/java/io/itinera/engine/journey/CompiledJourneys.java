package io.itinera.engine.journey;

import io.itinera.journeys.condition.ConditionLimits;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The journey versions compiled on this node, by name, version and source hash: a reload compiles
 * only the versions it has not seen, and reading a journey does not compile it again.
 */
final class CompiledJourneys {

  /** Builds a CEL environment once; used under its own lock. */
  private final JourneyLoader loader;

  CompiledJourneys(ConditionLimits limits) {
    this.loader = new JourneyLoader(limits);
  }

  private final Map<String, LoadResult> byKey = new ConcurrentHashMap<>();

  /** Compiles a file, without caching it (it may never be deployed). */
  LoadResult load(String fileName, String text) {
    synchronized (loader) {
      return loader.load(fileName, text);
    }
  }

  /** A stored version compiled, from the cache when it was before. */
  LoadResult of(StoredVersion version) {
    LoadResult cached = byKey.get(version.cacheKey());
    if (cached != null) {
      return cached;
    }
    LoadResult result = load(version.fileName(), version.source());
    LoadResult raced = byKey.putIfAbsent(version.cacheKey(), result);
    return raced == null ? result : raced;
  }

  boolean has(StoredVersion version) {
    return byKey.containsKey(version.cacheKey());
  }

  /** Caches a file compiled by {@link #load} once it is deployed. */
  void add(StoredVersion version, LoadResult result) {
    byKey.put(version.cacheKey(), result);
  }

  /** Forgets every version but those {@code cacheKeys} name, as retired ones are unloaded. */
  void keepOnly(Set<String> cacheKeys) {
    byKey.keySet().retainAll(cacheKeys);
  }
}
