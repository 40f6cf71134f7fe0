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
    return matches(loaded, customer, runAt, null);
  }

  /**
   * The same for a run whose entries are caused by {@code runCause}: a customer this very run
   * entered (before a crash cut it short) still matches, so the resumed run asks again, hears the
   * entity's first answer and counts them once.
   */
  public static boolean matches(
      LoadedJourney loaded, IndexedCustomer customer, Instant runAt, String runCause) {
    Entry entry = loaded.journey().entry();
    if (entry == null || entry.segment() == null) {
      return false;
    }
    String enteredBy = customer.journeys().get(loaded.journey().name());
    if (enteredBy != null && !enteredBy.equals(runCause)) {
      return false;
    }
    if (RunSchedule.perCustomerZone(entry.schedule())
        && !RunSchedule.customerHour(entry.schedule(), runAt, zone(customer.traits()))) {
      return false;
    }
    CustomerFacts facts =
        new CustomerFacts(
            customer.traits(),
            "",
            customer.counters(),
            "",
            Map.of(),
            Map.of(),
            customer.lastSeen(),
            runAt,
            Map.of());
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
