package io.itinera.engine.gateway;

import com.typesafe.config.Config;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key id (bucket4j's local, lock-free buckets), with its scope's limit from
 * {@code itinera.keys.rate-limits} unless the key has its own. Local to the node: a cluster of N
 * nodes behind a load balancer lets a key through at up to N times its limit, which bounds abuse
 * without a shared store on the hot path (docs/security/keys.md).
 */
public final class RateLimits {

  private final Map<Scope, RateLimit> defaults;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimits(Map<Scope, RateLimit> defaults) {
    this.defaults = Map.copyOf(defaults);
  }

  public static RateLimits from(Config config) {
    Map<Scope, RateLimit> defaults = new EnumMap<>(Scope.class);
    for (Scope scope : Scope.values()) {
      defaults.put(
          scope, RateLimit.from(config.getConfig("itinera.keys.rate-limits." + scope.wireName())));
    }
    return new RateLimits(defaults);
  }

  static RateLimits none() {
    Map<Scope, RateLimit> defaults = new EnumMap<>(Scope.class);
    for (Scope scope : Scope.values()) {
      defaults.put(scope, RateLimit.NONE);
    }
    return new RateLimits(defaults);
  }

  RateLimit limitOf(Caller caller) {
    return caller.rateLimit() != null ? caller.rateLimit() : defaults.get(caller.scope());
  }

  /**
   * Takes a token of the caller's bucket: zero when there was one, else how long until there is.
   */
  Duration take(Caller caller) {
    RateLimit limit = limitOf(caller);
    if (limit.unlimited()) {
      return Duration.ZERO;
    }
    // A key's limit never changes under its id: a rotation makes a new id.
    Bucket bucket = buckets.computeIfAbsent(caller.keyId(), id -> bucket(limit));
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
  }

  private static Bucket bucket(RateLimit limit) {
    return Bucket.builder()
        .addLimit(
            bandwidth ->
                bandwidth
                    .capacity(limit.burst())
                    .refillGreedy(limit.perSecond(), Duration.ofSeconds(1)))
        .build();
  }
}
