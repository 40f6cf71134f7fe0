package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.itinera.engine.customer.CustomerEvent.ProfileAbsorbed;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.protocol.touchpoint.TouchpointBuilder;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Group calls give the customer's group memberships, each with the group's own traits. */
class CustomerGroupsTest {

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

  private static CustomerState joined(
      CustomerState state, String groupId, Map<String, Object> traits) {
    TouchpointRecorded group =
        new TouchpointRecorded(
            TouchpointBuilder.touchpoint(TouchpointType.GROUP)
                .userId(state.customerId())
                .groupId(groupId)
                .traits(traits)
                .at(NOW)
                .build(),
            null);
    return state.apply(group, SETTINGS);
  }

  @Test
  void aGroupCallMergesTheGroupsTraitsAndANullRemovesOne() {
    CustomerState ana =
        joined(CustomerState.empty("ana"), "acme", Map.of("seats", 5, "plan", "pro"));
    Map<String, Object> changes = new HashMap<>();
    changes.put("seats", 9);
    changes.put("plan", null);
    ana = joined(ana, "acme", changes);
    ana = joined(ana, "beta", Map.of());

    assertEquals(Map.of("acme", Map.of("seats", 9), "beta", Map.of()), ana.groups());
    assertEquals(Map.of(), ana.traits(), "group traits are not the customer's");
    assertEquals(3, ana.touchpointCount());
  }

  @Test
  void anAbsorbedProfileBringsTheGroupsThisOneIsNotIn() {
    CustomerState ana = joined(CustomerState.empty("ana"), "acme", Map.of("seats", 9));
    CustomerState visitor = joined(CustomerState.empty("anon-1"), "acme", Map.of("seats", 3));
    visitor = joined(visitor, "beta", Map.of("plan", "free"));

    CustomerState merged =
        ana.apply(
            new ProfileAbsorbed(
                "anon-1",
                visitor.traits(),
                visitor.groups(),
                visitor.counters(),
                CustomerJourneys.EMPTY,
                null,
                NOW),
            SETTINGS);
    assertEquals(
        Map.of("acme", Map.of("seats", 9), "beta", Map.of("plan", "free")), merged.groups());

    CustomerState fromOldEvent =
        ana.apply(
            new ProfileAbsorbed(
                "anon-1", Map.of(), null, Map.of(), CustomerJourneys.EMPTY, null, NOW),
            SETTINGS);
    assertEquals(ana.groups(), fromOldEvent.groups(), "journalled before groups were kept");
  }

  @Test
  void aSnapshotTakenBeforeGroupsWereKeptReadsWithNone() throws Exception {
    CustomerState ana = joined(CustomerState.empty("ana"), "acme", Map.of("seats", 5));
    Serialization serialization = SerializationExtension.get(testKit.system());
    int serializer = serialization.findSerializerFor(ana).identifier();
    ObjectMapper cbor =
        JacksonObjectMapperProvider.get(testKit.system())
            .getOrCreate("jackson-cbor", Optional.empty());

    ObjectNode written = cbor.valueToTree(ana);
    written.remove("groups");
    CustomerState old =
        (CustomerState)
            serialization
                .deserialize(
                    cbor.writeValueAsBytes(written), serializer, CustomerState.class.getName())
                .get();

    assertEquals(Map.of(), old.groups());
    assertEquals(ana.traits(), old.traits());
    assertEquals(
        Map.of("acme", Map.of("seats", 9)), joined(old, "acme", Map.of("seats", 9)).groups());
  }
}
