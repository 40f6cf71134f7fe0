package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerCommand.GetCustomer;
import io.itinera.engine.customer.CustomerCommand.RecordTouchpoints;
import io.itinera.engine.customer.CustomerCommand.Recorded;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One customer, as a sharded, event-sourced entity: the single writer of that customer's state.
 * Every touchpoint is an event in its journal before the caller hears "recorded", so nothing
 * acknowledged is lost, and two channels can never race on the same customer.
 */
public final class CustomerEntity
    extends EventSourcedBehaviorWithEnforcedReplies<CustomerCommand, CustomerEvent, CustomerState> {

  public static final EntityTypeKey<CustomerCommand> TYPE_KEY =
      EntityTypeKey.create(CustomerCommand.class, "Customer");

  private final String customerId;
  private final CustomerSettings settings;

  /** Registers the entity with cluster sharding on this node. */
  public static void init(ActorSystem<?> system, CustomerSettings settings) {
    ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, context -> create(context.getEntityId(), settings)));
  }

  public static Behavior<CustomerCommand> create(String customerId, CustomerSettings settings) {
    return new CustomerEntity(customerId, settings);
  }

  private CustomerEntity(String customerId, CustomerSettings settings) {
    super(
        PersistenceId.of(TYPE_KEY.name(), customerId),
        // A failed write (database down) restarts the entity after a pause; the caller's ask
        // times out and it answers 503, so the client retries with the same messageId.
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.customerId = customerId;
    this.settings = settings;
  }

  @Override
  public CustomerState emptyState() {
    return CustomerState.empty(customerId);
  }

  @Override
  public CommandHandlerWithReply<CustomerCommand, CustomerEvent, CustomerState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RecordTouchpoints.class, this::onRecordTouchpoints)
        .onCommand(GetCustomer.class, (state, command) -> Effect().reply(command.replyTo(), state))
        .build();
  }

  private ReplyEffect<CustomerEvent, CustomerState> onRecordTouchpoints(
      CustomerState state, RecordTouchpoints command) {
    List<CustomerEvent> events = new ArrayList<>(command.touchpoints().size());
    Set<String> inThisCommand = new HashSet<>();
    for (Touchpoint touchpoint : command.touchpoints()) {
      String messageId = touchpoint.messageId();
      if (!state.hasSeen(messageId) && inThisCommand.add(messageId)) {
        events.add(new TouchpointRecorded(touchpoint));
      }
    }
    Recorded recorded = new Recorded(events.size(), command.touchpoints().size() - events.size());
    if (events.isEmpty()) {
      return Effect().reply(command.replyTo(), StatusReply.success(recorded));
    }
    return Effect()
        .persist(events)
        .thenReply(command.replyTo(), newState -> StatusReply.success(recorded));
  }

  @Override
  public EventHandler<CustomerState, CustomerEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(TouchpointRecorded.class, (state, event) -> state.apply(event, settings))
        .build();
  }

  /**
   * Snapshots bound recovery time. Old snapshots are deleted, events never: pekko-persistence-jdbc
   * 1.1.x can stop a recovery early after a gap left by deleted events.
   */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots());
  }
}
