package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.customer.CustomerCommand.RecordTouchpoints;
import io.itinera.engine.customer.CustomerCommand.Recorded;
import io.itinera.engine.journey.DeployedJourneys;
import io.itinera.engine.support.TestClock;
import io.itinera.engine.support.TestJourneys;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A write the gateway sends again because its answer was slow gets the answer the write got; the
 * same message ids from another write are duplicates.
 */
class ResentWriteTest {

  private static final CustomerSettings SETTINGS = new CustomerSettings(4, 100, 2, 4);
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

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
    DeployedJourneys deployed = new DeployedJourneys();
    LoadResult loaded = new JourneyLoader().load("welcome.journey.yaml", TestJourneys.WELCOME);
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    deployed.replace(List.of(loaded.loaded()));
    customer =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), CustomerEntity.create("c-1", SETTINGS, deployed, new TestClock(NOW)));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Touchpoint signedUp(String messageId) {
    return TouchpointBuilder.track("Signed Up").messageId(messageId).userId("c-1").at(NOW).build();
  }

  private Recorded send(long requestId, Touchpoint... touchpoints) {
    return customer
        .<StatusReply<Recorded>>runCommand(
            replyTo -> new RecordTouchpoints(requestId, List.of(touchpoints), replyTo))
        .reply()
        .getValue();
  }

  @Test
  void aResendOfARecordedWriteGetsItsAnswerWithItsActions() {
    Recorded first = send(41, signedUp("m1"), signedUp("m2"));
    assertEquals(2, first.recorded());
    assertEquals(1, first.actions().size(), "the welcome, on entering the journey");

    Recorded resent = send(41, signedUp("m1"), signedUp("m2"));
    assertEquals(first, resent);
    assertEquals(2, customer.getState().touchpointCount(), "recorded once");
  }

  @Test
  void theSameMessageIdsFromAnotherWriteAreDuplicates() {
    send(41, signedUp("m1"));
    Recorded retried = send(42, signedUp("m1"), signedUp("m3"));
    assertEquals(new Recorded(1, 1, List.of()), retried);
    assertEquals(new Recorded(0, 1, List.of()), send(0, signedUp("m1")));
  }

  @Test
  void writesFromOtherClientsBetweenAWriteAndItsResendDoNotHideItsAnswer() {
    Recorded first = send(41, signedUp("m1"));
    for (int other = 0; other < 3; other++) {
      send(100 + other, signedUp("o" + other));
    }
    assertEquals(first, send(41, signedUp("m1")));
  }
}
