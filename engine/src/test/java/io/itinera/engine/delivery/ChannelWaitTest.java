package io.itinera.engine.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a sender reports as its channel's wait for a slot ({@link DeliveryBacklog} sheds ingest on
 * it): a row that fell due before the sender started, while the channel's sender was moving between
 * nodes, waited for a sender, not for a slot of this one.
 */
class ChannelWaitTest {

  private static final Instant STARTED = Instant.parse("2026-12-07T10:00:00Z");

  private final ChannelWait wait =
      new ChannelWait("crm", 16, null, Set.of(), Runnable::run, STARTED);

  private static Delivery due(String actionId, Instant at) {
    return new Delivery(
        1,
        actionId,
        "crm",
        1,
        "c1",
        "j",
        "e",
        at,
        at,
        Delivery.Status.PENDING,
        0,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void rowsDueBeforeTheSenderStartedWaitFromItsStart() {
    wait.read(due("a1", STARTED.minusSeconds(5)));
    assertEquals(Optional.of(Duration.ofMillis(300)), wait.oldest(STARTED.plusMillis(300)));
  }

  @Test
  void rowsDueLaterWaitFromWhenTheyFellDue() {
    wait.read(due("a1", STARTED.plusSeconds(10)));
    wait.read(due("a2", STARTED.plusSeconds(12)));
    assertEquals(Optional.of(Duration.ofSeconds(3)), wait.oldest(STARTED.plusSeconds(13)));
    wait.started("a1");
    assertEquals(Optional.of(Duration.ofSeconds(1)), wait.oldest(STARTED.plusSeconds(13)));
    wait.started("a2");
    assertEquals(Optional.empty(), wait.oldest(STARTED.plusSeconds(13)));
  }
}
