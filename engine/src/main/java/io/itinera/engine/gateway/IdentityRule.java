package io.itinera.engine.gateway;

import io.itinera.engine.customer.Customers;
import io.itinera.protocol.touchpoint.FieldError;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;

/**
 * Which identity merges a public key may ask for. The ingest key ships in every browser, so with it
 * {@code alias} or {@code identify} may only merge an anonymous profile (one never identified) into
 * a known customer; a message that would merge a known customer into another (say {@code
 * previousId} the victim, {@code userId} the attacker) is refused, alone, with 400. Read and admin
 * keys, held by the customer's own backend, may merge any two. {@link Customers#record} checks the
 * merged profile again when it merges, for the moment between this check and the merge.
 */
final class IdentityRule {

  private final Customers customers;

  IdentityRule(Customers customers) {
    this.customers = customers;
  }

  /** Whether {@code caller}'s touchpoints are held to the rule. */
  static boolean appliesTo(Caller caller) {
    return !caller.scope().covers(Scope.READ);
  }

  /**
   * The touchpoints the rule refuses, by their index in {@code touchpoints}, each with the error
   * that says why; {@code pointer} gives the JSON Pointer of the message at an index.
   */
  CompletionStage<Map<Integer, FieldError>> refused(
      List<Touchpoint> touchpoints, IntFunction<String> pointer) {
    Map<String, CompletableFuture<Boolean>> identified = new HashMap<>();
    Map<Integer, String> others = new TreeMap<>();
    for (int i = 0; i < touchpoints.size(); i++) {
      Touchpoint touchpoint = touchpoints.get(i);
      Optional<String> other = Customers.otherIdentity(touchpoint, touchpoint.customerId());
      if (other.isPresent()) {
        others.put(i, other.get());
        identified.computeIfAbsent(
            other.get(), id -> customers.identified(id).toCompletableFuture());
      }
    }
    if (others.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return CompletableFuture.allOf(identified.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<Integer, FieldError> refused = new TreeMap<>();
              others.forEach(
                  (i, other) -> {
                    if (identified.get(other).join()) {
                      refused.put(i, error(touchpoints.get(i), other, pointer.apply(i)));
                    }
                  });
              return refused;
            });
  }

  private static FieldError error(Touchpoint touchpoint, String other, String at) {
    String field = touchpoint.type() == TouchpointType.ALIAS ? "previousId" : "anonymousId";
    return new FieldError(
        at + "/" + field,
        "\""
            + other
            + "\" ("
            + field
            + ") is a known customer: with an ingest key, "
            + touchpoint.type().wireName()
            + " may only merge an anonymous profile into a known customer. Merging two known"
            + " customers needs a read or admin key.");
  }
}
