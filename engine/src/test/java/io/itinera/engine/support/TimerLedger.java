package io.itinera.engine.support;

import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerEvent.EntryRequested;
import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyEvent.ActionEmitted;
import io.itinera.journeys.decision.JourneyEvent.TimerCancelled;
import io.itinera.journeys.decision.JourneyEvent.TimerFired;
import io.itinera.journeys.decision.JourneyEvent.TimerScheduled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * The timers and actions a fault test's customers have in the journal, read straight from
 * PostgreSQL and deserialized as the engine reads them (through a running node's serialization), so
 * a test can hold that every timer fired once or was cancelled, and that each firing emitted its
 * action once.
 *
 * @param scheduled every timer scheduled, by id, with its customer
 * @param fired how many times each timer fired
 * @param cancelled the timers cancelled, with the reason journalled
 * @param actions how many times each action id was emitted
 * @param actionsOfTimer the action ids each timer's firing emitted
 */
public record TimerLedger(
    Map<String, String> scheduled,
    Map<String, Integer> fired,
    Map<String, String> cancelled,
    Map<String, Integer> actions,
    Map<String, List<String>> actionsOfTimer) {

  /** Reads the decisions of the customers whose ids start with {@code prefix}. */
  public static TimerLedger read(TestDatabase database, ActorSystem<?> system, String prefix) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
    TimerLedger ledger =
        new TimerLedger(
            new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());
    // Only events that name a timer or an action can matter; the CBOR payload holds the event
    // kinds as plain text.
    database.query(
        "SELECT persistence_id, event_ser_id, event_ser_manifest, event_payload FROM event_journal"
            + " WHERE persistence_id LIKE 'Customer|"
            + prefix
            + "%' AND (position(convert_to('Timer', 'UTF8') in event_payload) > 0"
            + " OR position(convert_to('ActionEmitted', 'UTF8') in event_payload) > 0)"
            + " ORDER BY persistence_id, sequence_number",
        row -> {
          String customer = row.getString(1).substring("Customer|".length());
          Object event =
              serialization.deserialize(row.getBytes(4), row.getInt(2), row.getString(3)).get();
          JourneysDecided decided = decisionIn((CustomerEvent) event);
          if (decided != null) {
            ledger.add(customer, decided);
          }
          return null;
        });
    return ledger;
  }

  private static JourneysDecided decisionIn(CustomerEvent event) {
    if (event instanceof JourneysDecided decided) {
      return decided;
    }
    if (event instanceof TouchpointRecorded recorded) {
      return recorded.decided();
    }
    if (event instanceof EntryRequested requested) {
      return requested.decided();
    }
    return null;
  }

  private void add(String customer, JourneysDecided decided) {
    for (JourneyEvent event : decided.events()) {
      if (event instanceof TimerScheduled s) {
        scheduled.put(s.timer().id(), customer);
      } else if (event instanceof TimerFired f) {
        fired.merge(f.timer().id(), 1, Integer::sum);
      } else if (event instanceof TimerCancelled c) {
        cancelled.put(c.timer().id(), c.reason());
      } else if (event instanceof ActionEmitted a) {
        actions.merge(a.action().id(), 1, Integer::sum);
        // A timer's decision names the timer as its cause.
        if (scheduled.containsKey(decided.cause())) {
          actionsOfTimer
              .computeIfAbsent(decided.cause(), t -> new ArrayList<>())
              .add(a.action().id());
        }
      }
    }
  }

  /** Timers neither fired nor cancelled yet. */
  public List<String> pending() {
    return scheduled.keySet().stream()
        .filter(id -> !fired.containsKey(id) && !cancelled.containsKey(id))
        .sorted()
        .toList();
  }

  /**
   * What breaks "each timer fired once or was cancelled, and each firing emitted one action, each
   * action once": empty when nothing does.
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    fired.forEach(
        (id, times) -> {
          if (times != 1) {
            problems.add(id + " fired " + times + " times");
          }
          if (!scheduled.containsKey(id)) {
            problems.add(id + " fired but never scheduled");
          }
          if (cancelled.containsKey(id)) {
            problems.add(id + " fired and was cancelled");
          }
          int emitted = actionsOfTimer.getOrDefault(id, List.of()).size();
          if (emitted != 1) {
            problems.add(id + " emitted " + emitted + " actions");
          }
        });
    actions.forEach(
        (id, times) -> {
          if (times != 1) {
            problems.add("action " + id + " emitted " + times + " times");
          }
        });
    pending().forEach(id -> problems.add(id + " neither fired nor cancelled"));
    return problems;
  }

  /** How many timers were cancelled for each reason. */
  public Map<String, Long> cancelReasons() {
    Map<String, Long> reasons = new TreeMap<>();
    cancelled.values().forEach(reason -> reasons.merge(String.valueOf(reason), 1L, Long::sum));
    return reasons;
  }

  public int firedCount() {
    return fired.size();
  }
}
