package io.itinera.journeys.simulate;

import com.google.common.collect.Maps;
import io.itinera.journeys.decision.CustomerContext;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.Decision;
import io.itinera.journeys.decision.Experiments;
import io.itinera.journeys.decision.Input;
import io.itinera.journeys.decision.JourneyDecider;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneySet;
import io.itinera.journeys.decision.PendingTimer;
import io.itinera.journeys.entry.IndexedCustomer;
import io.itinera.journeys.entry.RunSchedule;
import io.itinera.journeys.entry.SegmentMatch;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Entry;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays script steps through {@link JourneyDecider} on a virtual clock. Between two steps it
 * fires the timers that fall due, soonest first across all customers, as the engine's timer service
 * would; a timer due at the very time of a touchpoint fires before it. Journeys entered by a
 * segment on a schedule have their runs fired the same way, at each instant of the schedule up to
 * the end line (or the last line), over every customer seen so far; a run fires after the timers
 * due at its instant.
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
    Instant lastSeen;

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
    Instant runsUntil = steps.isEmpty() ? Instant.MIN : steps.get(steps.size() - 1).at();
    Map<LoadedJourney, Instant> nextRuns = new LinkedHashMap<>();
    if (!steps.isEmpty()) {
      for (LoadedJourney loaded : journeys.all()) {
        Entry entry = loaded.journey().entry();
        if (entry != null && entry.schedule() != null) {
          RunSchedule.next(entry.schedule(), steps.get(0).at())
              .ifPresent(at -> nextRuns.put(loaded, at));
        }
      }
    }
    for (Step step : steps) {
      fireRunsUntil(nextRuns, step.at().isAfter(runsUntil) ? runsUntil : step.at());
      fireTimersUntil(step.at(), Integer.MAX_VALUE);
      if (step instanceof Step.Send send) {
        Customer customer = customers.computeIfAbsent(send.customerId(), Customer::new);
        print(send.at(), send.customerId(), "< " + send.text());
        customer.context = customer.context.recording(send.touchpoint());
        Instant at = send.touchpoint().timestamp();
        customer.lastSeen =
            customer.lastSeen == null || at.isAfter(customer.lastSeen) ? at : customer.lastSeen;
        decide(customer, new Input.TouchpointArrived(send.touchpoint()), send.at());
      } else if (step instanceof Step.Run run) {
        journeys.all().stream()
            .filter(l -> l.journey().name().equals(run.journey()))
            .reduce((a, b) -> b.journey().version() > a.journey().version() ? b : a)
            .ifPresent(loaded -> segmentRun(loaded, run.at()));
      } else {
        return true;
      }
    }
    return fireTimersUntil(Instant.MAX, TIMERS_WITHOUT_END);
  }

  /** Fires each journey's scheduled runs due by {@code end}, with the timers due before each. */
  private void fireRunsUntil(Map<LoadedJourney, Instant> nextRuns, Instant end) {
    while (true) {
      Map.Entry<LoadedJourney, Instant> soonest = null;
      for (Map.Entry<LoadedJourney, Instant> next : nextRuns.entrySet()) {
        if (!next.getValue().isAfter(end)
            && (soonest == null || next.getValue().isBefore(soonest.getValue()))) {
          soonest = next;
        }
      }
      if (soonest == null) {
        return;
      }
      LoadedJourney loaded = soonest.getKey();
      Instant at = soonest.getValue();
      fireTimersUntil(at, Integer.MAX_VALUE);
      segmentRun(loaded, at);
      RunSchedule.next(loaded.journey().entry().schedule(), at)
          .ifPresentOrElse(next -> nextRuns.put(loaded, next), () -> nextRuns.remove(loaded));
    }
  }

  /** One run: every customer the segment matches is asked to enter, as the engine's runs do. */
  private void segmentRun(LoadedJourney loaded, Instant at) {
    String name = loaded.journey().name();
    String cause = "run:" + name + ":" + at;
    for (Customer customer : customers.values()) {
      IndexedCustomer indexed =
          new IndexedCustomer(
              customer.context.customerId(),
              customer.context.traits(),
              customer.context.counters(),
              customer.lastSeen,
              Maps.asMap(customer.state.journeys().keySet(), journey -> ""));
      if (SegmentMatch.matches(loaded, indexed, at)) {
        decide(customer, new Input.EntryRequested(name, cause, Map.of()), at);
      }
    }
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
