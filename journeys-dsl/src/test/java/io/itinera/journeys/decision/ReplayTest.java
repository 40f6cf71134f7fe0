package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The journal is the truth: replaying it, also after a trip through CBOR, gives the same state. */
class ReplayTest {

  static final ObjectMapper CBOR = CBORMapper.builder().addModule(new JavaTimeModule()).build();

  /** Journals that between them hold every kind of event. */
  static List<Timeline> lives() {
    Timeline runner = RunningShoesTest.inDecision();
    runner.after(Duration.ofMinutes(20)).track("Order Completed", "app");
    runner.at(Instant.parse("2026-11-24T03:30:00Z")).track("Order Shipped", "server");
    runner.after(Duration.ofDays(9)).track("Unsubscribed", "email");

    Timeline popup = RunningShoesTest.runner();
    for (int view = 0; view < 6; view++) {
      popup.after(Duration.ofMinutes(1)).track("Product Viewed", "web", RunningShoesTest.RUNNING);
    }
    popup.after(Duration.ofMinutes(1)).track("Product Added", "web");
    popup.after(Duration.ofMinutes(5)).track("Order Completed", "app");
    Timeline held = new Timeline(HoldoutTest.heldOutOf("running-shoes"), RunningShoesTest.SHOES);
    held.track("Product Viewed", "web", RunningShoesTest.RUNNING);
    held.track("Product Viewed", "web", RunningShoesTest.RUNNING);
    held.track("Product Added", "web");
    held.after(Duration.ofHours(1));
    Timeline costly = new Timeline("ann", CostlyConditionTest.PAIRS);
    costly.track("Cart Viewed", "web", Map.of("items", CostlyConditionTest.ITEMS));
    Timeline tested = new Timeline("ada", SplitTest.CART_TEST);
    tested.identify(Map.of("tier", "gold", "consent", Map.of("email", true)));
    tested.track("Product Added", "web");
    tested.after(Duration.ofHours(2)).track("Order Completed", "web");
    Timeline branching = new Timeline("bo", BranchTest.ONBOARDING);
    branching.identify(Map.of("plan", "vip", "consent", Map.of("email", true)));
    branching.track("Signed Up", "web");
    branching.after(Duration.ofDays(2));
    Timeline trial = new Timeline("tia", TraitSetTest.TRIAL, TraitSetTest.ACTIVATED);
    trial.identify(Map.of("coupon", "SPRING"));
    trial.track("Trial Started", "web");
    trial.after(Duration.ofMinutes(5)).track("Signed In", "app");
    return List.of(runner, popup, held, costly, tested, branching, trial);
  }

  @Test
  void theLivesCoverEveryKindOfEvent() {
    Set<Class<?>> seen =
        lives().stream()
            .flatMap(l -> l.journal().stream())
            .map(Object::getClass)
            .collect(Collectors.toSet());
    assertEquals(Set.of(JourneyEvent.class.getPermittedSubclasses()), seen);
  }

  @Test
  void replayingEventsGivesTheSameState() {
    for (Timeline life : lives()) {
      assertEquals(life.state(), CustomerJourneys.EMPTY.applyAll(life.journal()));
    }
  }

  @Test
  void eventsAndStateSurviveCborAsPekkoPersistsThem() throws IOException {
    for (Timeline life : lives()) {
      List<JourneyEvent> read = new ArrayList<>();
      for (JourneyEvent event : life.journal()) {
        // Pekko records the concrete class as the manifest and reads the bytes back as that class.
        read.add(CBOR.readValue(CBOR.writeValueAsBytes(event), event.getClass()));
      }
      assertEquals(life.journal(), read);
      CustomerJourneys snapshot =
          CBOR.readValue(CBOR.writeValueAsBytes(life.state()), CustomerJourneys.class);
      assertEquals(life.state(), snapshot);
      assertEquals(life.state(), CustomerJourneys.EMPTY.applyAll(read));
    }
  }

  /** How the engine persists one decision: its events together in a list. */
  record Decided(List<JourneyEvent> events) {}

  @Test
  void aDecisionsEventsSurviveCborTogetherInOneList() throws IOException {
    for (Timeline life : lives()) {
      Decided written = new Decided(life.journal());
      Decided read = CBOR.readValue(CBOR.writeValueAsBytes(written), Decided.class);
      assertEquals(written, read);
    }
  }

  @Test
  void everyKindOfEventHasAStoredName() {
    Set<Class<?>> named =
        Arrays.stream(JourneyEvent.class.getAnnotation(JsonSubTypes.class).value())
            .map(JsonSubTypes.Type::value)
            .collect(Collectors.toSet());
    assertEquals(Set.of(JourneyEvent.class.getPermittedSubclasses()), named);
  }

  @Test
  void aReplayedStateDecidesLikeTheOriginal() {
    Timeline runner = RunningShoesTest.inDecision();
    CustomerJourneys replayed = CustomerJourneys.EMPTY.applyAll(runner.journal());
    String reminder = runner.state().timers().get(0).id();
    Instant due = runner.state().timers().get(0).due();
    Decision original =
        JourneyDecider.decide(
            runner.state(),
            runner.customer(),
            new Input.TimerDue(reminder),
            List.of(RunningShoesTest.SHOES),
            due);
    Decision again =
        JourneyDecider.decide(
            replayed,
            runner.customer(),
            new Input.TimerDue(reminder),
            List.of(RunningShoesTest.SHOES),
            due);
    assertEquals(original, again);
    assertEquals(
        List.of("cart-reminder"), again.actions().stream().map(PlannedAction::template).toList());
  }

  @Test
  void stateMapsIterateInTheSameOrderWhateverOrderTheyWereBuiltIn() {
    CustomerJourneys state =
        CustomerJourneys.EMPTY
            .apply(new JourneyEvent.ConsentChanged("sms", true, "m1", Instant.EPOCH))
            .apply(new JourneyEvent.ConsentChanged("email", true, "m2", Instant.EPOCH))
            .apply(new JourneyEvent.ConsentChanged("app", false, "m3", Instant.EPOCH));
    assertEquals(List.of("app", "email", "sms"), new ArrayList<>(state.consent().keySet()));
    assertEquals(Map.of("app", false, "email", true, "sms", true), state.consent());
  }
}
