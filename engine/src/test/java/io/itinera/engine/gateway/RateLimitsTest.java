package io.itinera.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each key's own bucket: its scope's default size unless it has its own, none when it is 0. */
class RateLimitsTest {

  private static final RateLimits LIMITS =
      RateLimits.from(
          ConfigFactory.parseString(
              "itinera.keys.rate-limits { ingest { per-second = 2, burst = 3 },"
                  + " read { per-second = 0, burst = 0 }, admin { per-second = 1, burst = 1 } }"));

  private static int admitted(Caller caller, int tries) {
    int admitted = 0;
    for (int i = 0; i < tries; i++) {
      if (LIMITS.take(caller).isZero()) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void aKeyGetsItsScopesBurstThenWaitsForTheRefill() {
    Caller ingest = new Caller("k-ingest", "web", Scope.INGEST, null);
    assertEquals(3, admitted(ingest, 10), "the burst, then nothing within the same instant");
    Duration wait = LIMITS.take(ingest);
    assertTrue(
        wait.compareTo(Duration.ZERO) > 0 && wait.compareTo(Duration.ofMillis(500)) <= 0,
        "" + wait);
    assertEquals(3, admitted(new Caller("k-other", "app", Scope.INGEST, null), 10), "per key");
  }

  @Test
  void aKeysOwnLimitWinsAndZeroMeansNone() {
    assertEquals(1, admitted(new Caller("k-own", "x", Scope.INGEST, new RateLimit(1, 1)), 5));
    assertEquals(100, admitted(new Caller("k-read", "backend", Scope.READ, null), 100));
    assertEquals(1, admitted(new Caller("k-admin", "ops", Scope.ADMIN, null), 5));
  }
}
