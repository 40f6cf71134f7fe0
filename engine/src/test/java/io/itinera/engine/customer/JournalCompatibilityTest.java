package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Journals outlive the code that wrote them. These payloads were written by the engine before a
 * touchpoint's decision moved into its {@link TouchpointRecorded} (two rows per touchpoint then):
 * they must still read, and replay to the journeys the one-row form gives.
 */
class JournalCompatibilityTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseResources("serialization.conf")
              .withFallback(ConfigFactory.load())
              .resolve());
  private static final CustomerSettings SETTINGS = new CustomerSettings(4, 100, 2, 4);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aTouchpointAndItsDecisionWrittenAsTwoEventsReadAndReplayAsOne() throws IOException {
    TouchpointRecorded oldTouchpoint =
        (TouchpointRecorded) read("touchpoint-recorded-v1", TouchpointRecorded.class);
    JourneysDecided oldDecision =
        (JourneysDecided) read("journeys-decided-v1", JourneysDecided.class);
    assertEquals("mwtiakev-16", oldTouchpoint.touchpoint().messageId());
    assertNull(oldTouchpoint.decided(), "written before the field existed");
    assertEquals("mwtiakev-16", oldDecision.cause());

    CustomerState empty = CustomerState.empty("c-16");
    CustomerState twoRows = empty.apply(oldTouchpoint, SETTINGS).apply(oldDecision, SETTINGS);
    CustomerState oneRow =
        empty.apply(new TouchpointRecorded(oldTouchpoint.touchpoint(), oldDecision), SETTINGS);
    assertEquals(twoRows.journeys(), oneRow.journeys());
    assertEquals(twoRows.traits(), oneRow.traits());
    assertEquals(twoRows.counters(), oneRow.counters());
    assertEquals(2, oldDecision.events().stream().filter(JourneyEntered.class::isInstance).count());
    assertEquals(2, oneRow.journeys().journeys().size(), "both journeys it entered are running");

    // And the one-row form survives its own round trip.
    TouchpointRecorded both = new TouchpointRecorded(oldTouchpoint.touchpoint(), oldDecision);
    Serialization serialization = SerializationExtension.get(testKit.system());
    Serializer serializer = serialization.findSerializerFor(both);
    assertEquals(both, serialization.deserialize(serializer.toBinary(both), both.getClass()).get());
  }

  private static Object read(String name, Class<?> type) throws IOException {
    String hex;
    try (InputStream in =
        JournalCompatibilityTest.class.getResourceAsStream("/journal/" + name + ".cbor.hex")) {
      hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
    }
    Serialization serialization = SerializationExtension.get(testKit.system());
    // The manifest the journal row holds: the class name, as the jackson-cbor binding writes it.
    return serialization
        .deserialize(
            HexFormat.of().parseHex(hex),
            serialization.serializerFor(type).identifier(),
            type.getName())
        .get();
  }
}
