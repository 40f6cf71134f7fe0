package io.itinera.engine.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A key's public name: what logs, the audit log, rate limits and the key list show instead of the
 * secret. The same secret always has the same id, whether it came from the environment or from the
 * key store, so an audit entry names a key that the key list names too.
 */
public final class KeyIds {

  private KeyIds() {}

  /** {@code k-} and the first 16 hex digits of the secret's SHA-256. */
  public static String of(String secret) {
    return ofDigest(sha256(secret));
  }

  /**
   * The id of the key whose secret's SHA-256 is {@code digest}, for callers that hold it already.
   */
  public static String ofDigest(byte[] digest) {
    return "k-" + HexFormat.of().formatHex(digest, 0, 8);
  }

  /** The SHA-256 of a key's secret, as it is stored and compared. */
  public static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }
}
