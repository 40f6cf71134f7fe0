package io.itinera.journeys.decision;

import io.itinera.journeys.decision.JourneyEvent.ActionDeferred;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.StageEntered;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One customer's life in a test: touchpoints at chosen times, and between them the timers that fall
 * due, fired in time order as the engine would. Keeps the whole journal so tests can replay it.
 */
final class Timeline {

  static final JourneyLoader LOADER = new JourneyLoader();
  static final Instant MONDAY = Instant.parse("2026-11-23T14:00:00Z");

  private final List<LoadedJourney> journeys;
  private final List<JourneyEvent> journal = new ArrayList<>();
  private CustomerContext customer;
  private CustomerJourneys state = CustomerJourneys.EMPTY;
  private Instant now = MONDAY;
  private int messages;

  Timeline(String customerId, List<LoadedJourney> journeys) {
    this.customer = CustomerContext.of(customerId);
    this.journeys = journeys;
  }

  Timeline(String customerId, LoadedJourney... journeys) {
    this(customerId, List.of(journeys));
  }

  static LoadedJourney load(String yaml) {
    LoadResult result = LOADER.load("test.journey.yaml", yaml);
    if (!result.ok()) {
      throw new IllegalArgumentException(result.problems().toString());
    }
    return result.loaded();
  }

  static LoadedJourney sample(String name) {
    return LOADER.load(Path.of("../journeys/" + name + ".journey.yaml")).loaded();
  }

  /** Moves the clock forward, firing every timer due on the way. */
  Timeline after(Duration duration) {
    return at(now.plus(duration));
  }

  Timeline at(Instant time) {
    while (state.nextTimer().isPresent() && !state.nextTimer().get().due().isAfter(time)) {
      PendingTimer timer = state.nextTimer().get();
      now = timer.due();
      timerDue(timer.id());
    }
    now = time;
    return this;
  }

  Decision track(String event, String channel, Map<String, Object> properties) {
    return touchpoint(TouchpointType.TRACK, event, channel, properties, Map.of());
  }

  Decision track(String event, String channel) {
    return track(event, channel, Map.of());
  }

  /** A group call: the customer joins {@code groupId}, with its traits. */
  Decision group(String groupId, Map<String, Object> traits) {
    String id = customer.customerId() + "-m" + ++messages;
    Touchpoint touchpoint =
        TouchpointBuilder.touchpoint(TouchpointType.GROUP)
            .messageId(id)
            .userId(customer.customerId())
            .groupId(groupId)
            .channel("server")
            .traits(traits)
            .at(now)
            .build();
    customer = customer.recording(touchpoint);
    return decide(new Input.TouchpointArrived(touchpoint));
  }

  Decision identify(Map<String, Object> traits) {
    return touchpoint(TouchpointType.IDENTIFY, null, "server", Map.of(), traits);
  }

  /** Asks about a timer the way the engine does when it wakes the customer, due or not. */
  Decision timerDue(String timerId) {
    return decide(new Input.TimerDue(timerId));
  }

  Decision touchpoint(
      TouchpointType type,
      String event,
      String channel,
      Map<String, Object> properties,
      Map<String, Object> traits) {
    String id = customer.customerId() + "-m" + ++messages;
    Touchpoint touchpoint =
        TouchpointBuilder.touchpoint(type)
            .event(event)
            .messageId(id)
            .userId(customer.customerId())
            .channel(channel)
            .properties(properties)
            .traits(traits)
            .at(now)
            .build();
    customer = customer.recording(touchpoint);
    return decide(new Input.TouchpointArrived(touchpoint));
  }

  private Decision decide(Input input) {
    Decision decision = JourneyDecider.decide(state, customer, input, journeys, now);
    state = decision.applyTo(state);
    // As the engine does: a journey's trait changes are the customer's from then on.
    for (JourneyEvent event : decision.events()) {
      if (event instanceof JourneyEvent.TraitsChanged changed) {
        customer = customer.withTraits(changed.traits());
      }
    }
    journal.addAll(decision.events());
    return decision;
  }

  Instant now() {
    return now;
  }

  CustomerJourneys state() {
    return state;
  }

  CustomerContext customer() {
    return customer;
  }

  List<JourneyEvent> journal() {
    return List.copyOf(journal);
  }

  String stage(String journey) {
    JourneyProgress progress = state.journeys().get(journey);
    return progress == null ? null : progress.stage();
  }

  /** The templates that went out, in order, as "channel template". */
  List<String> sent() {
    return journal.stream()
        .filter(ActionEmitted.class::isInstance)
        .map(e -> ((ActionEmitted) e).action())
        .map(a -> a.channel() + " " + a.template())
        .toList();
  }

  /** What was suppressed, in order, as "template REASON". */
  List<String> suppressed() {
    return journal.stream()
        .filter(ActionSuppressed.class::isInstance)
        .map(e -> (ActionSuppressed) e)
        .map(e -> e.action().template() + " " + e.reason())
        .toList();
  }

  List<ActionEmitted> emitted() {
    return journal.stream()
        .filter(ActionEmitted.class::isInstance)
        .map(ActionEmitted.class::cast)
        .toList();
  }

  List<ActionDeferred> deferred() {
    return journal.stream()
        .filter(ActionDeferred.class::isInstance)
        .map(ActionDeferred.class::cast)
        .toList();
  }

  List<String> stages(String journey) {
    return journal.stream()
        .filter(StageEntered.class::isInstance)
        .map(e -> (StageEntered) e)
        .filter(e -> e.journey().equals(journey))
        .map(StageEntered::to)
        .toList();
  }

  <T extends JourneyEvent> List<T> events(Class<T> kind) {
    return journal.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
