package io.itinera.engine.journey;

import java.time.Instant;

/**
 * One version of a journey as the {@code journey_versions} table holds it.
 *
 * @param retiredAt when it was retired; null while it is deployed
 */
record StoredVersion(
    String name,
    int version,
    String source,
    String sha256,
    String fileName,
    Instant deployedAt,
    Instant retiredAt) {

  boolean retired() {
    return retiredAt != null;
  }

  /** What its compiled form is cached under on a node. */
  String cacheKey() {
    return name + '\u0000' + version + '\u0000' + sha256;
  }
}
