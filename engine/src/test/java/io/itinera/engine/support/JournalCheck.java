package io.itinera.engine.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the journal holds after a fault test, read straight from PostgreSQL. */
public final class JournalCheck {

  private JournalCheck() {}

  /**
   * How many times each message id of the stream is in a {@code TouchpointRecorded} event: the CBOR
   * payload holds the id as plain UTF-8.
   */
  public static Map<String, Integer> recordedMessageIds(TestDatabase database, String prefix) {
    Pattern id = Pattern.compile(Pattern.quote(prefix) + "-c\\d{3}-\\d{5}");
    Map<String, Integer> counts = new HashMap<>();
    List<String> problems = new ArrayList<>();
    database.query(
        "SELECT persistence_id, event_payload FROM event_journal"
            + " WHERE event_ser_manifest LIKE '%TouchpointRecorded'",
        row -> {
          String payload = new String(row.getBytes(2), StandardCharsets.ISO_8859_1);
          Set<String> ids = new HashSet<>();
          Matcher m = id.matcher(payload);
          while (m.find()) {
            ids.add(m.group());
          }
          if (ids.size() != 1) {
            problems.add(row.getString(1) + " has an event naming " + ids);
          }
          ids.forEach(found -> counts.merge(found, 1, Integer::sum));
          return null;
        });
    assertTrue(problems.isEmpty(), () -> "Events with other than one message id: " + problems);
    return counts;
  }

  /** Per customer id, how many of its decisions fired a timer. */
  public static Map<String, Long> timersFired(TestDatabase database) {
    Map<String, Long> fired = new HashMap<>();
    database.query(
        "SELECT persistence_id, count(*) FROM event_journal"
            + " WHERE event_ser_manifest LIKE '%JourneysDecided'"
            + " AND position(convert_to('TimerFired', 'UTF8') in event_payload) > 0"
            + " GROUP BY persistence_id",
        row -> fired.put(row.getString(1).substring("Customer|".length()), row.getLong(2)));
    return fired;
  }

  /**
   * Every acknowledged touchpoint is in the journal exactly once, and nothing else of the stream is
   * (the client retried every touchpoint until it was acknowledged).
   */
  public static void assertExactlyOnce(
      TouchpointStream stream, TestDatabase database, String prefix) {
    assertEquals(List.of(), stream.givenUp(), "touchpoints never acknowledged");
    Map<String, Integer> recorded = recordedMessageIds(database, prefix);
    List<String> missing = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    Set<String> acknowledged = new HashSet<>();
    stream
        .acknowledged()
        .values()
        .forEach(
            ids ->
                ids.forEach(
                    messageId -> {
                      acknowledged.add(messageId);
                      int times = recorded.getOrDefault(messageId, 0);
                      if (times == 0) {
                        missing.add(messageId);
                      } else if (times > 1) {
                        twice.add(messageId + " x" + times);
                      }
                    }));
    List<String> unacknowledged =
        recorded.keySet().stream().filter(id -> !acknowledged.contains(id)).sorted().toList();
    assertEquals(List.of(), missing, "acknowledged but not in the journal");
    assertEquals(List.of(), twice, "in the journal more than once");
    assertEquals(List.of(), unacknowledged, "in the journal but never acknowledged");
    assertEquals(stream.acknowledgedCount(), recorded.size());
  }
}
