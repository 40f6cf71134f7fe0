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
import io.itinera.journeys.decision.PlannedAction;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What-if: one journey run over customers' recorded touchpoints through {@link JourneyDecider} on a
 * simulated clock, each customer alone, timers firing between touchpoints as the engine's timer
 * service would and up to {@code end} after the last. It returns counts and each customer's path;
 * it sends nothing and writes nothing. Run for a candidate and for the deployed version over the
 * same customers, the two outcomes say what a change would do on real history. Customers are added
 * one at a time ({@link #add}) and only their outcome is kept.
 *
 * <p>Only the journey under test runs, so caps and priorities shared with other journeys are not
 * applied; bandit splits draw from a fixed seed.
 */
public final class Replay {

  /** A customer's recorded touchpoints, oldest first. */
  public record Recorded(String customerId, List<Touchpoint> touchpoints) {}

  /**
   * @param entered customers who entered each stage, at least once
   * @param actions actions decided, by "channel/template"
   * @param suppressed actions suppressed, by reason (caps, consent, ...)
   * @param deferred actions held by quiet hours, by "channel/template"
   * @param paths each customer's stages in the order entered (empty when they never entered)
   */
  public record Outcome(
      Map<String, Long> entered,
      Map<String, Long> actions,
      Map<String, Long> suppressed,
      Map<String, Long> deferred,
      Map<String, List<String>> paths) {}

  /** A customer whose timers keep re-arming stops here. */
  static final int TIMERS_PER_CUSTOMER = 1_000;

  private static final long SEED = 19L;

  private final JourneySet journeys;
  private final String name;
  private final Instant end;
  private final Map<String, Long> entered = new TreeMap<>();
  private final Map<String, Long> actions = new TreeMap<>();
  private final Map<String, Long> suppressed = new TreeMap<>();
  private final Map<String, Long> deferred = new TreeMap<>();
  private final Map<String, List<String>> paths = new TreeMap<>();
  private final SimulatedCounts counts = new SimulatedCounts();
  private final Experiments experiments = Experiments.seeded(counts, SEED);

  /**
   * A replay of {@code journey} to which customers are added one at a time, so that only their
   * outcome is kept, never their touchpoints: timers fire up to {@code end}. Not thread-safe: one
   * caller at a time.
   */
  public Replay(LoadedJourney journey, Instant end) {
    this.journeys = JourneySet.of(List.of(journey));
    this.name = journey.journey().name();
    this.end = end;
  }

  public static Outcome run(LoadedJourney journey, List<Recorded> customers, Instant end) {
    Replay replay = new Replay(journey, end);
    customers.forEach(replay::add);
    return replay.outcome();
  }

  /** Replays one customer's recorded touchpoints and counts what came of them. */
  public void add(Recorded recorded) {
    Run run = new Run(recorded.customerId(), journeys, experiments, counts);
    for (Touchpoint touchpoint : recorded.touchpoints()) {
      Instant at =
          touchpoint.receivedAt() != null ? touchpoint.receivedAt() : touchpoint.timestamp();
      run.timersUntil(at);
      run.context = run.context.recording(touchpoint);
      run.decide(new Input.TouchpointArrived(touchpoint), at);
    }
    run.timersUntil(end);
    List<String> path = new ArrayList<>();
    for (JourneyEvent event : run.events) {
      if (event instanceof JourneyEvent.JourneyEntered e && e.journey().equals(name)) {
        path.add(e.stage());
      } else if (event instanceof JourneyEvent.StageEntered e && e.journey().equals(name)) {
        path.add(e.to());
      } else if (event instanceof JourneyEvent.ActionEmitted e) {
        actions.merge(key(e.action()), 1L, Long::sum);
      } else if (event instanceof JourneyEvent.ActionSuppressed e) {
        suppressed.merge(e.reason().name(), 1L, Long::sum);
      } else if (event instanceof JourneyEvent.ActionDeferred e) {
        deferred.merge(key(e.action()), 1L, Long::sum);
      }
    }
    path.stream().distinct().forEach(stage -> entered.merge(stage, 1L, Long::sum));
    paths.put(recorded.customerId(), List.copyOf(path));
  }

  public Outcome outcome() {
    return new Outcome(copy(entered), copy(actions), copy(suppressed), copy(deferred), copy(paths));
  }

  private static <V> Map<String, V> copy(Map<String, V> map) {
    return Collections.unmodifiableMap(new TreeMap<>(map));
  }

  private static String key(PlannedAction action) {
    return action.channel() + "/" + action.template();
  }

  /** One customer's replay: their state, and every event decided for them. */
  private static final class Run {
    final JourneySet journeys;
    final Experiments experiments;
    final SimulatedCounts counts;
    final List<JourneyEvent> events = new ArrayList<>();
    CustomerContext context;
    CustomerJourneys state = CustomerJourneys.EMPTY;

    Run(String customerId, JourneySet journeys, Experiments experiments, SimulatedCounts counts) {
      this.context = CustomerContext.of(customerId);
      this.journeys = journeys;
      this.experiments = experiments;
      this.counts = counts;
    }

    void timersUntil(Instant end) {
      for (int fired = 0; fired < TIMERS_PER_CUSTOMER; fired++) {
        PendingTimer next = state.nextTimer().orElse(null);
        if (next == null || next.due().isAfter(end)) {
          return;
        }
        decide(new Input.TimerDue(next.id()), next.due());
      }
    }

    void decide(Input input, Instant now) {
      Decision decision = JourneyDecider.decide(state, context, input, journeys, experiments, now);
      for (JourneyEvent event : decision.events()) {
        counts.count(event, state);
        state = state.apply(event);
        events.add(event);
        if (event instanceof JourneyEvent.TraitsChanged changed) {
          context = context.withTraits(changed.traits());
        }
      }
    }
  }
}
