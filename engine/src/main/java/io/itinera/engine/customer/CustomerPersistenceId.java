package io.itinera.engine.customer;

import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * A customer's persistence id: {@code Customer|} and the customer id, with the {@code |} Pekko
 * reserves as the separator written {@code %7C}. A {@code %} that would read as an escape (before
 * {@code 7C} or {@code 25}) is written {@code %25}; every other id is its own persistence id, so
 * journals written before ids could hold a {@code |} still recover. (Sharding takes any entity id:
 * it URL-encodes them into actor names, so the entity id is the customer id itself.)
 */
public final class CustomerPersistenceId {

  private static final String PREFIX = CustomerEntity.TYPE_KEY.name() + "|";

  private CustomerPersistenceId() {}

  public static PersistenceId of(String customerId) {
    return PersistenceId.ofUniqueId(PREFIX + encode(customerId));
  }

  /** The customer id of a customer's persistence id (as a journal query's envelope gives it). */
  public static String customerId(String persistenceId) {
    return decode(persistenceId.substring(PREFIX.length()));
  }

  static String encode(String customerId) {
    if (customerId.indexOf('|') < 0 && customerId.indexOf('%') < 0) {
      return customerId;
    }
    StringBuilder encoded = new StringBuilder(customerId.length() + 8);
    for (int i = 0; i < customerId.length(); i++) {
      char c = customerId.charAt(i);
      if (c == '|') {
        encoded.append("%7C");
      } else if (c == '%' && escapeAt(customerId, i + 1) != 0) {
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
