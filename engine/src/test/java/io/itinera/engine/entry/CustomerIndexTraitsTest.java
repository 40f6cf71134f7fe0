package io.itinera.engine.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.journeys.decision.JourneyEvent.TraitsChanged;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A journey's {@code set} changes the traits the customer index holds, as an identify would, so a
 * segment evaluated on the index sees what journeys set (a null removes the trait).
 */
class CustomerIndexTraitsTest {

  @Test
  void aJourneysSetReachesTheIndexedTraits() {
    CustomerIndex.Row row = new CustomerIndex.Row("ada");
    row.traits = new LinkedHashMap<>(Map.of("plan", "free", "coupon", "SPRING"));
    Map<String, Object> set = new HashMap<>();
    set.put("plan", "gold");
    set.put("coupon", null);
    Instant at = Instant.parse("2026-12-07T10:00:00Z");
    CustomerIndexProjection.apply(
        row,
        new JourneysDecided(
            "t-1",
            List.of(new TraitsChanged("vip", 1, "start", "on enter", "upgrade", set, "t-1", at)),
            null));
    assertEquals(Map.of("plan", "gold"), row.traits);
  }
}
