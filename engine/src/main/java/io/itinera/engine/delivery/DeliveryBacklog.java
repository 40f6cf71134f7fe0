package io.itinera.engine.delivery;

import com.typesafe.config.Config;
import io.itinera.engine.customer.DeliveryPressure;
import io.itinera.engine.customer.Shed;
import io.itinera.engine.metrics.DeliveryMetrics;
import io.itinera.engine.metrics.Metrics;
import io.itinera.protocol.CborSerializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far behind each channel's webhooks are, as every node's ingest sees it: the senders running
 * on a node report, every {@code report-interval}, how long their channel's oldest due delivery has
 * waited for a sender slot ({@link ChannelWait}), and whether their receiver is failing; each node
 * keeps the latest report of every channel, so the check on each write ({@link #behind}) reads
 * memory.
 *
 * <p>What counts is only a backlog the engine could have sent: due deliveries queued behind the
 * channel's {@code max-in-flight} busy slots, on a receiver that answers. Deliveries waiting for
 * their retry time are not due, and a channel whose last attempt failed (dead receiver, 5xx,
 * timeouts) is left out: its backlog is the retry policy's business, and shutting ingest for every
 * channel would not make that receiver answer.
 */
public final class DeliveryBacklog implements DeliveryPressure {

  private static final Logger log = LoggerFactory.getLogger(DeliveryBacklog.class);

  /** One channel's state as its sender saw it. */
  public record ChannelBacklog(String channel, long waitingMillis, boolean failing) {}

  /**
   * What one node's senders and outbox lane report, every interval; {@code node} tells the nodes'
   * reports apart (each node has an outbox lane, and a channel's sender may move).
   */
  public record Report(String node, List<ChannelBacklog> channels) implements CborSerializable {

    public Report {
      channels = channels == null ? List.of() : List.copyOf(channels);
    }
  }

  /**
   * @param maxDeliveryAge past this, ingest sheds; zero turns the check off
   * @param reportInterval how often senders report; a channel not reported for four of them (its
   *     sender moved or stopped) no longer counts
   */
  public record Settings(Duration maxDeliveryAge, Duration reportInterval) {
    public static Settings from(Config config) {
      return new Settings(
          config.getDuration("itinera.admission.max-delivery-age"),
          config.getDuration("itinera.admission.backlog-report-interval"));
    }
  }

  /**
   * What reports stand for the outbox's fast lane on a node: actions persisted and not yet rows of
   * {@code deliveries}. Not a channel name (those cannot hold parentheses).
   */
  public static final String OUTBOX = "(outbox)";

  private record Heard(ChannelBacklog backlog, long atNanos) {}

  /** The eager outbox on this node, if it runs: how long its oldest action has waited. */
  private volatile Supplier<Optional<Duration>> outbox = Optional::empty;

  private final Settings settings;
  private final Clock clock;
  private final ActorRef<Topic.Command<Report>> topic;
  private final Map<String, ChannelSender> running = new ConcurrentHashMap<>();

  /** The latest report of each channel by each node. */
  private final Map<List<String>, Heard> heard = new ConcurrentHashMap<>();

  /** This node's name in its reports. */
  private final String node = UUID.randomUUID().toString();

  private final LongSupplier nanoTime;

  /** {@code nanoTime} dates the reports heard; {@code topic} takes this node's (null: none). */
  DeliveryBacklog(
      Settings settings,
      Clock clock,
      LongSupplier nanoTime,
      ActorRef<Topic.Command<Report>> topic) {
    this.settings = settings;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.topic = topic;
  }

  /** This node's end: reports its senders' backlog and hears every node's. */
  static DeliveryBacklog start(ActorSystem<?> system, Settings settings, Clock clock) {
    ActorRef<Topic.Command<Report>> topic =
        system.systemActorOf(
            Topic.create(Report.class, "itinera-delivery-backlog"),
            "delivery-backlog-topic",
            Props.empty());
    DeliveryBacklog backlog = new DeliveryBacklog(settings, clock, System::nanoTime, topic);
    ActorRef<Report> listener =
        system.systemActorOf(
            Behaviors.receive(Report.class)
                .onMessage(
                    Report.class,
                    report -> {
                      backlog.heard(report);
                      return Behaviors.same();
                    })
                .build(),
            "delivery-backlog",
            Props.empty());
    topic.tell(Topic.subscribe(listener));
    system
        .scheduler()
        .scheduleAtFixedRate(
            settings.reportInterval(),
            settings.reportInterval(),
            () -> {
              // A task that throws is never scheduled again: the check would go quiet for good.
              try {
                backlog.report();
              } catch (RuntimeException e) {
                log.warn("Delivery backlog not reported: {}", e.toString());
              }
            },
            system.executionContext());
    return backlog;
  }

  /** A sender started on this node; its channel's gauges read it from now on. */
  void running(ChannelSender sender, ActorSystem<?> system) {
    String channel = sender.endpoint().channel();
    running.put(channel, sender);
    DeliveryMetrics meters = Metrics.get(system).deliveries();
    meters.waitingGauge(channel, () -> localWaitingSeconds(channel));
    meters.failingGauge(channel, () -> localFailing(channel));
  }

  /** The eager outbox of this node reports through {@code oldestWaiting}. */
  void outbox(Supplier<Optional<Duration>> oldestWaiting, ActorSystem<?> system) {
    this.outbox = oldestWaiting;
    Metrics.get(system)
        .deliveries()
        .waitingGauge(
            OUTBOX, () -> oldestWaiting.get().map(age -> age.toNanos() / 1e9).orElse(0.0));
  }

  void stopped(ChannelSender sender) {
    running.remove(sender.endpoint().channel(), sender);
  }

  /**
   * Read on every write: the verdict worked out when the last report was heard, worked out again
   * here only when no report came for the time a report stays fresh.
   */
  @Override
  public Optional<Shed.DeliveryBehind> behind() {
    if (settings.maxDeliveryAge().isZero()) {
      return Optional.empty();
    }
    Verdict last = verdict;
    long now = nanoTime.getAsLong();
    if (now - last.atNanos() > fresh()) {
      last = judge(now);
    }
    return last.behind();
  }

  /** What {@link #behind} answers until the next report, worked out at {@code atNanos}. */
  private record Verdict(Optional<Shed.DeliveryBehind> behind, long atNanos) {}

  private volatile Verdict verdict = new Verdict(Optional.empty(), Long.MIN_VALUE / 2);

  private long fresh() {
    return settings.reportInterval().toNanos() * 4;
  }

  /** The channel furthest behind past the bound in the fresh reports; forgets stale ones. */
  private Verdict judge(long now) {
    long fresh = fresh();
    heard.values().removeIf(h -> now - h.atNanos() > fresh);
    Shed.DeliveryBehind worst = null;
    for (Heard h : heard.values()) {
      ChannelBacklog b = h.backlog();
      if (b.failing()) {
        continue;
      }
      Duration age = Duration.ofMillis(b.waitingMillis());
      if (age.compareTo(settings.maxDeliveryAge()) > 0
          && (worst == null || age.compareTo(worst.age()) > 0)) {
        worst = new Shed.DeliveryBehind(b.channel(), age);
      }
    }
    Verdict judged = new Verdict(Optional.ofNullable(worst), now);
    verdict = judged;
    return judged;
  }

  private void report() {
    Optional<Duration> lane = outbox.get();
    if (running.isEmpty() && lane.isEmpty()) {
      return;
    }
    running.values().forEach(ChannelSender::probe);
    Instant now = clock.instant();
    List<ChannelBacklog> channels = new ArrayList<>(running.size() + 1);
    channels.add(new ChannelBacklog(OUTBOX, lane.map(Duration::toMillis).orElse(0L), false));
    running.forEach(
        (channel, sender) ->
            channels.add(
                new ChannelBacklog(
                    channel,
                    sender.oldestWaiting(now).map(Duration::toMillis).orElse(0L),
                    sender.failing())));
    topic.tell(Topic.publish(new Report(node, channels)));
  }

  void heard(Report report) {
    long now = nanoTime.getAsLong();
    for (ChannelBacklog backlog : report.channels()) {
      heard.put(List.of(report.node(), backlog.channel()), new Heard(backlog, now));
    }
    judge(now);
  }

  private double localWaitingSeconds(String channel) {
    ChannelSender sender = running.get(channel);
    return sender == null
        ? 0
        : sender.oldestWaiting(clock.instant()).map(age -> age.toNanos() / 1e9).orElse(0.0);
  }

  private int localFailing(String channel) {
    ChannelSender sender = running.get(channel);
    return sender != null && sender.failing() ? 1 : 0;
  }
}
