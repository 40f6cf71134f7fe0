package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.customer.CustomerCommand.GetCustomer;
import io.itinera.engine.customer.CustomerCommand.RecordTouchpoints;
import io.itinera.engine.customer.CustomerCommand.Recorded;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  private static final CustomerSettings SETTINGS = new CustomerSettings(3, 4, 100, 2);
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseResources("serialization.conf")
              .withFallback(EventSourcedBehaviorTestKit.config()));

  private EventSourcedBehaviorTestKit<CustomerCommand, CustomerEvent, CustomerState> customer;

  @BeforeEach
  void freshCustomer() {
    customer =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), CustomerEntity.create("c-1", SETTINGS));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Touchpoint track(String messageId, String event, Instant at) {
    return new Touchpoint(
        TouchpointType.TRACK, messageId, "c-1", "c-1", null, null, null, event, null, "web",
        Map.of("sku", "shoe-" + messageId), null, null, at, null, at);
  }

  private static Touchpoint identify(String messageId, Map<String, Object> traits) {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    return new Touchpoint(
        TouchpointType.IDENTIFY, messageId, "c-1", "c-1", null, null, null, null, null, "server",
        null, traits, null, at, null, at);
  }

  private CommandResultWithReply<CustomerCommand, CustomerEvent, CustomerState, StatusReply<Recorded>>
      record(Touchpoint... touchpoints) {
    return customer.runCommand(replyTo -> new RecordTouchpoints(List.of(touchpoints), replyTo));
  }

  @Test
  void touchpointIsPersistedBeforeTheReply() {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    var result = record(track("m1", "Product Viewed", at));
    assertEquals(new TouchpointRecorded(track("m1", "Product Viewed", at)), result.event());
    assertEquals(new Recorded(1, 0), result.reply().getValue());
    assertEquals(1, result.state().touchpointCount());
    assertEquals(at, result.state().lastSeen());
  }

  @Test
  void repeatedMessageIdIsAcknowledgedButNotAppliedTwice() {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    record(track("m1", "Product Viewed", at));
    var repeat = record(track("m1", "Product Viewed", at));
    assertTrue(repeat.hasNoEvents());
    assertEquals(new Recorded(0, 1), repeat.reply().getValue());
    assertEquals(1, repeat.state().touchpointCount());
  }

  @Test
  void batchForOneCustomerIsPersistedInOrderWithRepeatsInsideItDropped() {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    var result =
        record(track("a", "first", at), track("b", "second", at), track("a", "first", at));
    assertEquals(
        List.of("first", "second"),
        result.events().stream()
            .map(e -> ((TouchpointRecorded) e).touchpoint().event())
            .toList());
    assertEquals(new Recorded(2, 1), result.reply().getValue());
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
    assertEquals(List.of("e3", "e4", "e5"), state.recentTouchpoints().stream().map(Touchpoint::event).toList());
    assertEquals(List.of("m2", "m3", "m4", "m5"), state.recentMessageIds());
    // a message id that fell out of the window is no longer recognised as a repeat
    assertEquals(new Recorded(1, 0), record(track("m0", "again", at)).reply().getValue());
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
    assertEquals(new Recorded(0, 1), record(track("m1", "Product Viewed", at)).reply().getValue());
  }

  @Test
  void readReturnsTheCurrentState() {
    record(identify("i1", Map.of("name", "Ana")));
    var result = customer.<CustomerState>runCommand(GetCustomer::new);
    assertTrue(result.hasNoEvents());
    assertEquals(Map.of("name", "Ana"), result.reply().traits());
  }
}
