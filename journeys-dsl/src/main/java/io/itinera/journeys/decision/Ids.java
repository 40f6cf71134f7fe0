package io.itinera.journeys.decision;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Action and timer ids: name-based UUIDs of what caused them, so that deciding the same input again
 * gives the same ids (an idempotency key downstream) without a counter in the state.
 */
final class Ids {

  private Ids() {}

  static String of(String... parts) {
    return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
