package io.itinera.engine.gateway;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.headers.HttpCredentials;

/**
 * Who may call: write keys for ingest (as Segment's: the key as the HTTP Basic user name with an
 * empty password, or {@code writeKey} in the body) and one admin key for administration. A key is
 * also accepted as a Bearer token.
 */
public record ApiKeys(Set<String> writeKeys, String adminKey) {

  public static final String DEVELOPMENT_WRITE_KEY = "dev-write-key";
  public static final String DEVELOPMENT_ADMIN_KEY = "dev-admin-key";

  public static ApiKeys from(Config config) {
    Set<String> write =
        Arrays.stream(config.getString("itinera.keys.write").split(","))
            .map(String::trim)
            .filter(key -> !key.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    return new ApiKeys(write, config.getString("itinera.keys.admin").trim());
  }

  public boolean usesDevelopmentDefaults() {
    return writeKeys.contains(DEVELOPMENT_WRITE_KEY) || adminKey.equals(DEVELOPMENT_ADMIN_KEY);
  }

  boolean isWriteKey(String key) {
    return key != null && writeKeys.contains(key);
  }

  boolean isAdminKey(String key) {
    return key != null && !adminKey.isEmpty() && adminKey.equals(key);
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
