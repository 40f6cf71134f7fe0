package io.itinera.engine.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.engine.support.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

/**
 * The read journal's tag query with its ordering range on the tag table too: for every tag the
 * engine writes, the query yields exactly the tag's rows, in ordering order, paging through them in
 * polls smaller than the tag's history (max-buffer-size 7 here), as the plugin's own query did.
 */
class TagRangeReadJournalDaoTest {

  private static final String JOURNEY = TestJourneys.cartReminder("dao-range", 1, "1h", "reminder");

  @Test
  void everyTagReadsItsOwnRowsInOrderPollAfterPoll() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("dao_range")) {
      ItineraNode node = startNode(database);
      try {
        assertEquals(
            TagRangeReadJournalDao.class.getName(),
            node.system().settings().config().getString("jdbc-read-journal.dao"));
        ApiClient api = new ApiClient(node.httpPort());
        assertEquals(201, api.deployJourney("dao-range", JOURNEY).status());
        for (int c = 0; c < 40; c++) {
          for (String event : List.of("Page Viewed", "Product Added", "Page Viewed")) {
            String body = "{\"userId\":\"range-" + c + "\",\"event\":\"" + event + "\"}";
            assertEquals(200, api.post("/v1/track", body).status());
          }
        }
        List<String> tags =
            database.query("SELECT DISTINCT tag FROM event_tag ORDER BY tag", r -> r.getString(1));
        assertTrue(tags.size() >= 4, "tags written: " + tags);
        int paged = 0;
        JdbcReadJournal journal =
            PersistenceQuery.get(node.system())
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        for (String tag : tags) {
          List<Long> expected =
              database.query(
                  "SELECT event_id FROM event_tag WHERE tag = '" + tag + "' ORDER BY event_id",
                  r -> r.getLong(1));
          List<Long> read = offsets(journal, tag, Offset.noOffset(), node);
          assertEquals(expected, read, tag);
          paged += expected.size() > 7 ? 1 : 0;
          // From an offset in the middle: only what follows it.
          if (expected.size() > 2) {
            long middle = expected.get(expected.size() / 2);
            List<Long> rest = offsets(journal, tag, Offset.sequence(middle), node);
            assertEquals(expected.subList(expected.size() / 2 + 1, expected.size()), rest, tag);
          }
        }
        // Tags longer than max-buffer-size 7 were read in more than one poll.
        assertTrue(paged > 0, "no tag had more than 7 rows: " + tags);
      } finally {
        TestNode.stop(node);
      }
    }
  }

  /**
   * A journal slice (the customer index's pseudo tag) reads exactly the rows of its customers, in
   * order, whatever lies between them: here the first 30 rows belong to other slices, four polls'
   * worth, which a poll must walk past rather than answer empty (the plugin would then skip to the
   * end of the range). Ids with the {@code |} and {@code %} that persistence ids escape fall in the
   * slice of their own id, as the tags did.
   */
  @Test
  void aJournalSliceReadsItsCustomersRowsAcrossStretchesOfOthers() throws Exception {
    try (TestDatabase database = TestDatabase.createFresh("dao_slices")) {
      ItineraNode node = startNode(database);
      try {
        ApiClient api = new ApiClient(node.httpPort());
        List<String> others = new ArrayList<>();
        List<String> ours = new ArrayList<>();
        for (int c = 0; others.size() < 10 || ours.size() < 6; c++) {
          String id = (c % 3 == 0 ? "auth0|" : c % 3 == 1 ? "p%7C" : "s-") + c;
          (JournalSlices.slice(id, 4) == 0 ? ours : others).add(id);
        }
        List<String> order = new ArrayList<>(others.subList(0, 10));
        order.addAll(ours.subList(0, 6));
        order.addAll(others.subList(0, 4));
        for (String id : order) {
          for (String event : List.of("Page Viewed", "Product Viewed", "Page Viewed")) {
            String body = "{\"userId\":\"" + id + "\",\"event\":\"" + event + "\"}";
            assertEquals(200, api.post("/v1/track", body).status(), body);
          }
        }
        JdbcReadJournal journal =
            PersistenceQuery.get(node.system())
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        for (int slice = 0; slice < 4; slice++) {
          int s = slice;
          List<Long> expected =
              database
                  .query(
                      "SELECT ordering, persistence_id FROM event_journal ORDER BY ordering",
                      r -> Map.entry(r.getLong(1), r.getString(2)))
                  .stream()
                  .filter(
                      row -> JournalSlices.slice(JournalSlices.entityId(row.getValue()), 4) == s)
                  .map(Map.Entry::getKey)
                  .toList();
          List<Long> read = offsets(journal, JournalSlices.tag(slice, 4), Offset.noOffset(), node);
          assertEquals(expected, read, "slice " + slice);
        }
        List<Long> sliceZero = offsets(journal, JournalSlices.tag(0, 4), Offset.noOffset(), node);
        assertEquals(18, sliceZero.size(), "six customers of slice 0, three events each");
        assertTrue(sliceZero.get(0) > 30, "the first 30 rows are other slices': " + sliceZero);
        assertEquals(
            List.of(0L),
            database.query("SELECT count(*) FROM event_tag", r -> r.getLong(1)),
            "no journey deployed, so no event carries a tag");
      } finally {
        TestNode.stop(node);
      }
    }
  }

  /** The offsets of what the journal holds for a tag, from an offset on. */
  private static List<Long> offsets(
      JdbcReadJournal journal, String tag, Offset from, ItineraNode node) throws Exception {
    return journal
        .currentEventsByTag(tag, from)
        .map(envelope -> ((Sequence) envelope.offset()).value())
        .runWith(Sink.seq(), node.system())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /** A node on the database whose read journal polls at most 7 rows at a time. */
  private static ItineraNode startNode(TestDatabase database) {
    return TestNode.start(
        Map.of("itinera.db.url", database.url(), "jdbc-read-journal.max-buffer-size", 7));
  }
}
