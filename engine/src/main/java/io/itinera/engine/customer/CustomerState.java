package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.MergedInto;
import io.itinera.engine.customer.CustomerEvent.ProfileAbsorbed;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.journeys.decision.CustomerContext;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.protocol.CborSerializable;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the engine holds about one customer. Immutable: each event gives a new state.
 *
 * @param traits profile traits, merged from identify calls (a null trait value removes it)
 * @param groups the groups (accounts) the customer belongs to, by group id, each with its traits as
 *     merged from group calls
 * @param counters touchpoints by name over the customer's whole life, for journey conditions
 * @param seenMessages the latest message ids, as hashes, bounded: a repeat of one of them is a
 *     client's retry and is not applied again
 * @param touchpointCount all touchpoints ever recorded
 * @param sequenceNr the number of events in the customer's journal (its last sequence number), so
 *     the read API can read the recent ones without scanning the whole journal
 * @param journeys where the customer is in each journey, their pending timers, consent and the
 *     ledger their caps count
 * @param absorbed the other profiles (anonymous ids) merged into this one
 * @param mergedInto the customer this profile was merged into, or null
 * @param identified whether a touchpoint with a userId was ever recorded here: this profile is (or
 *     absorbed) a known customer, whom an ingest key may not merge into another (Customers#record).
 *     Null, unknown, in snapshots taken before it was kept, until the next identified touchpoint:
 *     such a profile is not merged by an ingest key either (see {@link #mayBeKnownCustomer})
 */
public record CustomerState(
    String customerId,
    Map<String, Object> traits,
    Map<String, Map<String, Object>> groups,
    Map<String, Long> counters,
    SeenMessages seenMessages,
    long touchpointCount,
    long sequenceNr,
    Instant firstSeen,
    Instant lastSeen,
    CustomerJourneys journeys,
    List<String> absorbed,
    String mergedInto,
    Boolean identified)
    implements CborSerializable {

  public CustomerState {
    traits = traits == null ? Map.of() : traits;
    // Snapshots taken before groups were kept have none; most customers are in no group, and an
    // empty map read from a snapshot would cost each of them an object while resident.
    groups = groups == null || groups.isEmpty() ? Map.of() : groups;
    counters = counters == null ? Map.of() : counters;
    seenMessages = seenMessages == null ? SeenMessages.NONE : seenMessages;
    journeys = journeys == null ? CustomerJourneys.EMPTY : journeys;
    absorbed = absorbed == null ? List.of() : absorbed;
  }

  public static CustomerState empty(String customerId) {
    return new CustomerState(
        customerId,
        Map.of(),
        Map.of(),
        Map.of(),
        SeenMessages.NONE,
        0,
        0,
        null,
        null,
        CustomerJourneys.EMPTY,
        List.of(),
        null,
        false);
  }

  /** This state at another place in the journal. */
  CustomerState withSequenceNr(long sequenceNr) {
    return with(sequenceNr, journeys, mergedInto);
  }

  /** Whether a touchpoint with a userId was recorded here, as far as this state knows. */
  public boolean surelyIdentified() {
    return Boolean.TRUE.equals(identified);
  }

  /**
   * Whether this profile may be a known customer: identified, or restored from a snapshot taken
   * before identification was kept. An ingest key merges neither kind.
   */
  public boolean mayBeKnownCustomer() {
    return !Boolean.FALSE.equals(identified);
  }

  /** Whether anything was ever recorded for this customer. */
  public boolean known() {
    return touchpointCount > 0;
  }

  public boolean hasSeen(String messageId) {
    return seenMessages.contains(messageId);
  }

  /** What journey conditions see of the customer besides their journeys. */
  public CustomerContext context() {
    return new CustomerContext(customerId, traits, counters, groups);
  }

  /** The entity's event handler; public so a benchmark can build resident state as it does. */
  public CustomerState apply(CustomerEvent event, CustomerSettings settings) {
    return applyEvent(event, settings).counted();
  }

  private CustomerState counted() {
    return with(sequenceNr + 1, journeys, mergedInto);
  }

  private CustomerState applyEvent(CustomerEvent event, CustomerSettings settings) {
    if (event instanceof TouchpointRecorded recorded) {
      CustomerState seen = apply(recorded.touchpoint(), settings);
      return recorded.decided() == null ? seen : seen.withDecision(recorded.decided());
    }
    if (event instanceof JourneysDecided decided) {
      return withDecision(decided);
    }
    if (event instanceof CustomerEvent.EntryRequested requested) {
      return withSeen(requested.cause(), settings).withDecision(requested.decided());
    }
    if (event instanceof CustomerEvent.ActionShown
        || event instanceof CustomerEvent.ActionWithheld) {
      // The ledger counted the action when it was decided; showing it changes nothing here.
      return this;
    }
    if (event instanceof MergedInto merged) {
      return with(sequenceNr, journeys, merged.customerId());
    }
    if (event instanceof ProfileAbsorbed absorbedProfile) {
      return absorb(absorbedProfile);
    }
    if (event instanceof CustomerEvent.CustomerErased) {
      // Nothing survives an erasure but the journal position, so later events number on.
      return empty(customerId).withSequenceNr(sequenceNr);
    }
    // Java 17 has no exhaustive switch over a sealed type: a new event kind fails here, loudly.
    throw new IllegalStateException(
        "CustomerState has no rule for the event " + event.getClass().getName());
  }

  /** This profile's traits win over the absorbed one's; counts add up. */
  private CustomerState absorb(ProfileAbsorbed other) {
    Map<String, Object> mergedTraits = new LinkedHashMap<>(other.traits());
    mergedTraits.putAll(traits);
    Map<String, Long> mergedCounters = new TreeMap<>(counters);
    other.counters().forEach((name, count) -> mergedCounters.merge(name, count, Long::sum));
    // This profile's groups last, in their order: its latest group stays its current one.
    Map<String, Map<String, Object>> mergedGroups = new LinkedHashMap<>(other.groups());
    mergedGroups.keySet().removeAll(groups.keySet());
    mergedGroups.putAll(groups);
    List<String> mergedIds = new ArrayList<>(absorbed);
    mergedIds.add(other.from());
    return new CustomerState(
        customerId,
        Collections.unmodifiableMap(mergedTraits),
        Collections.unmodifiableMap(mergedGroups),
        Collections.unmodifiableMap(mergedCounters),
        seenMessages,
        touchpointCount,
        sequenceNr,
        firstSeen,
        lastSeen,
        journeys.absorb(other.journeys()),
        List.copyOf(mergedIds),
        mergedInto,
        identified);
  }

  private CustomerState apply(Touchpoint touchpoint, CustomerSettings settings) {
    // The decider's own rule for what a touchpoint changes, so conditions see what is stored.
    CustomerContext next = context().recording(touchpoint);
    Instant at = touchpoint.timestamp();
    return new CustomerState(
        customerId,
        next.traits(),
        next.groups(),
        next.counters(),
        seenMessages.with(touchpoint.messageId(), settings.recentMessageIds()),
        touchpointCount + 1,
        sequenceNr,
        firstSeen == null || at.isBefore(firstSeen) ? at : firstSeen,
        lastSeen == null || at.isAfter(lastSeen) ? at : lastSeen,
        journeys,
        absorbed,
        mergedInto,
        touchpoint.userId() != null ? Boolean.TRUE : identified);
  }

  /**
   * The journeys' events applied, and the traits a journey's action set; nothing else changes (the
   * journal position is counted apart).
   */
  CustomerState withDecision(JourneysDecided decided) {
    CustomerState next = withJourneys(journeys.applyAll(decided.events()));
    for (JourneyEvent event : decided.events()) {
      if (event instanceof JourneyEvent.TraitsChanged changed) {
        // Through the context, so the traits are kept in its compact form, as an identify's are.
        next = next.withTraits(next.context().withTraits(changed.traits()).traits());
      }
    }
    return next;
  }

  private CustomerState withTraits(Map<String, Object> next) {
    return with(next, seenMessages, sequenceNr, journeys, mergedInto);
  }

  /** This state having seen {@code id}: a run's or an entry request's, recognised if resent. */
  private CustomerState withSeen(String id, CustomerSettings settings) {
    return with(
        traits,
        seenMessages.with(id, settings.recentMessageIds()),
        sequenceNr,
        journeys,
        mergedInto);
  }

  private CustomerState withJourneys(CustomerJourneys next) {
    return with(sequenceNr, next, mergedInto);
  }

  /** This state with the fields that events other than touchpoints and merges move. */
  private CustomerState with(long sequenceNr, CustomerJourneys journeys, String mergedInto) {
    return with(traits, seenMessages, sequenceNr, journeys, mergedInto);
  }

  private CustomerState with(
      Map<String, Object> traits,
      SeenMessages seenMessages,
      long sequenceNr,
      CustomerJourneys journeys,
      String mergedInto) {
    return new CustomerState(
        customerId,
        traits,
        groups,
        counters,
        seenMessages,
        touchpointCount,
        sequenceNr,
        firstSeen,
        lastSeen,
        journeys,
        absorbed,
        mergedInto,
        identified);
  }
}
