package io.itinera.journeys.decision;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who is held out of a journey: a stable hash of customer and journey into 10,000 buckets, so the
 * same customer is held out of the same journey on every node, after every restart and every
 * re-entry, and a journey's holdout is independent of another's.
 */
final class Holdout {

  static final int BUCKETS = 10_000;

  private Holdout() {}

  static boolean isHeldOut(String customerId, String journey, double percent) {
    return bucket(customerId, journey) < percent * BUCKETS / 100;
  }

  static int bucket(String customerId, String journey) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((journey + '\u0000' + customerId).getBytes(StandardCharsets.UTF_8));
      return (int) Long.remainderUnsigned(ByteBuffer.wrap(digest).getLong(), BUCKETS);
    } catch (NoSuchAlgorithmException everyJvmHasIt) {
      throw new IllegalStateException(everyJvmHasIt);
    }
  }
}
