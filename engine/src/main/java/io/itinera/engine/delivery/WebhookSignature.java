package io.itinera.engine.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures as the Standard Webhooks specification has them (standardwebhooks.com, the scheme Svix
 * and others use): the secret is {@code whsec_} followed by base64 of 24 to 64 random bytes; the
 * signature is {@code v1,} followed by base64 of HMAC-SHA256 over {@code id.timestamp.body}, keyed
 * with those bytes, and sent in {@code webhook-signature} beside {@code webhook-id} and {@code
 * webhook-timestamp} (Unix seconds).
 */
public final class WebhookSignature {

  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSignature() {}

  /** A new secret: 32 random bytes. */
  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** Why {@code secret} is not a usable signing secret, or empty if it is. */
  public static Optional<String> problem(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return Optional.of("must start with \"" + PREFIX + "\" followed by base64");
    }
    try {
      int length = Base64.getDecoder().decode(secret.substring(PREFIX.length())).length;
      if (length < 24 || length > 64) {
        return Optional.of("must hold 24 to 64 bytes after \"" + PREFIX + "\"; it holds " + length);
      }
    } catch (IllegalArgumentException e) {
      return Optional.of("is not base64 after \"" + PREFIX + "\"");
    }
    return Optional.empty();
  }

  /** {@code v1,<base64 signature>} of a message. */
  public static String sign(String secret, String id, long timestamp, byte[] body) {
    byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Whether {@code signatures} (a {@code webhook-signature} header: space-separated {@code v1,...}
   * entries, several while a secret is rotated) holds the signature of this message. Compared in
   * constant time.
   */
  public static boolean verify(
      String secret, String id, long timestamp, byte[] body, String signatures) {
    byte[] expected = sign(secret, id, timestamp, body).getBytes(StandardCharsets.UTF_8);
    for (String candidate : signatures.trim().split(" +")) {
      if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
        return true;
      }
    }
    return false;
  }
}
