package io.itinera.engine.gateway;

import java.util.Locale;

/**
 * What a key may do, each scope covering the ones before it: ADMIN ⊇ READ ⊇ INGEST. The order is
 * the threat model (docs/security/keys.md): the ingest key ships in browsers and apps, so it is
 * public; the read key lives on the customer's own backend; the admin key with the operators.
 */
public enum Scope {
  /** Sends touchpoints, and nothing else: a public key. */
  INGEST,
  /** Also reads customers, their decisions, channels' actions (pull, SSE) and next-action. */
  READ,
  /** Everything: journeys, channels, deliveries, keys. */
  ADMIN;

  /** Whether a key of this scope may call a route that needs {@code needed}. */
  public boolean covers(Scope needed) {
    return compareTo(needed) >= 0;
  }

  /** As the API writes it: {@code ingest}, {@code read}, {@code admin}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope named {@code name} (any case), or null. */
  public static Scope named(String name) {
    for (Scope scope : values()) {
      if (scope.name().equalsIgnoreCase(name)) {
        return scope;
      }
    }
    return null;
  }
}
