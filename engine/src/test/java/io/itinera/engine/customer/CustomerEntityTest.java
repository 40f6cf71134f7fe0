package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.customer.CustomerCommand.EnterJourney;
import io.itinera.engine.customer.CustomerCommand.EntryOutcome;
import io.itinera.engine.customer.CustomerCommand.GetCustomer;
import io.itinera.engine.customer.CustomerCommand.RecordTouchpoints;
import io.itinera.engine.customer.CustomerCommand.Recorded;
import io.itinera.engine.customer.CustomerCommand.WakeUp;
import io.itinera.engine.customer.CustomerCommand.Woken;
import io.itinera.engine.customer.CustomerEvent.EntryRequested;
import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.engine.journey.DeployedJourneys;
import io.itinera.engine.support.TestClock;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.decision.JourneyEvent.TimerFired;
import io.itinera.journeys.decision.PlannedAction;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The customer entity on Pekko's event-sourcing test kit, which also checks that every command,
 * event, reply and state round-trips through our Jackson CBOR serialization.
 */
class CustomerEntityTest {

  private static final CustomerSettings SETTINGS = new CustomerSettings(4, 100, 2, 4);

  /** A cart journey: an e-mail when no order follows a cart within 15 minutes. */
  private static final String CART_JOURNEY =
      """
      journey: cart
      version: 1
      entry:
        event: Product Added
      exit:
        - event: Unsubscribed
      stages:
        decision:
          on:
            - event: Order Completed
              goto: bought
            - absence:
                event: Order Completed
                within: 15m
              do:
                - channel: email
                  type: send
                  template: cart-reminder
        bought:
          enter:
            - channel: web
              type: show
              template: thank-you
      """;

  private final DeployedJourneys deployed = new DeployedJourneys();
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T10:00:00Z"));
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseResources("serialization.conf")
              .withFallback(EventSourcedBehaviorTestKit.config())
              // serialization.conf adds to reference.conf's list of Jackson modules.
              .withFallback(ConfigFactory.defaultReference())
              .resolve());

  private EventSourcedBehaviorTestKit<CustomerCommand, CustomerEvent, CustomerState> customer;

  @BeforeEach
  void freshCustomer() {
    customer =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), CustomerEntity.create("c-1", SETTINGS, deployed, clock));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Touchpoint track(String messageId, String event, Instant at) {
    return TouchpointBuilder.track(event)
        .messageId(messageId)
        .userId("c-1")
        .channel("web")
        .properties(Map.of("sku", "shoe-" + messageId))
        .at(at)
        .build();
  }

  private static Touchpoint identify(String messageId, Map<String, Object> traits) {
    return TouchpointBuilder.identify(traits)
        .messageId(messageId)
        .userId("c-1")
        .at(Instant.parse("2026-11-23T10:00:00Z"))
        .build();
  }

  private CommandResultWithReply<
          CustomerCommand, CustomerEvent, CustomerState, StatusReply<Recorded>>
      record(Touchpoint... touchpoints) {
    return customer.runCommand(replyTo -> new RecordTouchpoints(List.of(touchpoints), replyTo));
  }

  @Test
  void aRepeatedIdentifyAsksAgainForAMergeNotYetDone() {
    Touchpoint identified =
        TouchpointBuilder.identify(Map.of())
            .messageId("m-merge")
            .userId("c-1")
            .anonymousId("anon-9")
            .at(Instant.parse("2026-11-23T10:00:00Z"))
            .build();
    assertEquals(List.of("anon-9"), record(identified).reply().getValue().toMerge());
    Recorded repeat = record(identified).reply().getValue();
    assertEquals(1, repeat.duplicates());
    assertEquals(
        List.of("anon-9"),
        repeat.toMerge(),
        "the merge is asked for until the profile is absorbed");
  }

  @Test
  void anAnonymousOnlyHandOverRefusesAnIdentifiedProfileAndHandsOverAVisitor() {
    record(identify("m-1", Map.of("name", "Ana")));
    var refused =
        customer.<StatusReply<CustomerCommand.HandedOver>>runCommand(
            replyTo -> new CustomerCommand.HandOver("attacker", replyTo, true));
    assertEquals(null, refused.reply().getValue().profile());
    assertTrue(refused.events().isEmpty(), refused.events().toString());

    var visitor =
        EventSourcedBehaviorTestKit.<CustomerCommand, CustomerEvent, CustomerState>create(
            testKit.system(), CustomerEntity.create("anon-1", SETTINGS, deployed, clock));
    visitor.<StatusReply<Recorded>>runCommand(
        replyTo ->
            new RecordTouchpoints(
                List.of(
                    TouchpointBuilder.track("Product Viewed")
                        .messageId("v-1")
                        .userId(null)
                        .anonymousId("anon-1")
                        .channel("web")
                        .at(Instant.parse("2026-11-23T10:00:00Z"))
                        .build()),
                replyTo));
    var handed =
        visitor.<StatusReply<CustomerCommand.HandedOver>>runCommand(
            replyTo -> new CustomerCommand.HandOver("c-1", replyTo, true));
    assertEquals("anon-1", handed.reply().getValue().profile().customerId());
    assertEquals("c-1", handed.state().mergedInto());
    var elsewhere =
        visitor.<StatusReply<CustomerCommand.HandedOver>>runCommand(
            replyTo -> new CustomerCommand.HandOver("someone-else", replyTo, false));
    assertEquals(
        null, elsewhere.reply().getValue().profile(), "merged once, into one customer only");
  }

  @Test
  void touchpointIsPersistedBeforeTheReply() {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    var result = record(track("m1", "Product Viewed", at));
    assertEquals(new TouchpointRecorded(track("m1", "Product Viewed", at)), result.event());
    assertEquals(new Recorded(1, 0, List.of()), result.reply().getValue());
    assertEquals(1, result.state().touchpointCount());
    assertEquals(at, result.state().lastSeen());
  }

  @Test
  void repeatedMessageIdIsAcknowledgedButNotAppliedTwice() {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    record(track("m1", "Product Viewed", at));
    var repeat = record(track("m1", "Product Viewed", at));
    assertTrue(repeat.hasNoEvents());
    assertEquals(new Recorded(0, 1, List.of()), repeat.reply().getValue());
    assertEquals(1, repeat.state().touchpointCount());
  }

  @Test
  void batchForOneCustomerIsPersistedInOrderWithRepeatsInsideItDropped() {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    var result = record(track("a", "first", at), track("b", "second", at), track("a", "first", at));
    assertEquals(
        List.of("first", "second"),
        result.events().stream().map(e -> ((TouchpointRecorded) e).touchpoint().event()).toList());
    assertEquals(new Recorded(2, 1, List.of()), result.reply().getValue());
  }

  @Test
  void identifyMergesTraitsAndNullRemovesOne() {
    record(identify("i1", Map.of("email", "ana@example.com", "plan", "free")));
    Map<String, Object> update = new HashMap<>();
    update.put("plan", "pro");
    update.put("email", null);
    var result = record(identify("i2", update));
    assertEquals(Map.of("plan", "pro"), result.state().traits());
  }

  @Test
  void historyIsBoundedButTheCountIsNot() {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    for (int i = 0; i < 6; i++) {
      record(track("m" + i, "e" + i, at.plusSeconds(i)));
    }
    CustomerState state = customer.getState();
    assertEquals(6, state.touchpointCount());
    assertEquals(4, state.seenMessages().size());
    assertTrue(state.hasSeen("m2") && state.hasSeen("m5") && !state.hasSeen("m1"));
    // a message id that fell out of the window is no longer recognised as a repeat
    assertEquals(
        new Recorded(1, 0, List.of()), record(track("m0", "again", at)).reply().getValue());
  }

  @Test
  void stateIsRecoveredFromTheJournalAfterRestart() {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    record(track("m1", "Product Viewed", at));
    record(identify("i1", Map.of("timezone", "Europe/Berlin")));
    CustomerState before = customer.getState();
    customer.restart();
    assertEquals(before, customer.getState());
    // de-duplication survives the restart too
    assertEquals(
        new Recorded(0, 1, List.of()),
        record(track("m1", "Product Viewed", at)).reply().getValue());
  }

  @Test
  void readReturnsTheCurrentState() {
    record(identify("i1", Map.of("name", "Ana")));
    var result = customer.<CustomerState>runCommand(GetCustomer::new);
    assertTrue(result.hasNoEvents());
    assertEquals(Map.of("name", "Ana"), result.reply().traits());
  }

  private CommandResultWithReply<
          CustomerCommand, CustomerEvent, CustomerState, StatusReply<EntryOutcome>>
      enter(String journey, String cause, Map<String, Object> data) {
    return customer.runCommand(replyTo -> new EnterJourney(journey, cause, data, replyTo));
  }

  @Test
  void anEntryRequestEntersOnceAndItsResendIsAnsweredAsTheFirstSendWas() {
    deployCart();
    var entered = enter("cart", "run:r1", Map.of("coupon", "C15"));
    assertEquals(EntryOutcome.ENTERED, entered.reply().getValue());
    EntryRequested event = assertInstanceOf(EntryRequested.class, entered.event());
    assertInstanceOf(JourneyEntered.class, event.decided().events().get(0));
    assertEquals(
        Map.of("coupon", "C15"),
        customer.getState().journeys().journeys().get("cart").entryData(),
        "the entry's data is kept with the progress, for conditions and templates");

    var resent = enter("cart", "run:r1", Map.of());
    assertTrue(resent.hasNoEvents(), "a resend of the same run enters nobody again");
    assertEquals(EntryOutcome.ENTERED, resent.reply().getValue());
    var another = enter("cart", "run:r2", Map.of());
    assertTrue(another.hasNoEvents());
    assertEquals(EntryOutcome.ALREADY_IN, another.reply().getValue());

    customer.restart();
    var afterRecovery = enter("cart", "run:r1", Map.of());
    assertTrue(afterRecovery.hasNoEvents(), "the run's cause is recovered with the state");
    assertEquals(EntryOutcome.ENTERED, afterRecovery.reply().getValue());
    assertEquals(
        EntryOutcome.NOT_ELIGIBLE, enter("nowhere", "run:r3", Map.of()).reply().getValue());
  }

  private void deployCart() {
    LoadResult loaded = new JourneyLoader().load("cart.journey.yaml", CART_JOURNEY);
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    deployed.replace(List.of(loaded.loaded()));
  }

  private static Touchpoint emailOptIn(String messageId) {
    return identify(messageId, Map.of("consent", Map.of("email", true)));
  }

  private static List<JourneyEvent> decided(List<CustomerEvent> events) {
    return events.stream()
        .flatMap(e -> CustomerEvent.decisionIn(e).stream())
        .flatMap(d -> d.events().stream())
        .toList();
  }

  @Test
  void aTouchpointIsPersistedInOneEventWithWhatTheJourneysDecided() {
    deployCart();
    var result = record(track("m1", "Product Added", clock.instant()));
    assertEquals(1, result.events().size(), "one journal row per touchpoint");
    TouchpointRecorded recorded = (TouchpointRecorded) result.events().get(0);
    assertEquals("m1", recorded.touchpoint().messageId());
    JourneysDecided decided = recorded.decided();
    assertEquals("m1", decided.cause());
    assertTrue(recorded.changesTimers(), "the due-timers projection must see it");
    assertInstanceOf(JourneyEntered.class, decided.events().get(0));
    assertEquals(clock.instant().plus(Duration.ofMinutes(15)), decided.nextTimerDue());
    assertEquals(decided.nextTimerDue(), recorded.nextTimerDue());
    assertEquals("decision", result.state().journeys().journeys().get("cart").stage());

    var nothingToSay = record(track("m2", "Page Viewed", clock.instant()));
    TouchpointRecorded plain = (TouchpointRecorded) nothingToSay.events().get(0);
    assertEquals(null, plain.decided());
    assertFalse(plain.changesTimers());
  }

  @Test
  void aDueAbsenceTimerFiresOnWakeUpAndOnlyOnce() {
    deployCart();
    record(emailOptIn("i1"));
    record(track("m1", "Product Added", clock.instant()));

    var early = customer.<Woken>runCommand(WakeUp::new);
    assertTrue(early.hasNoEvents(), "nothing is due yet");
    assertEquals(new Woken(0, clock.instant().plus(Duration.ofMinutes(15))), early.reply());

    clock.advance(Duration.ofMinutes(15));
    var due = customer.<Woken>runCommand(WakeUp::new);
    assertEquals(new Woken(1, null), due.reply());
    List<JourneyEvent> events = decided(due.events());
    assertTrue(events.stream().anyMatch(TimerFired.class::isInstance));
    ActionEmitted reminder =
        (ActionEmitted)
            events.stream().filter(ActionEmitted.class::isInstance).findFirst().orElseThrow();
    assertEquals("cart-reminder", reminder.action().template());
    assertEquals(
        null, ((JourneysDecided) due.events().get(due.events().size() - 1)).nextTimerDue());

    assertTrue(
        customer.<Woken>runCommand(WakeUp::new).hasNoEvents(), "a fired timer never fires again");
  }

  @Test
  void anOrderOnAnyChannelCancelsThePendingReminderAndItsActionsComeBackInTheReply() {
    deployCart();
    record(emailOptIn("i1"));
    record(track("m1", "Product Added", clock.instant()));
    var order = record(track("m2", "Order Completed", clock.instant().plusSeconds(60)));
    List<JourneyEvent> events = decided(order.events());
    assertTrue(events.stream().anyMatch(TimerCancelled.class::isInstance));
    assertEquals(
        List.of("thank-you"),
        order.reply().getValue().actions().stream().map(PlannedAction::template).toList());

    clock.advance(Duration.ofMinutes(20));
    assertTrue(
        customer.<Woken>runCommand(WakeUp::new).hasNoEvents(), "a cancelled timer never fires");
  }

  @Test
  void eachTouchpointOfOneCommandDecidesOnWhatTheOnesBeforeItDecided() {
    deployCart();
    // A batch's cart and order for one customer arrive in one command: the order can only cancel
    // the reminder if its decision sees the state the cart's decision left.
    var both =
        record(
            track("m1", "Product Added", clock.instant()),
            track("m2", "Order Completed", clock.instant()));
    assertEquals(2, both.events().size());
    JourneysDecided order = ((TouchpointRecorded) both.events().get(1)).decided();
    assertTrue(
        order.events().stream().anyMatch(TimerCancelled.class::isInstance),
        order.events().toString());
    assertEquals(null, order.nextTimerDue());
    CustomerState decided = customer.getState();
    customer.restart();
    assertEquals(decided, customer.getState(), "the journal replays to the same state");
  }

  @Test
  void journeyStateAndTimersSurviveARestart() {
    deployCart();
    record(emailOptIn("i1"));
    record(track("m1", "Product Added", clock.instant()));
    CustomerState before = customer.getState();
    customer.restart();
    assertEquals(before, customer.getState());
    clock.advance(Duration.ofMinutes(16));
    assertEquals(1, customer.<Woken>runCommand(WakeUp::new).reply().fired());
  }

  @Test
  void anErasureJournalsAMarkerAndStartsAfreshNumberingOn() {
    deployCart();
    record(emailOptIn("i1"));
    record(track("m1", "Product Added", clock.instant()));
    assertFalse(customer.getState().journeys().timers().isEmpty(), "a reminder is pending");

    var erased =
        customer.<StatusReply<CustomerCommand.Erased>>runCommand(
            replyTo -> new CustomerCommand.Erase(0, replyTo));
    assertTrue(erased.reply().isSuccess());
    CustomerEvent.CustomerErased marker =
        assertInstanceOf(CustomerEvent.CustomerErased.class, erased.event());
    assertEquals(2, marker.eventsErased());
    assertEquals(CustomerState.empty("c-1").withSequenceNr(3), erased.state());
    assertEquals(
        Set.of(Tags.timers("c-1", 4), Tags.actions("c-1", 4), Tags.analytics("c-1", 4)),
        CustomerEntity.detached("c-1", SETTINGS, deployed, clock).tagsFor(marker),
        "every tagged projection reads the marker (the customer index reads every event)");

    customer.restart();
    assertEquals(3, customer.getState().sequenceNr(), "the marker is replayed, afresh");
    assertEquals(0, customer.getState().touchpointCount());
    var again = record(track("m1", "Product Added", clock.instant()));
    assertEquals(1, again.reply().getValue().recorded(), "its message ids are forgotten too");
  }

  @Test
  void timerAndActionDecisionsAreTaggedForTheirProjections() {
    deployCart();
    CustomerEntity entity = CustomerEntity.detached("c-1", SETTINGS, deployed, clock);
    var recorded = record(track("m1", "Product Added", clock.instant()));
    assertEquals(
        Set.of(Tags.timers("c-1", 4), Tags.analytics("c-1", 4)),
        entity.tagsFor(recorded.events().get(0)),
        "the touchpoint whose decision entered the journey and scheduled the reminder");
    var plain = record(track("m0", "Page Viewed", clock.instant()));
    assertEquals(
        Set.of(),
        entity.tagsFor(plain.events().get(0)),
        "nothing decided: no tag (the customer index reads it from the journal's slice)");
    record(emailOptIn("i1"));
    clock.advance(Duration.ofMinutes(15));
    var fired = customer.<Woken>runCommand(WakeUp::new);
    assertEquals(
        Set.of(Tags.timers("c-1", 4), Tags.actions("c-1", 4), Tags.analytics("c-1", 4)),
        entity.tagsFor(fired.events().get(0)),
        "the reminder fires a timer and emits an action, which analytics counts");
    var click =
        record(
            TouchpointBuilder.track("Email Link Clicked")
                .messageId("k1")
                .userId("c-1")
                .channel("email")
                .properties(Map.of("actionId", "a-1"))
                .at(clock.instant())
                .build());
    assertEquals(
        Set.of(Tags.analytics("c-1", 4)),
        entity.tagsFor(click.events().get(0)),
        "a click naming an action, for engagement");
  }
}
