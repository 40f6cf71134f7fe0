package io.itinera.engine.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long one channel's due deliveries wait for a sender slot, and whether its receiver is
 * failing: what its {@link ChannelSender} knows, for {@link DeliveryBacklog}. Rows the sender has
 * read wait here from when they fell due until their attempt starts. While every slot is busy and
 * nothing read waits, the sender's stream is backpressured and does not poll, so {@link #probe}
 * looks up the oldest due row it has not read.
 */
final class ChannelWait {

  private static final Logger log = LoggerFactory.getLogger(ChannelWait.class);

  private final String channel;
  private final int slots;
  private final WebhookAttempts attempts;
  private final Set<String> inFlight;
  private final Executor blocking;

  /**
   * When this sender started: rows that fell due before it waited for no slot of its, but for a
   * sender at all (its channel's sender moving to another node, a restart), so their wait counts
   * from here. Otherwise every move of a sender with due rows made ingest shed on every node.
   */
  private final Instant since;

  /** Rows read and not yet attempted, by action id: when each fell due. */
  private final Map<String, Instant> read = new ConcurrentHashMap<>();

  /** Requests to the receiver not yet answered. */
  private final AtomicInteger sending = new AtomicInteger();

  /** When the oldest due row not read fell due, as {@link #probe} last found it; null: none. */
  private volatile Instant oldestUnread;

  private final AtomicBoolean probing = new AtomicBoolean();

  /** Whether the last request made failed (no answer, not 2xx). */
  private volatile boolean failing;

  ChannelWait(
      String channel,
      int slots,
      WebhookAttempts attempts,
      Set<String> inFlight,
      Executor blocking,
      Instant since) {
    this.channel = channel;
    this.since = since;
    this.slots = slots;
    this.attempts = attempts;
    this.inFlight = inFlight;
    this.blocking = blocking;
  }

  void read(Delivery delivery) {
    read.put(
        delivery.actionId(),
        delivery.nextAttemptAt() == null ? delivery.queuedAt() : delivery.nextAttemptAt());
  }

  /** The delivery got its slot (sent, or put back without a request). */
  void started(String actionId) {
    read.remove(actionId);
  }

  void sending() {
    sending.incrementAndGet();
  }

  void answered(boolean ok) {
    sending.decrementAndGet();
    failing = !ok;
  }

  boolean failing() {
    return failing;
  }

  /**
   * How long the oldest due delivery waiting for a slot has been due, if one waits: of those read,
   * or, while all slots are busy, of those not read; counted from this sender's start at most.
   */
  Optional<Duration> oldest(Instant now) {
    return Stream.concat(read.values().stream(), Stream.ofNullable(oldestUnread))
        .min(Comparator.naturalOrder())
        .map(due -> Duration.between(due.isBefore(since) ? since : due, now))
        .filter(age -> !age.isNegative());
  }

  /**
   * Looks for due rows not read when the stream cannot read them: every slot busy and nothing read
   * waiting. One indexed query of two columns, one at a time; otherwise what was read is all.
   */
  void probe(Instant now) {
    if (sending.get() < slots || !read.isEmpty()) {
      oldestUnread = null;
      return;
    }
    if (!probing.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture.runAsync(
        () -> {
          try {
            oldestUnread = attempts.oldestDue(channel, now, Set.copyOf(inFlight)).orElse(null);
          } catch (Exception e) {
            log.debug("Backlog of channel {} not read: {}", channel, e.getMessage());
          } finally {
            probing.set(false);
          }
        },
        blocking);
  }
}
