package io.itinera.journeys.entry;

import io.itinera.journeys.condition.CompiledCondition.Verdict;
import io.itinera.journeys.condition.CustomerFacts;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Entry;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Whether a run at one instant should ask a customer's entity to enter them: the customer is not in
 * the journey already (as the index knows), it is the schedule's hour where they live (with {@code
 * zone: customer}), and the journey's segment holds for them. The engine's runs and the simulator
 * both ask here, with the condition compiled at deploy.
 */
public final class SegmentMatch {

  private SegmentMatch() {}

  public static boolean matches(LoadedJourney loaded, IndexedCustomer customer, Instant runAt) {
    Entry entry = loaded.journey().entry();
    if (entry == null || entry.segment() == null) {
      return false;
    }
    if (customer.journeys().contains(loaded.journey().name())) {
      return false;
    }
    if (RunSchedule.perCustomerZone(entry.schedule())
        && !RunSchedule.customerHour(entry.schedule(), runAt, zone(customer.traits()))) {
      return false;
    }
    CustomerFacts facts =
        new CustomerFacts(
            customer.traits(), "", customer.counters(), customer.lastSeen(), runAt, Map.of());
    return loaded.verdict(entry.segment(), null, facts) == Verdict.HOLDS;
  }

  /** The customer's {@code timezone} trait, UTC without one, as quiet hours read it. */
  private static ZoneId zone(Map<String, Object> traits) {
    if (traits.get("timezone") instanceof String zone) {
      try {
        return ZoneId.of(zone);
      } catch (DateTimeException notAZone) {
        return ZoneOffset.UTC;
      }
    }
    return ZoneOffset.UTC;
  }
}
