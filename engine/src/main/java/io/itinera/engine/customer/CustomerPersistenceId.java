package io.itinera.engine.customer;

import io.itinera.engine.storage.JournalSlices;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * A customer's persistence id: {@code Customer|} and the customer id, with the {@code |} Pekko
 * reserves as the separator escaped as {@link JournalSlices} describes (the read journal decodes it
 * the same way to find a customer's slice). (Sharding takes any entity id: it URL-encodes them into
 * actor names, so the entity id is the customer id itself.)
 */
public final class CustomerPersistenceId {

  private CustomerPersistenceId() {}

  public static PersistenceId of(String customerId) {
    return PersistenceId.ofUniqueId(
        JournalSlices.persistenceId(CustomerEntity.TYPE_KEY.name(), customerId));
  }

  /** The customer id of a customer's persistence id (as a journal query's envelope gives it). */
  public static String customerId(String persistenceId) {
    return JournalSlices.entityId(persistenceId);
  }
}
