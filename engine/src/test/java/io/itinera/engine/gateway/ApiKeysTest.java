package io.itinera.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment's keys, by scope, and where a node with development keys may listen. */
class ApiKeysTest {

  private static ApiKeys keys(String write, String read, String admin) {
    return ApiKeys.from(
        ConfigFactory.parseMap(
            Map.of(
                "itinera.keys.write",
                write,
                "itinera.keys.read",
                read,
                "itinera.keys.admin",
                admin)));
  }

  @Test
  void eachSettingGivesItsScopeAndOnlyDigestsAreKept() {
    ApiKeys keys = keys("w1, w2", "r1", "a1");
    assertEquals(Scope.INGEST, keys.byId().get(KeyIds.of("w2")).caller().scope());
    assertEquals(Scope.READ, keys.byId().get(KeyIds.of("r1")).caller().scope());
    assertEquals(Scope.ADMIN, keys.byId().get(KeyIds.of("a1")).caller().scope());
    assertEquals(4, keys.byId().size());
    assertFalse(keys.usesDevelopmentKeys());
  }

  @Test
  void withDevelopmentKeysTheNodeListensOnLoopbackOnlyAndRefusesToBeServedBeyond() {
    ApiKeys development = keys("dev-write-key", "dev-read-key", "dev-admin-key");
    assertTrue(development.usesDevelopmentKeys());
    assertEquals("127.0.0.1", development.httpInterface(""));
    assertEquals("127.0.0.1", development.httpInterface("127.0.0.1"));
    assertEquals("::1", development.httpInterface("::1"));
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> development.httpInterface("0.0.0.0"));
    assertTrue(refused.getMessage().contains("ITINERA_WRITE_KEYS"), refused.getMessage());

    ApiKeys oneLeft = keys("real-write", "dev-read-key", "real-admin");
    assertTrue(oneLeft.usesDevelopmentKeys(), "one public key is enough to hold the node back");
    assertEquals("127.0.0.1", oneLeft.httpInterface(""));

    ApiKeys own = keys("real-write", "", "real-admin");
    assertEquals("0.0.0.0", own.httpInterface(""));
    assertEquals("10.0.0.5", own.httpInterface("10.0.0.5"));
  }

  @Test
  void aRingFindsAKeyByItsSecretOnly() {
    KeyRing ring = new KeyRing(keys("w", "r", "a"), null, null, java.time.Clock.systemUTC());
    assertEquals(Scope.READ, ring.find("r").orElseThrow().scope());
    assertTrue(ring.find("r ").isEmpty());
    assertTrue(ring.find("").isEmpty());
    assertTrue(ring.find(KeyIds.of("r")).isEmpty(), "an id is not a key");
  }
}
