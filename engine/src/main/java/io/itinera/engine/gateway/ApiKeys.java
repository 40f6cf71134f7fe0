package io.itinera.engine.gateway;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.headers.HttpCredentials;

/**
 * The bootstrap keys, from the environment: {@code itinera.keys.write} (ingest keys, as Segment
 * calls them), {@code itinera.keys.read} and {@code itinera.keys.admin}, each comma-separated. Only
 * their SHA-256 digests are kept. Keys made through {@code /v1/keys} live in the {@link KeyStore}
 * beside them; the {@link KeyRing} asks both.
 *
 * <p>A key travels as Segment's does: the HTTP Basic user name with an empty password, a Bearer
 * token, or for ingest {@code writeKey} in the body.
 */
public record ApiKeys(Map<String, KeyRing.KnownKey> byId, boolean usesDevelopmentKeys) {

  public static final String DEVELOPMENT_WRITE_KEY = "dev-write-key";
  public static final String DEVELOPMENT_READ_KEY = "dev-read-key";
  public static final String DEVELOPMENT_ADMIN_KEY = "dev-admin-key";

  private static final Set<String> DEVELOPMENT_KEYS =
      Set.of(DEVELOPMENT_WRITE_KEY, DEVELOPMENT_READ_KEY, DEVELOPMENT_ADMIN_KEY);

  /** The name the key list and logs give keys from the environment. */
  static final String ENVIRONMENT = "environment";

  public static ApiKeys from(Config config) {
    Map<String, KeyRing.KnownKey> byId = new LinkedHashMap<>();
    boolean development = false;
    for (Scope scope : Scope.values()) {
      String setting = "itinera.keys." + (scope == Scope.INGEST ? "write" : scope.wireName());
      for (String secret : secrets(config.getString(setting))) {
        development |= DEVELOPMENT_KEYS.contains(secret);
        byte[] digest = KeyIds.sha256(secret);
        String id = KeyIds.ofDigest(digest);
        // A secret listed under two scopes gets the wider one.
        KeyRing.KnownKey earlier = byId.get(id);
        if (earlier == null || scope.covers(earlier.caller().scope())) {
          byId.put(
              id, new KeyRing.KnownKey(digest, new Caller(id, ENVIRONMENT, scope, null), null));
        }
      }
    }
    return new ApiKeys(Map.copyOf(byId), development);
  }

  private static List<String> secrets(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * The interface the HTTP API binds to. Empty {@code configured}: all interfaces, or only the
   * loopback one while a development key is configured (those keys are in the README, so anyone who
   * can reach the port could use them). A configured non-loopback interface with a development key
   * is refused: a node that starts reachable with known keys is the hole this closes.
   */
  public String httpInterface(String configured) {
    if (configured.isBlank()) {
      return usesDevelopmentKeys ? "127.0.0.1" : "0.0.0.0";
    }
    if (usesDevelopmentKeys && !isLoopback(configured)) {
      throw new IllegalStateException(
          "The development keys (dev-write-key, dev-read-key, dev-admin-key) are public: they are"
              + " served on 127.0.0.1 only, not on "
              + configured
              + ". Set ITINERA_WRITE_KEYS, ITINERA_READ_KEYS and ITINERA_ADMIN_KEY to your own"
              + " keys (ITINERA_READ_KEYS may be empty), or leave ITINERA_HTTP_INTERFACE unset.");
    }
    return configured;
  }

  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The key presented in an Authorization header, if any (Basic user name or Bearer token). */
  static Optional<String> presented(Optional<HttpCredentials> credentials) {
    return credentials.flatMap(
        c -> {
          if (c.scheme().equalsIgnoreCase("basic")) {
            try {
              String decoded =
                  new String(Base64.getDecoder().decode(c.token()), StandardCharsets.UTF_8);
              int colon = decoded.indexOf(':');
              return Optional.of(colon < 0 ? decoded : decoded.substring(0, colon));
            } catch (IllegalArgumentException e) {
              return Optional.empty();
            }
          }
          if (c.scheme().equalsIgnoreCase("bearer")) {
            return Optional.of(c.token());
          }
          return Optional.empty();
        });
  }
}
