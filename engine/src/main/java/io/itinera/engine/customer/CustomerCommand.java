package io.itinera.engine.customer;

import io.itinera.journeys.decision.PlannedAction;
import io.itinera.protocol.CborSerializable;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/** What a customer's entity can be asked to do. */
public sealed interface CustomerCommand extends CborSerializable {

  /**
   * Record touchpoints of this customer, in their order, atomically with what the journeys decide
   * about them: either all new ones are in the journal when the reply comes, or none is and the
   * reply is an error. Touchpoints whose {@code messageId} the customer has already seen are
   * acknowledged and not applied again.
   *
   * @param requestId the same for every send of one write (the gateway resends a write that got no
   *     answer in time): a resend of a write already recorded gets that write's answer again; 0
   *     when the sender never resends
   */
  record RecordTouchpoints(
      long requestId, List<Touchpoint> touchpoints, ActorRef<StatusReply<Recorded>> replyTo)
      implements CustomerCommand {

    public RecordTouchpoints(
        List<Touchpoint> touchpoints, ActorRef<StatusReply<Recorded>> replyTo) {
      this(0, touchpoints, replyTo);
    }
  }

  /**
   * The reply to {@link RecordTouchpoints}: how many were new, how many were repeats (message ids
   * recorded by an earlier write, not by an earlier send of this one), and the actions the journeys
   * emitted for them (none for repeats).
   *
   * @param toMerge anonymous ids (or an alias's previous id) these touchpoints tied to this
   *     customer, whose profiles are not merged in yet: {@link Customers} merges them next
   * @param mergedInto set when this profile was merged into another customer: nothing was recorded
   *     here, and the touchpoints belong there
   */
  record Recorded(
      int recorded,
      int duplicates,
      List<PlannedAction> actions,
      List<String> toMerge,
      String mergedInto)
      implements CborSerializable {

    public Recorded {
      actions = actions == null ? List.of() : List.copyOf(actions);
      toMerge = toMerge == null ? List.of() : List.copyOf(toMerge);
    }

    public Recorded(int recorded, int duplicates, List<PlannedAction> actions) {
      this(recorded, duplicates, actions, List.of(), null);
    }

    public static final Recorded NOTHING = new Recorded(0, 0, List.of());

    /** Two replies as one, for a caller that sent touchpoints of several customers. */
    public Recorded plus(Recorded other) {
      List<PlannedAction> all = new ArrayList<>(actions);
      all.addAll(other.actions);
      return new Recorded(recorded + other.recorded, duplicates + other.duplicates, all);
    }
  }

  /**
   * Merge this profile into customer {@code into}: cancel its pending timers, send its later
   * touchpoints there, and reply with the profile as it was, for {@code into} to absorb. Asked
   * again by the same customer, it replies the profile as it is (its timers already handed over).
   *
   * @param anonymousOnly hand over only an anonymous profile (seen, never identified, not merged):
   *     the ingest key's rule, checked here, in the one writer of the profile, so that nothing can
   *     identify it between a check and the hand-over
   */
  record HandOver(String into, ActorRef<StatusReply<HandedOver>> replyTo, boolean anonymousOnly)
      implements CustomerCommand {}

  /**
   * What a hand-over gave: the profile to absorb, or null when the profile refused (not anonymous
   * under {@link HandOver#anonymousOnly}, or already merged into another customer).
   */
  record HandedOver(CustomerState profile) implements CborSerializable {}

  /**
   * Absorb the profile of {@code from}, handed over by it; a repeat is acknowledged, not applied.
   */
  record Absorb(String from, CustomerState profile, ActorRef<StatusReply<Done>> replyTo)
      implements CustomerCommand {}

  /**
   * Act on every pending timer that is due (sent by the timer daemon, which does not know which
   * ones are: it only knows when the soonest is due). Timers that are not due, or no longer
   * pending, are left alone, so a repeated wake-up does nothing.
   */
  record WakeUp(ActorRef<Woken> replyTo) implements CustomerCommand {}

  /** How many timers fired and when the soonest remaining one is due (null: none pending). */
  record Woken(int fired, Instant nextDue) implements CborSerializable {}

  /**
   * Show this action to the customer now (a real-time channel asked what to show): it is shown if
   * the customer's consent for its channel, as it stands now, allows it, and either way the outcome
   * is recorded in the journal. Caps counted the action when it was decided.
   */
  record ShowAction(PlannedAction action, ActorRef<StatusReply<Shown>> replyTo)
      implements CustomerCommand {}

  /**
   * The reply to {@link ShowAction}: {@code withheld} is null when it may be shown, else why not.
   */
  record Shown(String actionId, String withheld) implements CborSerializable {}

  /**
   * Enter {@code journey} now, without a touchpoint (a run over the customer index matched the
   * customer, or the entries API named them): the journeys decide, applying the journey's own rules
   * (already in it, the re-entry policy, the holdout), and an entry is in the journal before the
   * reply. A command whose {@code cause} the customer has seen (a resend) enters no one again.
   *
   * @param cause names the run or the request, e.g. {@code run:win-back:1:2026-05-10T09:00:00Z}
   * @param data what the entries API gave for this customer ({@code entry.data}); empty when none
   */
  record EnterJourney(
      String journey,
      String cause,
      Map<String, Object> data,
      ActorRef<StatusReply<EntryOutcome>> replyTo)
      implements CustomerCommand {

    public EnterJourney {
      data = data == null ? Map.of() : data;
    }
  }

  /** What {@link EnterJourney} did, as the entries API answers it for each customer. */
  enum EntryOutcome implements CborSerializable {
    ENTERED("entered"),
    ALREADY_IN("already-in"),
    NOT_ELIGIBLE("not-eligible"),
    HELD_OUT("held-out");

    private final String wireName;

    EntryOutcome(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    /** Whether the customer is now in the journey (held out or not) because of this command. */
    public boolean entered() {
      return this == ENTERED || this == HELD_OUT;
    }
  }

  /** The customer's current state, for the read API. */
  record GetCustomer(ActorRef<CustomerState> replyTo) implements CustomerCommand {}

  /**
   * Erase everything held about this customer (GDPR Art. 17): journal a {@link
   * CustomerEvent.CustomerErased} marker, start afresh, and delete the journal rows before it, the
   * snapshots, deliveries and due timer. Replies when all of it is deleted; commands that arrive
   * meanwhile wait. Asked again, it erases again (whatever came since), so a failed one is retried.
   *
   * @param mergedProfiles how many profiles merged into this one were erased just before ({@link
   *     Customers#erase}), for the marker
   */
  record Erase(int mergedProfiles, ActorRef<StatusReply<Erased>> replyTo)
      implements CustomerCommand {}

  /**
   * The reply to {@link Erase}: what was deleted ({@code at} null: the customer was never seen).
   *
   * @param mergedProfiles profiles merged into this one, erased with it
   * @param mergedInto the customer this profile had been merged into, whose profile still holds
   *     what it absorbed from this one (erase that customer to erase the person)
   */
  record Erased(
      String customerId,
      long events,
      int snapshots,
      int deliveries,
      int dueTimers,
      int mergedProfiles,
      String mergedInto,
      Instant at)
      implements CborSerializable {

    static Erased of(
        String customerId,
        CustomerRecords.Deleted deleted,
        Erase command,
        String mergedInto,
        Instant at) {
      return new Erased(
          customerId,
          deleted.events(),
          deleted.snapshots(),
          deleted.deliveries(),
          deleted.dueTimers(),
          command.mergedProfiles(),
          mergedInto,
          at);
    }
  }

  /** The entity's own message: the erasure's rows are deleted (or the deletion failed). */
  record ErasureDeleted(Erased erased, Throwable failure, ActorRef<StatusReply<Erased>> replyTo)
      implements CustomerCommand {}
}
