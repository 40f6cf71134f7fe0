package io.itinera.engine.gateway;

import io.itinera.engine.storage.BlockingSql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every key that opens the API: the environment's ({@link ApiKeys}) and the stored ones ({@link
 * KeyStore}), the latter as a snapshot of the table reloaded every few seconds, and at once on the
 * node that changed it. So a request's key check is one SHA-256 and a map lookup, with no SQL and
 * no lock (the snapshot is an immutable map behind a volatile field).
 *
 * <p>The map is keyed by the key's id (a prefix of the digest), and the whole digest is then
 * compared in constant time: a lookup's timing depends on the digest, which an attacker cannot
 * steer towards a real key's, never on how much of a secret was right.
 */
public final class KeyRing {

  private static final Logger log = LoggerFactory.getLogger(KeyRing.class);

  /**
   * A digest per thread: {@code MessageDigest.getInstance} looks the provider up each time, which
   * cost more than the hash itself on every request. Same SHA-256 as {@link KeyIds#sha256}.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("Every Java runtime has SHA-256", e);
            }
          });

  /** A key as the ring knows it: its secret's SHA-256, who it is, and until when it opens. */
  record KnownKey(byte[] digest, Caller caller, Instant expiresAt) {}

  private final ApiKeys environment;
  private final KeyStore store;
  private final BlockingSql blocking;
  private final Clock clock;
  private volatile Map<String, KnownKey> stored = Map.of();
  private final AtomicLong reloads = new AtomicLong();
  private long applied;

  KeyRing(ApiKeys environment, KeyStore store, BlockingSql blocking, Clock clock) {
    this.environment = environment;
    this.store = store;
    this.blocking = blocking;
    this.clock = clock;
  }

  /**
   * A ring over the environment's keys and the table, reloaded every {@code refresh}; the first
   * load is waited for, so a node serves no request before it knows its stored keys.
   */
  public static KeyRing start(
      ActorSystem<?> system, ApiKeys environment, KeyStore store, Duration refresh, Clock clock) {
    KeyRing ring = new KeyRing(environment, store, BlockingSql.of(system), clock);
    ring.reload().toCompletableFuture().join();
    system
        .scheduler()
        .scheduleWithFixedDelay(
            refresh,
            refresh,
            () ->
                ring.reload()
                    .whenComplete(
                        (done, failure) -> {
                          if (failure != null) {
                            log.warn(
                                "The stored API keys could not be reloaded (the last ones read"
                                    + " stay in use): {}",
                                failure.toString());
                          }
                        }),
            system.executionContext());
    return ring;
  }

  ApiKeys environment() {
    return environment;
  }

  KeyStore store() {
    return store;
  }

  BlockingSql blocking() {
    return blocking;
  }

  Clock clock() {
    return clock;
  }

  /** Who holds {@code secret}, if it opens the API now. */
  Optional<Caller> find(String secret) {
    byte[] digest = SHA_256.get().digest(secret.getBytes(StandardCharsets.UTF_8));
    String id = KeyIds.ofDigest(digest);
    KnownKey key = environment.byId().get(id);
    if (key == null) {
      key = stored.get(id);
    }
    if (key == null || !MessageDigest.isEqual(key.digest(), digest)) {
      return Optional.empty();
    }
    if (key.expiresAt() != null && !clock.instant().isBefore(key.expiresAt())) {
      return Optional.empty();
    }
    return Optional.of(key.caller());
  }

  /** Reads the table again; called on a schedule and after every change made through this node. */
  CompletionStage<Void> reload() {
    long number = reloads.incrementAndGet();
    return blocking.supply(store::all).thenAccept(keys -> apply(number, keys));
  }

  /**
   * Keeps a reload's keys unless a later-started one was kept already: a scheduled reload that read
   * the table before a revocation must not bring the key back after the revocation's own reload.
   * Off the hot path, so a lock will do.
   */
  private synchronized void apply(long number, List<KeyStore.StoredKey> keys) {
    if (number > applied) {
      applied = number;
      stored = live(keys, clock.instant());
    }
  }

  private static Map<String, KnownKey> live(List<KeyStore.StoredKey> keys, Instant now) {
    Map<String, KnownKey> byId = new HashMap<>();
    HexFormat hex = HexFormat.of();
    for (KeyStore.StoredKey key : keys) {
      if (key.liveAt(now) && key.scope() != null) {
        byId.put(
            key.id(),
            new KnownKey(
                hex.parseHex(key.digest()),
                new Caller(key.id(), key.name(), key.scope(), key.rateLimit()),
                key.expiresAt()));
      }
    }
    return Map.copyOf(byId);
  }
}
