package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerCommand.Absorb;
import io.itinera.engine.customer.CustomerCommand.EnterJourney;
import io.itinera.engine.customer.CustomerCommand.EntryOutcome;
import io.itinera.engine.customer.CustomerCommand.Erase;
import io.itinera.engine.customer.CustomerCommand.Erased;
import io.itinera.engine.customer.CustomerCommand.ErasureDeleted;
import io.itinera.engine.customer.CustomerCommand.GetCustomer;
import io.itinera.engine.customer.CustomerCommand.HandOver;
import io.itinera.engine.customer.CustomerCommand.HandedOver;
import io.itinera.engine.customer.CustomerCommand.RecordTouchpoints;
import io.itinera.engine.customer.CustomerCommand.Recorded;
import io.itinera.engine.customer.CustomerCommand.ShowAction;
import io.itinera.engine.customer.CustomerCommand.Shown;
import io.itinera.engine.customer.CustomerCommand.WakeUp;
import io.itinera.engine.customer.CustomerCommand.Woken;
import io.itinera.engine.customer.CustomerEvent.ActionShown;
import io.itinera.engine.customer.CustomerEvent.ActionWithheld;
import io.itinera.engine.customer.CustomerEvent.ChangesTimers;
import io.itinera.engine.customer.CustomerEvent.CustomerErased;
import io.itinera.engine.customer.CustomerEvent.EntryRequested;
import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.MergedInto;
import io.itinera.engine.customer.CustomerEvent.ProfileAbsorbed;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.engine.journey.DeployedJourneys;
import io.itinera.engine.metrics.CustomerMetrics;
import io.itinera.engine.metrics.Metrics;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.Decision;
import io.itinera.journeys.decision.Input;
import io.itinera.journeys.decision.JourneyDecider;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.decision.JourneyProgress;
import io.itinera.journeys.decision.PendingTimer;
import io.itinera.journeys.decision.PlannedAction;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One customer, as a sharded, event-sourced entity: the single writer of that customer's state, and
 * so the one place where their journeys, caps and consent are decided. Every touchpoint is an event
 * in its journal, together with what the journeys decided about it, before the caller hears
 * "recorded": nothing acknowledged is lost, and two channels can never race on the same customer.
 *
 * <p>The decisions themselves are {@link JourneyDecider}'s, a pure function; this class only feeds
 * it, persists what it returns and replies.
 */
public final class CustomerEntity
    extends EventSourcedBehaviorWithEnforcedReplies<CustomerCommand, CustomerEvent, CustomerState> {

  public static final EntityTypeKey<CustomerCommand> TYPE_KEY =
      EntityTypeKey.create(CustomerCommand.class, "Customer");

  /** More due timers than this in one wake-up are left for the next one, to bound a command. */
  private static final int MAX_TIMERS_PER_WAKE_UP = 100;

  private final String customerId;
  private final CustomerSettings settings;
  private final DeployedJourneys deployed;
  private final Clock clock;
  private final CustomerMetrics metrics;
  private final DecisionsPersisted persisted;
  private final CustomerRecords records;
  private final ActorContext<CustomerCommand> context;
  private final long startedNanos = System.nanoTime();
  private final RecentRequests recentRequests = new RecentRequests();
  private boolean recovered;

  /**
   * Set from an erasure's marker until its rows are deleted: commands wait (stashed), so nothing
   * new is decided on, or read from, a customer half erased.
   */
  private boolean erasing;

  /**
   * Registers the entity with cluster sharding on this node; {@code persisted} hears of every
   * decision once it is in the journal.
   */
  public static void init(
      ActorSystem<?> system,
      CustomerSettings settings,
      DeployedJourneys deployed,
      Clock clock,
      DecisionsPersisted persisted,
      CustomerRecords records) {
    CustomerMetrics metrics = Metrics.get(system).customers();
    ClusterSharding.get(system)
        .init(
            Entity.of(
                TYPE_KEY,
                context ->
                    create(
                        context.getEntityId(),
                        settings,
                        deployed,
                        clock,
                        metrics,
                        persisted,
                        records)));
  }

  public static Behavior<CustomerCommand> create(
      String customerId, CustomerSettings settings, DeployedJourneys deployed, Clock clock) {
    return create(
        customerId,
        settings,
        deployed,
        clock,
        CustomerMetrics.none(),
        DecisionsPersisted.NONE,
        CustomerRecords.NONE);
  }

  public static Behavior<CustomerCommand> create(
      String customerId,
      CustomerSettings settings,
      DeployedJourneys deployed,
      Clock clock,
      CustomerMetrics metrics,
      DecisionsPersisted persisted,
      CustomerRecords records) {
    return Behaviors.setup(
        context ->
            new CustomerEntity(
                customerId, settings, deployed, clock, metrics, persisted, records, context));
  }

  /**
   * The entity itself rather than its behavior, for a test that calls its methods (tagsFor): it has
   * no actor context, so it cannot erase.
   */
  static CustomerEntity detached(
      String customerId, CustomerSettings settings, DeployedJourneys deployed, Clock clock) {
    return new CustomerEntity(
        customerId,
        settings,
        deployed,
        clock,
        CustomerMetrics.none(),
        DecisionsPersisted.NONE,
        CustomerRecords.NONE,
        null);
  }

  private CustomerEntity(
      String customerId,
      CustomerSettings settings,
      DeployedJourneys deployed,
      Clock clock,
      CustomerMetrics metrics,
      DecisionsPersisted persisted,
      CustomerRecords records,
      ActorContext<CustomerCommand> context) {
    super(
        CustomerPersistenceId.of(customerId),
        // A failed write (database down) restarts the entity after a pause; the caller's ask
        // times out and it answers 503, so the client retries with the same messageId.
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.customerId = customerId;
    this.settings = settings;
    this.deployed = deployed;
    this.clock = clock;
    this.metrics = metrics;
    this.persisted = persisted;
    this.records = records;
    this.context = context;
  }

  @Override
  public CustomerState emptyState() {
    return CustomerState.empty(customerId);
  }

  @Override
  public CommandHandlerWithReply<CustomerCommand, CustomerEvent, CustomerState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forState(state -> erasing)
        .onCommand(ErasureDeleted.class, this::onErasureDeleted)
        .onCommand(CustomerCommand.class, command -> Effect().stash());
    builder
        .forAnyState()
        .onCommand(Erase.class, this::onErase)
        // A deletion outlived the entity's restart: its reply is still owed.
        .onCommand(ErasureDeleted.class, this::onErasureDeleted)
        .onCommand(RecordTouchpoints.class, this::onRecordTouchpoints)
        .onCommand(WakeUp.class, this::onWakeUp)
        .onCommand(HandOver.class, this::onHandOver)
        .onCommand(Absorb.class, this::onAbsorb)
        .onCommand(ShowAction.class, this::onShowAction)
        .onCommand(EnterJourney.class, this::onEnterJourney)
        .onCommand(GetCustomer.class, (state, command) -> Effect().reply(command.replyTo(), state));
    return builder.build();
  }

  private ReplyEffect<CustomerEvent, CustomerState> onRecordTouchpoints(
      CustomerState state, RecordTouchpoints command) {
    if (state.mergedInto() != null) {
      return Effect()
          .reply(
              command.replyTo(),
              StatusReply.success(new Recorded(0, 0, List.of(), List.of(), state.mergedInto())));
    }
    Recorded earlier = recentRequests.answerTo(command.requestId());
    if (earlier != null) {
      return Effect().reply(command.replyTo(), StatusReply.success(earlier));
    }
    Decisions decisions = new Decisions(state);
    int recorded = 0;
    Set<String> toMerge = new LinkedHashSet<>();
    for (Touchpoint touchpoint : command.touchpoints()) {
      // A repeat asks again for a merge not yet done: the client's retry of an identify whose
      // merge failed half-way (after the hand-over, before the absorb) finishes it.
      otherIdentity(touchpoint)
          .filter(other -> !state.absorbed().contains(other))
          .ifPresent(toMerge::add);
      if (decisions.state.hasSeen(touchpoint.messageId())) {
        continue;
      }
      recorded++;
      decisions.record(touchpoint);
    }
    Recorded reply =
        new Recorded(
            recorded,
            command.touchpoints().size() - recorded,
            decisions.actions,
            List.copyOf(toMerge),
            null);
    if (decisions.events.isEmpty()) {
      return Effect().reply(command.replyTo(), StatusReply.success(reply));
    }
    return Effect()
        .persist(decisions.events)
        .thenRun(
            newState -> {
              afterPersist("touchpoint", decisions.events);
              recentRequests.remember(command.requestId(), reply);
            })
        .thenReply(command.replyTo(), newState -> StatusReply.success(reply));
  }

  /**
   * Journals the erasure's marker, then deletes the rows before it (on the blocking pool) while
   * later commands wait; the reply comes once they are gone. The marker resets the state on replay
   * too, so if the deletion fails the customer is still erased as far as anyone can read, and the
   * caller's retry deletes what is left.
   */
  private ReplyEffect<CustomerEvent, CustomerState> onErase(CustomerState state, Erase command) {
    if (state.sequenceNr() == 0) {
      // Never seen: nothing to erase, and no marker to leave for an id nobody used.
      Erased nothing = new Erased(customerId, 0, 0, 0, 0, 0, null, null);
      return Effect().reply(command.replyTo(), StatusReply.success(nothing));
    }
    String mergedInto = state.mergedInto();
    CustomerErased marker =
        new CustomerErased(state.sequenceNr(), command.mergedProfiles(), clock.instant());
    // Hook for the audit log (issue 16, item 9): the marker is the journalled audit fact; an audit
    // entry naming the caller is written by the route that asked (CustomerRoutes#erase).
    return Effect()
        .persist(marker)
        .thenRun(
            erased -> {
              erasing = true;
              recentRequests.forget();
              context.pipeToSelf(
                  // The journal's own number of the marker, not the state's count of it.
                  records.erase(customerId, lastSequenceNumber(context), marker.at()),
                  (deleted, failure) ->
                      new ErasureDeleted(
                          deleted == null
                              ? null
                              : Erased.of(customerId, deleted, command, mergedInto, marker.at()),
                          failure,
                          command.replyTo()));
            })
        .thenNoReply();
  }

  private ReplyEffect<CustomerEvent, CustomerState> onErasureDeleted(
      CustomerState state, ErasureDeleted done) {
    erasing = false;
    StatusReply<Erased> reply =
        done.failure() == null
            ? StatusReply.success(done.erased())
            : StatusReply.error(
                "The erasure is journalled but its rows could not all be deleted; retry: "
                    + done.failure().getMessage());
    return Effect().none().thenReply(done.replyTo(), s -> reply).thenUnstashAll();
  }

  /**
   * The other id a touchpoint says is this same person, as Segment's identity calls do: an identify
   * carrying both a userId and the anonymousId the visitor had, or an alias's previousId.
   */
  private Optional<String> otherIdentity(Touchpoint touchpoint) {
    return Customers.otherIdentity(touchpoint, customerId);
  }

  private ReplyEffect<CustomerEvent, CustomerState> onHandOver(
      CustomerState state, HandOver command) {
    if (state.mergedInto() != null) {
      return Effect()
          .reply(
              command.replyTo(),
              StatusReply.success(
                  new HandedOver(state.mergedInto().equals(command.into()) ? state : null)));
    }
    if (command.anonymousOnly() && !(state.known() && !state.mayBeKnownCustomer())) {
      return Effect().reply(command.replyTo(), StatusReply.success(new HandedOver(null)));
    }
    List<CustomerEvent> events = new ArrayList<>();
    Instant now = clock.instant();
    if (!state.journeys().timers().isEmpty()) {
      String reason = "the profile was merged into customer " + command.into();
      events.add(
          new JourneysDecided(
              "merge:" + command.into(),
              state.journeys().timers().stream()
                  .map(timer -> (JourneyEvent) new TimerCancelled(timer, reason, now))
                  .toList(),
              null));
    }
    events.add(new MergedInto(command.into(), now));
    return Effect()
        .persist(events)
        .thenRun(merged -> afterPersist("merge", events))
        .thenReply(command.replyTo(), merged -> StatusReply.success(new HandedOver(state)));
  }

  private void afterPersist(String cause, List<CustomerEvent> events) {
    for (CustomerEvent event : events) {
      CustomerEvent.decisionIn(event).ifPresent(d -> metrics.decided(cause, d.events()));
    }
    persisted.persisted(customerId, events);
  }

  private ReplyEffect<CustomerEvent, CustomerState> onAbsorb(CustomerState state, Absorb command) {
    if (state.absorbed().contains(command.from())) {
      return Effect().reply(command.replyTo(), StatusReply.success(Done.getInstance()));
    }
    CustomerState other = command.profile();
    Instant nextDue =
        state.journeys().absorb(other.journeys()).nextTimer().map(PendingTimer::due).orElse(null);
    return Effect()
        .persist(
            new ProfileAbsorbed(
                command.from(),
                other.traits(),
                other.groups(),
                other.counters(),
                other.journeys(),
                nextDue,
                clock.instant()))
        .thenReply(command.replyTo(), absorbed -> StatusReply.success(Done.getInstance()));
  }

  /**
   * A real-time channel is about to show an action decided earlier: it may, unless the customer's
   * consent for the channel went since. The outcome is journalled, so the customer's history says
   * what they were shown.
   */
  private ReplyEffect<CustomerEvent, CustomerState> onShowAction(
      CustomerState state, ShowAction command) {
    PlannedAction action = command.action();
    Instant now = clock.instant();
    Optional<String> refusal = state.journeys().consentRefusal(action.channel());
    CustomerEvent event =
        refusal.isPresent()
            ? new ActionWithheld(
                action.id(), action.journey(), action.channel(), refusal.get(), now)
            : new ActionShown(action.id(), action.journey(), action.channel(), now);
    Shown reply = new Shown(action.id(), refusal.orElse(null));
    return Effect()
        .persist(event)
        .thenReply(command.replyTo(), after -> StatusReply.success(reply));
  }

  /**
   * A run or the entries API enters the customer without a touchpoint; the journeys decide. Only an
   * entry is journalled, with its cause, so a resend answers as the first send did.
   */
  private ReplyEffect<CustomerEvent, CustomerState> onEnterJourney(
      CustomerState state, EnterJourney command) {
    JourneyProgress progress = state.journeys().journeys().get(command.journey());
    if (state.mergedInto() != null) {
      return Effect().reply(command.replyTo(), StatusReply.success(EntryOutcome.NOT_ELIGIBLE));
    }
    if (state.hasSeen(command.cause())) {
      EntryOutcome earlier =
          progress != null && progress.holdout() ? EntryOutcome.HELD_OUT : EntryOutcome.ENTERED;
      return Effect().reply(command.replyTo(), StatusReply.success(earlier));
    }
    Decisions decisions = new Decisions(state);
    JourneysDecided decided =
        decisions.decision(
            state,
            command.cause(),
            new Input.EntryRequested(command.journey(), command.cause(), command.data()));
    if (decided == null) {
      EntryOutcome none = progress != null ? EntryOutcome.ALREADY_IN : EntryOutcome.NOT_ELIGIBLE;
      return Effect().reply(command.replyTo(), StatusReply.success(none));
    }
    EntryOutcome outcome =
        decided.events().stream()
                .anyMatch(
                    e -> e instanceof JourneyEvent.JourneyEntered entered && entered.holdout())
            ? EntryOutcome.HELD_OUT
            : EntryOutcome.ENTERED;
    List<CustomerEvent> events =
        List.of(new EntryRequested(command.journey(), command.cause(), decided, decisions.now));
    return Effect()
        .persist(events)
        .thenRun(newState -> afterPersist("entry", events))
        .thenReply(command.replyTo(), newState -> StatusReply.success(outcome));
  }

  private ReplyEffect<CustomerEvent, CustomerState> onWakeUp(CustomerState state, WakeUp command) {
    Decisions decisions = new Decisions(state);
    Instant now = decisions.now;
    int fired = 0;
    Optional<PendingTimer> next = state.journeys().nextTimer();
    while (next.isPresent() && !next.get().due().isAfter(now) && fired < MAX_TIMERS_PER_WAKE_UP) {
      if (!decisions.decide(next.get().id(), new Input.TimerDue(next.get().id()))) {
        break;
      }
      fired++;
      next = decisions.state.journeys().nextTimer();
    }
    Woken reply = new Woken(fired, next.map(PendingTimer::due).orElse(null));
    if (decisions.events.isEmpty()) {
      return Effect().reply(command.replyTo(), reply);
    }
    return Effect()
        .persist(decisions.events)
        .thenRun(newState -> afterPersist("timer", decisions.events))
        .thenReply(command.replyTo(), newState -> reply);
  }

  /**
   * The events of one command, built up one input at a time: each decision sees the state the
   * previous ones leave, exactly as the event handler will rebuild it.
   */
  private final class Decisions {
    final List<CustomerEvent> events = new ArrayList<>();
    final List<PlannedAction> actions = new ArrayList<>();
    final Instant now = clock.instant();
    CustomerState state;

    Decisions(CustomerState state) {
      this.state = state;
    }

    void add(CustomerEvent event) {
      events.add(event);
      state = state.apply(event, settings);
    }

    /**
     * Records a touchpoint and what the journeys decide about it, as one event. The journeys decide
     * on the state the touchpoint leaves (its traits and counts included).
     */
    void record(Touchpoint touchpoint) {
      CustomerState seen = state.apply(new TouchpointRecorded(touchpoint), settings);
      JourneysDecided decided =
          decision(seen, touchpoint.messageId(), new Input.TouchpointArrived(touchpoint));
      events.add(new TouchpointRecorded(touchpoint, decided));
      // What the event handler will rebuild from that event, without applying the touchpoint a
      // second time on the ingest path.
      state = decided == null ? seen : seen.withDecision(decided);
    }

    /** Decides on a due timer; false when the journeys had nothing to say. */
    boolean decide(String cause, Input input) {
      JourneysDecided decided = decision(state, cause, input);
      if (decided == null) {
        return false;
      }
      add(decided);
      return true;
    }

    /** What the journeys decide on {@code input} in state {@code in}; null when nothing. */
    private JourneysDecided decision(CustomerState in, String cause, Input input) {
      Decision decision =
          JourneyDecider.decide(
              in.journeys(), in.context(), input, deployed.indexed(), deployed.experiments(), now);
      if (decision.events().isEmpty()) {
        return null;
      }
      actions.addAll(decision.actions());
      CustomerJourneys after = decision.applyTo(in.journeys());
      return new JourneysDecided(
          cause, decision.events(), after.nextTimer().map(PendingTimer::due).orElse(null));
    }
  }

  @Override
  public EventHandler<CustomerState, CustomerEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, settings));
  }

  /** Counts recoveries (timed from the entity's start) and stops: passivations and hand-offs. */
  @Override
  public SignalHandler<CustomerState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              metrics.recovered(
                  recovered ? null : Duration.ofNanos(System.nanoTime() - startedNanos));
              recovered = true;
            })
        .onSignal(RecoveryFailed.class, (state, failed) -> metrics.recoveryFailed())
        .onSignal(PostStop.instance(), state -> metrics.stopped())
        .build();
  }

  /**
   * Events that change timers are tagged for the due-timers projection, decisions that emitted
   * actions (or reached a goal, or left a journey) for the delivery outbox, and what journey
   * analytics counts (a journey event it counts, a touchpoint naming an action) for the analytics
   * projection; each by slice of customers, so each projection runs as that many streams. The
   * customer index reads nearly every event, so it takes its slice from the journal itself and
   * needs no tag (storage.JournalSlices). The slice count is stored in tags and offsets: never
   * change it on a running system.
   */
  @Override
  public Set<String> tagsFor(CustomerEvent event) {
    int slices = settings.tagSlices();
    if (event instanceof CustomerErased) {
      return Set.of(
          Tags.timers(customerId, slices),
          Tags.actions(customerId, slices),
          Tags.analytics(customerId, slices));
    }
    Set<String> tags = new HashSet<>(4);
    if (event instanceof ChangesTimers change && change.changesTimers()) {
      tags.add(Tags.timers(customerId, slices));
    }
    if (CustomerEvent.decisionIn(event).filter(JourneysDecided::concernsDelivery).isPresent()) {
      tags.add(Tags.actions(customerId, slices));
    }
    if (CustomerEvent.countedByAnalytics(event)) {
      tags.add(Tags.analytics(customerId, slices));
    }
    return tags;
  }

  /**
   * Snapshots bound recovery time. Old snapshots are deleted, events only by an erasure, which
   * keeps its marker as the highest sequence number (as the plugin's own deleteEvents keeps the
   * last row), so recovery still reads the right next sequence number.
   */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots());
  }
}
