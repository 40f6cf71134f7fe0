package io.itinera.loadtest.cluster;

import io.itinera.loadtest.driver.OpenLoad.Outcome;
import io.itinera.loadtest.driver.OpenLoad.Second;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The journal against the acknowledgements: without journeys each touchpoint recorded is exactly
 * one event carrying its messageId, so every request answered 200 must be in the journal once.
 */
final class JournalCheck {

  /** The entity's persistence ids: {@code PersistenceId.of("Customer", id)}. */
  private static final String PERSISTENCE_PREFIX = "Customer|" + ScaleOutBenchmark.CUSTOMER_PREFIX;

  private JournalCheck() {}

  /**
   * Reads every touchpoint event of the benchmark's customers and its messageId (a text string in
   * the CBOR payload), and compares them with the requests answered 200.
   */
  static void check(
      String url,
      Second[] warm,
      Second[] measured,
      List<Outcome> warmOutcomes,
      List<Outcome> outcomes)
      throws Exception {
    int answered = Second.merge(warm).answered() + Second.merge(measured).answered();
    Set<String> acknowledged = new HashSet<>();
    Set<String> failed = new HashSet<>();
    for (List<Outcome> phase : List.of(warmOutcomes, outcomes)) {
      for (Outcome outcome : phase) {
        (outcome.acknowledged() ? acknowledged : failed).add(outcome.messageId());
      }
    }
    Journal journal = Journal.read(url);
    long rows = journal.rows();
    Map<String, Integer> recorded = journal.recorded();
    int unreadable = journal.unreadable();
    System.out.printf(
        "RESULT journal: %d touchpoints recorded; %d requests answered 200 (warm-up %d + measured %d);"
            + " difference %+d%n",
        rows,
        answered,
        Second.merge(warm).answered(),
        Second.merge(measured).answered(),
        rows - answered);
    if (answered != acknowledged.size()) {
      System.out.printf(
          "RESULT (the outcomes hold %d acknowledged messageIds)%n", acknowledged.size());
    }
    if (unreadable > 0) {
      System.out.printf(
          "RESULT %d journal rows without a readable messageId: only the counts compare%n",
          unreadable);
    }
    List<String> lost = new ArrayList<>();
    for (String messageId : acknowledged) {
      if (!recorded.containsKey(messageId)) {
        lost.add(messageId);
      }
    }
    List<String> duplicated = new ArrayList<>();
    recorded.forEach(
        (messageId, n) -> {
          if (n > 1) duplicated.add(messageId + " x" + n);
        });
    measuredFailures(outcomes, recorded, unreadable);
    verdict(journal, answered, acknowledged, failed, lost, duplicated);
  }

  /**
   * Whether the measured phase's failed requests were recorded all the same (answered too late).
   */
  private static void measuredFailures(
      List<Outcome> outcomes, Map<String, Integer> recorded, int unreadable) {
    int measuredFailed = 0;
    int measuredFailedRecorded = 0;
    for (Outcome outcome : outcomes) {
      if (!outcome.acknowledged()) {
        measuredFailed++;
        if (recorded.containsKey(outcome.messageId())) {
          measuredFailedRecorded++;
        }
      }
    }
    if (measuredFailed > 0 && unreadable == 0) {
      System.out.printf(
          "RESULT the measured phase's %d failed requests: %d recorded all the same (answered too late),"
              + " %d not recorded (a client must retry them)%n",
          measuredFailed, measuredFailedRecorded, measuredFailed - measuredFailedRecorded);
    }
  }

  /** Nothing lost and nothing duplicated, or what was. */
  private static void verdict(
      Journal journal,
      int answered,
      Set<String> acknowledged,
      Set<String> failed,
      List<String> lost,
      List<String> duplicated) {
    long rows = journal.rows();
    Map<String, Integer> recorded = journal.recorded();
    int unreadable = journal.unreadable();
    int failedButRecorded = 0;
    int unknown = 0;
    for (String messageId : recorded.keySet()) {
      if (failed.contains(messageId)) {
        failedButRecorded++;
      } else if (!acknowledged.contains(messageId)) {
        unknown++;
      }
    }
    if (unreadable == 0 && lost.isEmpty() && duplicated.isEmpty()) {
      System.out.printf(
          "RESULT nothing lost, nothing duplicated: each of the %d acknowledged touchpoints is in the"
              + " journal once%s%n",
          acknowledged.size(),
          failedButRecorded + unknown == 0
              ? ""
              : String.format(
                  "; also recorded: %d requests that failed and %d never answered (not acknowledged,"
                      + " so a client would retry them with the same messageId, deduplicated)",
                  failedButRecorded, unknown));
    } else {
      if (!lost.isEmpty()) {
        Collections.sort(lost);
        System.out.printf(
            "RESULT LOST: %d acknowledged touchpoints are not in the journal, e.g. %s%n",
            lost.size(), lost.subList(0, Math.min(10, lost.size())));
      }
      if (!duplicated.isEmpty()) {
        Collections.sort(duplicated);
        System.out.printf(
            "RESULT DUPLICATED: %d messageIds recorded more than once, e.g. %s%n",
            duplicated.size(), duplicated.subList(0, Math.min(10, duplicated.size())));
      }
      if (unreadable > 0 && rows < answered) {
        System.out.printf(
            "RESULT LOST: %d fewer journal rows than requests answered 200%n", answered - rows);
      } else if (unreadable > 0 && rows > answered + failed.size()) {
        System.out.printf(
            "RESULT DUPLICATED: %d more journal rows than requests sent%n",
            rows - answered - failed.size());
      }
      System.out.printf(
          "RESULT also recorded: %d requests that failed, %d never answered%n",
          failedButRecorded, unknown);
    }
  }

  /**
   * The benchmark's customers' touchpoint events: how many rows, and each messageId (a text string
   * in the CBOR payload) with how often it is there.
   */
  private record Journal(long rows, Map<String, Integer> recorded, int unreadable) {

    static Journal read(String url) throws Exception {
      long rows;
      Map<String, Integer> recorded = new HashMap<>();
      int unreadable = 0;
      try (Connection connection = DriverManager.getConnection(url, "postgres", "");
          Statement statement = connection.createStatement()) {
        try (ResultSet result =
            statement.executeQuery(
                "SELECT count(*) FROM event_journal WHERE persistence_id LIKE '"
                    + PERSISTENCE_PREFIX
                    + "%'")) {
          result.next();
          rows = result.getLong(1);
        }
        try (ResultSet result =
            statement.executeQuery(
                "SELECT substring(encode(event_payload, 'escape') from 'm--?[0-9]+-[0-9]+') FROM event_journal"
                    + " WHERE persistence_id LIKE '"
                    + PERSISTENCE_PREFIX
                    + "%'")) {
          while (result.next()) {
            String messageId = result.getString(1);
            if (messageId == null) {
              unreadable++;
            } else {
              recorded.merge(messageId, 1, Integer::sum);
            }
          }
        }
      }
      return new Journal(rows, recorded, unreadable);
    }
  }
}
