package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Whether a profile is a known customer decides whether an ingest key may merge it. A snapshot
 * taken before the flag was kept cannot say: such a profile must not become mergeable by upgrading.
 */
class IdentifiedFlagTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseResources("serialization.conf")
              .withFallback(ConfigFactory.load())
              .resolve());
  private static final CustomerSettings SETTINGS = new CustomerSettings(4, 100, 2, 4);
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static CustomerState track(CustomerState state, String userId, String anonymousId) {
    return state.apply(
        new TouchpointRecorded(
            TouchpointBuilder.track("Viewed")
                .userId(userId)
                .anonymousId(anonymousId)
                .customerId(state.customerId())
                .at(NOW)
                .build(),
            null),
        SETTINGS);
  }

  @Test
  void aProfileIsAnonymousUntilAUserIdIsRecorded() {
    CustomerState visitor = track(CustomerState.empty("anon-1"), null, "anon-1");
    assertFalse(visitor.mayBeKnownCustomer(), "an anonymous visitor may be merged");
    CustomerState ana = track(visitor, "anon-1", null);
    assertTrue(ana.surelyIdentified());
    assertTrue(track(ana, null, "anon-1").surelyIdentified(), "identified for good");
  }

  @Test
  void aSnapshotFromBeforeTheFlagIsNotMergeableByAnIngestKeyUntilItKnows() throws Exception {
    CustomerState ana = track(CustomerState.empty("ana"), "ana", null);
    Serialization serialization = SerializationExtension.get(testKit.system());
    ObjectMapper cbor =
        JacksonObjectMapperProvider.get(testKit.system())
            .getOrCreate("jackson-cbor", Optional.empty());
    ObjectNode written = cbor.valueToTree(ana);
    written.remove("identified");
    CustomerState old =
        (CustomerState)
            serialization
                .deserialize(
                    cbor.writeValueAsBytes(written),
                    serialization.findSerializerFor(ana).identifier(),
                    CustomerState.class.getName())
                .get();

    assertTrue(old.mayBeKnownCustomer(), "unknown counts as possibly known: never merged");
    assertFalse(old.surelyIdentified(), "but a message naming it is not refused outright");
    assertTrue(
        track(old, null, "ana").mayBeKnownCustomer(), "an anonymous touchpoint tells nothing");
    assertTrue(track(old, "ana", null).surelyIdentified());
  }
}
