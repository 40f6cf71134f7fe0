package io.itinera.engine.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.customer.Shed;
import io.itinera.engine.delivery.DeliveryBacklog.ChannelBacklog;
import io.itinera.engine.delivery.DeliveryBacklog.Report;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;

/** What ingest concludes from the senders' reports, on a clock of the test's own. */
class DeliveryBacklogTest {

  private final AtomicLong nanos = new AtomicLong();
  private final DeliveryBacklog backlog =
      new DeliveryBacklog(
          new DeliveryBacklog.Settings(Duration.ofSeconds(1), Duration.ofMillis(250)),
          Clock.systemUTC(),
          nanos::get,
          null);

  @Test
  void theChannelFurthestBehindPastTheBoundIsNamed() {
    backlog.heard(
        new Report(
            "a",
            List.of(
                new ChannelBacklog("email", 1_200, false),
                new ChannelBacklog("sms", 3_000, false),
                new ChannelBacklog("crm", 400, false))));
    assertEquals(
        Optional.of(new Shed.DeliveryBehind("sms", Duration.ofMillis(3_000))), backlog.behind());
  }

  @Test
  void aBacklogWithinTheBoundShedsNothing() {
    backlog.heard(new Report("a", List.of(new ChannelBacklog("email", 1_000, false))));
    assertEquals(Optional.empty(), backlog.behind());
  }

  @Test
  void aFailingChannelsBacklogShedsNothing() {
    backlog.heard(new Report("a", List.of(new ChannelBacklog("email", 60_000, true))));
    assertEquals(Optional.empty(), backlog.behind());
  }

  @Test
  void aChannelNoLongerReportedStopsCountingAfterFourIntervals() {
    backlog.heard(new Report("a", List.of(new ChannelBacklog("email", 5_000, false))));
    nanos.addAndGet(Duration.ofMillis(900).toNanos());
    assertEquals("email", backlog.behind().orElseThrow().channel());
    nanos.addAndGet(Duration.ofMillis(200).toNanos());
    assertEquals(Optional.empty(), backlog.behind(), "its sender moved or stopped");
  }

  @Test
  void eachNodesReportCountsOnItsOwn() {
    backlog.heard(
        new Report("a", List.of(new ChannelBacklog(DeliveryBacklog.OUTBOX, 4_000, false))));
    backlog.heard(new Report("b", List.of(new ChannelBacklog(DeliveryBacklog.OUTBOX, 0, false))));
    assertEquals(DeliveryBacklog.OUTBOX, backlog.behind().orElseThrow().channel());
  }

  @Test
  void aLaterReportReplacesTheChannelsState() {
    backlog.heard(new Report("a", List.of(new ChannelBacklog("email", 5_000, false))));
    backlog.heard(new Report("a", List.of(new ChannelBacklog("email", 0, false))));
    assertEquals(Optional.empty(), backlog.behind());
  }

  @Test
  void zeroTurnsTheCheckOff() {
    DeliveryBacklog off =
        new DeliveryBacklog(
            new DeliveryBacklog.Settings(Duration.ZERO, Duration.ofMillis(250)),
            Clock.systemUTC(),
            nanos::get,
            null);
    off.heard(new Report("a", List.of(new ChannelBacklog("email", 60_000, false))));
    assertEquals(Optional.empty(), off.behind());
  }

  @Test
  void reportsCrossTheClusterAsCbor() {
    ActorTestKit kit = ActorTestKit.create(ConfigFactory.load());
    try {
      Serialization serialization = SerializationExtension.get(kit.system());
      Report report = new Report("a", List.of(new ChannelBacklog("email", 1_500, true)));
      byte[] bytes = serialization.serialize(report).get();
      var serializer = serialization.findSerializerFor(report);
      assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName());
      assertEquals(
          report,
          serialization
              .deserialize(
                  bytes, serializer.identifier(), Serializers.manifestFor(serializer, report))
              .get());
    } finally {
      kit.shutdownTestKit();
    }
  }
}
