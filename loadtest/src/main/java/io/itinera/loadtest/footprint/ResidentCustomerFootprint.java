package io.itinera.loadtest.footprint;

import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.engine.customer.CustomerSettings;
import io.itinera.engine.customer.CustomerState;
import io.itinera.journeys.decision.Decision;
import io.itinera.journeys.decision.Input;
import io.itinera.journeys.decision.JourneyDecider;
import io.itinera.journeys.decision.PendingTimer;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How much heap a resident customer holds: 200,000 customers, each with the state a typical life
 * leaves (an identify with a few traits and consent, a dozen touchpoints, part-way through the
 * running-shoe journey with a pending timer), built through the entity's own event handler, then
 * the heap measured after full collections. Not a test (a benchmark). Run from the repository root:
 *
 * <pre>
 * java -Xmx4g -cp loadtest/target/loadtest.jar:loadtest/target/lib/* \
 *     io.itinera.loadtest.footprint.ResidentCustomerFootprint [customers]
 * </pre>
 */
public final class ResidentCustomerFootprint {

  public static void main(String[] args) throws Exception {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    LoadResult shoes =
        new JourneyLoader()
            .load(
                "running-shoes.journey.yaml",
                Files.readString(Path.of("journeys/running-shoes.journey.yaml")));
    List<LoadedJourney> journeys = List.of(shoes.loaded());
    CustomerSettings settings = CustomerSettings.from(com.typesafe.config.ConfigFactory.load());

    long before = usedAfterGc();
    CustomerState[] resident = new CustomerState[customers];
    Instant start = Instant.parse("2026-11-23T10:00:00Z");
    for (int i = 0; i < customers; i++) {
      resident[i] = life("customer-" + i, start, journeys, settings);
    }
    long after = usedAfterGc();
    long perCustomer = (after - before) / customers;
    CustomerState sample = resident[customers / 2];
    System.out.printf(
        "RESULT customers=%d heap=%d MB per-customer=%d bytes (message ids kept %d, journeys %d, timers %d)%n",
        customers,
        (after - before) >> 20,
        perCustomer,
        sample.seenMessages().size(),
        sample.journeys().journeys().size(),
        sample.journeys().timers().size());
    if (Boolean.getBoolean("footprint.hold")) {
      // Time for `jcmd <pid> GC.class_histogram` to say what the bytes are.
      Thread.sleep(60_000);
    }
    System.out.println(resident.length);
  }

  /**
   * Identify, browse, add to cart: the events the entity would have persisted, applied as it does.
   */
  private static CustomerState life(
      String id, Instant start, List<LoadedJourney> journeys, CustomerSettings settings) {
    CustomerState state = CustomerState.empty(id);
    for (Touchpoint touchpoint : touchpoints(id, start)) {
      state = state.apply(new TouchpointRecorded(touchpoint), settings);
      Decision decision =
          JourneyDecider.decide(
              state.journeys(),
              state.context(),
              new Input.TouchpointArrived(touchpoint),
              journeys,
              touchpoint.timestamp());
      if (!decision.events().isEmpty()) {
        Instant next =
            decision.applyTo(state.journeys()).nextTimer().map(PendingTimer::due).orElse(null);
        state =
            state.apply(
                new JourneysDecided(touchpoint.messageId(), decision.events(), next), settings);
      }
    }
    return state;
  }

  /** An identify with traits and consent, eight page views, then {@link #shopping}. */
  private static List<Touchpoint> touchpoints(String id, Instant start) {
    Instant at = start;
    List<Touchpoint> touchpoints = new ArrayList<>();
    touchpoints.add(
        touchpoint(
            TouchpointType.IDENTIFY,
            id,
            null,
            Map.of(),
            Map.of(
                fresh("email"),
                fresh(id + "@example.com"),
                fresh("timezone"),
                fresh("Europe/Berlin"),
                fresh("plan"),
                fresh("free"),
                fresh("consent"),
                Map.of(fresh("email"), true)),
            at));
    for (int view = 0; view < 8; view++) {
      at = at.plusSeconds(20);
      touchpoints.add(
          touchpoint(
              TouchpointType.PAGE,
              id,
              null,
              Map.of(fresh("path"), fresh("/shoes/" + view)),
              Map.of(),
              at));
    }
    touchpoints.addAll(shopping(id, at));
    return touchpoints;
  }

  /** Two running shoes viewed and one added to the cart, twenty seconds apart. */
  private static List<Touchpoint> shopping(String id, Instant after) {
    Instant at = after.plusSeconds(20);
    return List.of(
        productViewed(id, fresh("RS-" + id.hashCode()), 129.0, at),
        productViewed(id, fresh("RS-7"), 139.0, at.plusSeconds(20)),
        touchpoint(
            TouchpointType.TRACK,
            id,
            "Product Added",
            Map.of(fresh("sku"), fresh("RS-7"), fresh("price"), 139.0),
            Map.of(),
            at.plusSeconds(40)));
  }

  private static Touchpoint productViewed(String id, String sku, double price, Instant at) {
    return touchpoint(
        TouchpointType.TRACK,
        id,
        "Product Viewed",
        Map.of(fresh("category"), fresh("running-shoes"), fresh("sku"), sku, fresh("price"), price),
        Map.of(),
        at);
  }

  private static Touchpoint touchpoint(
      TouchpointType type,
      String id,
      String event,
      Map<String, Object> properties,
      Map<String, Object> traits,
      Instant at) {
    return new Touchpoint(
        type,
        UUID.randomUUID().toString(),
        fresh(id),
        fresh(id),
        null,
        null,
        null,
        event == null ? null : fresh(event),
        type == TouchpointType.PAGE ? fresh("Shoes") : null,
        null,
        fresh("web"),
        properties,
        traits,
        Map.of(),
        at,
        null,
        at);
  }

  /** A string as Jackson reads it from the journal: a new instance, not a shared literal. */
  private static String fresh(String s) {
    return new String(s.toCharArray());
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
