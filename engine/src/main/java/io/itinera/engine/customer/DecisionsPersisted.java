package io.itinera.engine.customer;

import java.util.List;

/**
 * Told on the customer's entity, right after its events are in the journal (never on recovery), so
 * that what depends on them can start before the projections read them back. Must not block: it
 * runs on the entity's thread.
 */
@FunctionalInterface
public interface DecisionsPersisted {

  DecisionsPersisted NONE = (customerId, events) -> {};

  void persisted(String customerId, List<CustomerEvent> events);
}
