package io.itinera.engine.customer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The message ids a customer sent lately, to recognise a client's retry: 64-bit hashes of the last
 * {@code limit} ids, oldest first, in one array sized to what it holds. A resident customer keeps
 * this in memory, and the ids themselves (UUIDs, about 90 bytes each as strings) would have been
 * most of its footprint; two different ids share a hash with a chance of about one in 10^15 within
 * one customer's window, and then the second is taken for a repeat.
 */
public final class SeenMessages {

  public static final SeenMessages NONE = new SeenMessages(new long[0]);

  private final long[] hashes;

  private SeenMessages(long[] hashes) {
    this.hashes = hashes;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static SeenMessages of(long[] hashes) {
    return hashes == null || hashes.length == 0 ? NONE : new SeenMessages(hashes.clone());
  }

  @JsonValue
  long[] hashes() {
    return hashes.clone();
  }

  public boolean contains(String messageId) {
    long hash = hash(messageId);
    for (int i = hashes.length - 1; i >= 0; i--) {
      if (hashes[i] == hash) {
        return true;
      }
    }
    return false;
  }

  /** This window with {@code messageId} added, dropping the oldest past {@code limit}. */
  SeenMessages with(String messageId, int limit) {
    int keep = Math.min(hashes.length, limit - 1);
    long[] next = new long[keep + 1];
    System.arraycopy(hashes, hashes.length - keep, next, 0, keep);
    next[keep] = hash(messageId);
    return new SeenMessages(next);
  }

  public int size() {
    return hashes.length;
  }

  /** FNV-1a over the UTF-8 bytes, then a 64-bit finaliser: stable across JVMs, unlike hashCode. */
  static long hash(String messageId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : messageId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SeenMessages seen && Arrays.equals(hashes, seen.hashes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hashes);
  }

  @Override
  public String toString() {
    return "SeenMessages(" + hashes.length + ")";
  }
}
