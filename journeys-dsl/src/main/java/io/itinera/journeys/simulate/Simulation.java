package io.itinera.journeys.simulate;

import io.itinera.journeys.decision.CustomerContext;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.Decision;
import io.itinera.journeys.decision.Experiments;
import io.itinera.journeys.decision.Input;
import io.itinera.journeys.decision.JourneyDecider;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneySet;
import io.itinera.journeys.decision.PendingTimer;
import io.itinera.journeys.load.LoadedJourney;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays script steps through {@link JourneyDecider} on a virtual clock. Between two steps it
 * fires the timers that fall due, soonest first across all customers, as the engine's timer service
 * would; a timer due at the very time of a touchpoint fires before it.
 */
final class Simulation {

  /** Without an end line, a journey that re-arms its own timer would never stop. */
  static final int TIMERS_WITHOUT_END = 10_000;

  private final JourneySet journeys;
  private final PrintStream out;
  private final Map<String, Customer> customers = new LinkedHashMap<>();
  private final SimulatedCounts counts = new SimulatedCounts();
  private final Experiments experiments;

  private static final class Customer {
    CustomerContext context;
    CustomerJourneys state = CustomerJourneys.EMPTY;

    Customer(String id) {
      context = CustomerContext.of(id);
    }
  }

  /**
   * @param seed the bandit splits' random source: the same seed gives the same trace
   */
  Simulation(List<LoadedJourney> journeys, PrintStream out, long seed) {
    this.journeys = JourneySet.of(journeys);
    this.out = out;
    this.experiments = Experiments.seeded(counts, seed);
  }

  /** Runs every step; false if, without an end line, timers were still firing after the limit. */
  boolean run(List<Step> steps) {
    for (Step step : steps) {
      fireTimersUntil(step.at(), Integer.MAX_VALUE);
      if (step instanceof Step.Send send) {
        Customer customer = customers.computeIfAbsent(send.customerId(), Customer::new);
        print(send.at(), send.customerId(), "< " + send.text());
        customer.context = customer.context.recording(send.touchpoint());
        decide(customer, new Input.TouchpointArrived(send.touchpoint()), send.at());
      } else {
        return true;
      }
    }
    return fireTimersUntil(Instant.MAX, TIMERS_WITHOUT_END);
  }

  private boolean fireTimersUntil(Instant end, int limit) {
    for (int fired = 0; ; fired++) {
      Customer soonest = null;
      PendingTimer next = null;
      for (Customer customer : customers.values()) {
        PendingTimer timer = customer.state.nextTimer().orElse(null);
        if (timer != null
            && !timer.due().isAfter(end)
            && (next == null || timer.due().isBefore(next.due()))) {
          soonest = customer;
          next = timer;
        }
      }
      if (next == null) {
        return true;
      }
      if (fired == limit) {
        return false;
      }
      decide(soonest, new Input.TimerDue(next.id()), next.due());
    }
  }

  private void decide(Customer customer, Input input, Instant now) {
    Decision decision =
        JourneyDecider.decide(customer.state, customer.context, input, journeys, experiments, now);
    for (JourneyEvent event : decision.events()) {
      Trace.line(event).ifPresent(line -> print(now, customer.context.customerId(), line));
      counts.count(event, customer.state);
      customer.state = customer.state.apply(event);
      if (event instanceof JourneyEvent.TraitsChanged changed) {
        customer.context = customer.context.withTraits(changed.traits());
      }
    }
  }

  private void print(Instant at, String customerId, String text) {
    out.println(at + " " + customerId + " " + text);
  }
}
