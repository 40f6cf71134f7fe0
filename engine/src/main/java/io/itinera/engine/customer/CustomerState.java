package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.journeys.decision.CustomerContext;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.protocol.CborSerializable;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Everything the engine holds about one customer. Immutable: each event gives a new state.
 *
 * @param traits profile traits, merged from identify calls (a null trait value removes it)
 * @param counters touchpoints by name over the customer's whole life, for journey conditions
 * @param recentTouchpoints the latest touchpoints, oldest first, bounded
 * @param recentMessageIds the latest message ids, oldest first, bounded: a repeat of one of them is
 *     a client's retry and is not applied again
 * @param touchpointCount all touchpoints ever recorded
 * @param journeys where the customer is in each journey, their pending timers, consent and the
 *     ledger their caps count
 */
public record CustomerState(
    String customerId,
    Map<String, Object> traits,
    Map<String, Long> counters,
    List<Touchpoint> recentTouchpoints,
    List<String> recentMessageIds,
    long touchpointCount,
    Instant firstSeen,
    Instant lastSeen,
    CustomerJourneys journeys)
    implements CborSerializable {

  public CustomerState {
    traits = traits == null ? Map.of() : traits;
    counters = counters == null ? Map.of() : counters;
    recentTouchpoints = recentTouchpoints == null ? List.of() : recentTouchpoints;
    recentMessageIds = recentMessageIds == null ? List.of() : recentMessageIds;
    journeys = journeys == null ? CustomerJourneys.EMPTY : journeys;
  }

  public static CustomerState empty(String customerId) {
    return new CustomerState(
        customerId, Map.of(), Map.of(), List.of(), List.of(), 0, null, null, CustomerJourneys.EMPTY);
  }

  /** Whether anything was ever recorded for this customer. */
  public boolean known() {
    return touchpointCount > 0;
  }

  public boolean hasSeen(String messageId) {
    return recentMessageIds.contains(messageId);
  }

  /** What journey conditions see of the customer besides their journeys. */
  public CustomerContext context() {
    return new CustomerContext(customerId, traits, counters);
  }

  CustomerState apply(CustomerEvent event, CustomerSettings settings) {
    if (event instanceof TouchpointRecorded recorded) {
      return apply(recorded.touchpoint(), settings);
    }
    JourneysDecided decided = (JourneysDecided) event;
    return withJourneys(journeys.applyAll(decided.events()));
  }

  private CustomerState apply(Touchpoint touchpoint, CustomerSettings settings) {
    // The decider's own rule for what a touchpoint changes, so conditions see what is stored.
    CustomerContext next = context().recording(touchpoint);
    Instant at = touchpoint.timestamp();
    return new CustomerState(
        customerId,
        next.traits(),
        next.counters(),
        appendBounded(recentTouchpoints, touchpoint, settings.recentTouchpoints()),
        appendBounded(recentMessageIds, touchpoint.messageId(), settings.recentMessageIds()),
        touchpointCount + 1,
        firstSeen == null || at.isBefore(firstSeen) ? at : firstSeen,
        lastSeen == null || at.isAfter(lastSeen) ? at : lastSeen,
        journeys);
  }

  private CustomerState withJourneys(CustomerJourneys next) {
    return new CustomerState(
        customerId,
        traits,
        counters,
        recentTouchpoints,
        recentMessageIds,
        touchpointCount,
        firstSeen,
        lastSeen,
        next);
  }

  private static <T> List<T> appendBounded(List<T> list, T item, int limit) {
    int from = Math.max(0, list.size() + 1 - limit);
    List<T> result = new ArrayList<>(Math.min(list.size() + 1, limit));
    result.addAll(list.subList(Math.min(from, list.size()), list.size()));
    result.add(item);
    return Collections.unmodifiableList(result);
  }
}
