package io.itinera.journeys.decision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Action and timer ids: name-based UUIDs of what caused them, so that deciding the same input again
 * gives the same ids (an idempotency key downstream) without a counter in the state.
 *
 * <p>The same UUIDs as {@link UUID#nameUUIDFromBytes} (version 3, MD5), with the digest kept per
 * thread: looking MD5 up from the security providers on every call cost more than the rest of a
 * decision.
 */
final class Ids {

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every Java platform has MD5", e);
            }
          });

  private Ids() {}

  static String of(String... parts) {
    byte[] hash = MD5.get().digest(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
    hash[6] &= 0x0f; // version 3
    hash[6] |= 0x30;
    hash[8] &= 0x3f; // IETF variant
    hash[8] |= (byte) 0x80;
    long most = 0;
    long least = 0;
    for (int i = 0; i < 8; i++) {
      most = (most << 8) | (hash[i] & 0xff);
      least = (least << 8) | (hash[i + 8] & 0xff);
    }
    return new UUID(most, least).toString();
  }
}
