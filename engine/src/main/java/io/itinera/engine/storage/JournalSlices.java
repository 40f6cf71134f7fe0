package io.itinera.engine.storage;

import java.util.Optional;

/**
 * Slices of the journal's entities, and how a projection reads every event of one slice without a
 * tag row per event.
 *
 * <p>An entity's persistence id is its type, {@code |} and its entity id, with the {@code |} Pekko
 * reserves as the separator written {@code %7C} in the entity id, and a {@code %} that would read
 * as an escape (before {@code 7C} or {@code 25}) written {@code %25}; every other id is its own
 * persistence id, so journals written before ids could hold a {@code |} still recover.
 *
 * <p>Entities are spread over a fixed number of slices by a stable hash of their entity id. A
 * projection that needs every event of a slice (the customer index) asks the read journal for the
 * pseudo tag {@link #tag}: {@link TagRangeReadJournalDao} answers it from the journal's ordering
 * range, keeping the slice's rows, so writes need no {@code event_tag} row for it (a tag row per
 * event was a fifth of PostgreSQL's time per touchpoint; docs/benchmarks.md).
 */
public final class JournalSlices {

  private static final String PREFIX = "journal-slice-";
  private static final String OF = "-of-";

  private JournalSlices() {}

  /** The slice of an entity id: the same in every JVM and release, since offsets depend on it. */
  public static int slice(String entityId, int slices) {
    return Math.floorMod(entityId.hashCode(), slices);
  }

  /** The pseudo tag that reads every event of entities in {@code slice} of {@code slices}. */
  public static String tag(int slice, int slices) {
    if (slice < 0 || slice >= slices) {
      throw new IllegalArgumentException("slice " + slice + " of " + slices);
    }
    return PREFIX + slice + OF + slices;
  }

  /** Slice {@code slice} of {@code slices}, as a pseudo tag names it. */
  record Slice(int slice, int slices) {

    /** Whether the entity of this persistence id is in this slice. */
    boolean holds(String persistenceId) {
      return JournalSlices.slice(entityId(persistenceId), slices) == slice;
    }
  }

  /** The slice a pseudo tag names, or empty for a real tag. */
  static Optional<Slice> parse(String tag) {
    if (!tag.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int of = tag.indexOf(OF, PREFIX.length());
    if (of < 0) {
      return Optional.empty();
    }
    try {
      int slice = Integer.parseInt(tag.substring(PREFIX.length(), of));
      int slices = Integer.parseInt(tag.substring(of + OF.length()));
      return slice >= 0 && slice < slices
          ? Optional.of(new Slice(slice, slices))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The persistence id of an entity of this type. */
  public static String persistenceId(String typeName, String entityId) {
    return typeName + "|" + encode(entityId);
  }

  /** The entity id of a persistence id: what follows the type's {@code |}, decoded. */
  public static String entityId(String persistenceId) {
    return decode(persistenceId.substring(persistenceId.indexOf('|') + 1));
  }

  static String encode(String entityId) {
    if (entityId.indexOf('|') < 0 && entityId.indexOf('%') < 0) {
      return entityId;
    }
    StringBuilder encoded = new StringBuilder(entityId.length() + 8);
    for (int i = 0; i < entityId.length(); i++) {
      char c = entityId.charAt(i);
      if (c == '|') {
        encoded.append("%7C");
      } else if (c == '%' && escapeAt(entityId, i + 1) != 0) {
        encoded.append("%25");
      } else {
        encoded.append(c);
      }
    }
    return encoded.toString();
  }

  static String decode(String encoded) {
    if (encoded.indexOf('%') < 0) {
      return encoded;
    }
    StringBuilder decoded = new StringBuilder(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      char escaped = c == '%' ? escapeAt(encoded, i + 1) : 0;
      decoded.append(escaped != 0 ? escaped : c);
      i += escaped != 0 ? 2 : 0;
    }
    return decoded.toString();
  }

  /** The character {@code 7C} or {@code 25} at {@code at} stands for after a {@code %}, else 0. */
  private static char escapeAt(String text, int at) {
    if (text.startsWith("7C", at)) {
      return '|';
    }
    return text.startsWith("25", at) ? '%' : 0;
  }
}
