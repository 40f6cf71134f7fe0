package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A customer's journey decisions as the journal holds them, newest last: what a support agent reads
 * to learn why someone got (or did not get) a message. Read from the journal, not from the entity's
 * state, so the state stays small and the history is complete.
 */
public final class CustomerHistory {

  /** One decision, with its place in the customer's journal. */
  public record Entry(long sequenceNr, long writtenAt, JourneysDecided decided) {}

  /** The touchpoints and decisions among a customer's latest events, oldest first. */
  public record Recent(List<Touchpoint> touchpoints, List<Entry> decisions) {}

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;
  private final CustomerRecords records;

  public CustomerHistory(ActorSystem<?> system, CustomerRecords records) {
    this.system = system;
    this.records = records;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** The customer's last {@code limit} decisions, oldest first. */
  public CompletionStage<List<Entry>> decisions(String customerId, int limit) {
    String persistenceId = CustomerPersistenceId.of(customerId).id();
    return journal
        .currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .runFold(
            (Deque<Entry>) new ArrayDeque<Entry>(),
            (kept, envelope) ->
                decisionIn(envelope)
                    .map(decided -> keepLast(kept, entry(envelope, decided), limit))
                    .orElse(kept),
            system)
        .thenApply(List::copyOf);
  }

  /**
   * The last {@code touchpoints} touchpoints and {@code decisions} decisions among the customer's
   * events after {@code fromSequenceNr}: one bounded read of the journal's tail, so showing a
   * customer costs the same however long their history.
   */
  public CompletionStage<Recent> recent(
      String customerId, long fromSequenceNr, int touchpoints, int decisions) {
    String persistenceId = CustomerPersistenceId.of(customerId).id();
    Deque<Touchpoint> keptTouchpoints = new ArrayDeque<>();
    Deque<Entry> keptDecisions = new ArrayDeque<>();
    return journal
        .currentEventsByPersistenceId(persistenceId, Math.max(0L, fromSequenceNr), Long.MAX_VALUE)
        .runForeach(
            envelope -> {
              if (envelope.event() instanceof TouchpointRecorded recorded) {
                keepLast(keptTouchpoints, recorded.touchpoint(), touchpoints);
              }
              decisionIn(envelope)
                  .ifPresent(
                      decided -> keepLast(keptDecisions, entry(envelope, decided), decisions));
            },
            system)
        .thenApply(done -> new Recent(List.copyOf(keptTouchpoints), List.copyOf(keptDecisions)));
  }

  /**
   * Every event of the customer's journal, oldest first, as a stream (an export reads them all,
   * however many: the journal is read in batches, never held whole).
   */
  public Source<EventEnvelope, NotUsed> journal(String customerId) {
    return journal.currentEventsByPersistenceId(
        CustomerPersistenceId.of(customerId).id(), 0L, Long.MAX_VALUE);
  }

  /** The rows naming the customer outside the journal (deliveries), for an export. */
  public CustomerRecords records() {
    return records;
  }

  private static Optional<JourneysDecided> decisionIn(EventEnvelope envelope) {
    return envelope.event() instanceof CustomerEvent event
        ? CustomerEvent.decisionIn(event)
        : Optional.empty();
  }

  private static Entry entry(EventEnvelope envelope, JourneysDecided decided) {
    return new Entry(envelope.sequenceNr(), envelope.timestamp(), decided);
  }

  private static <T> Deque<T> keepLast(Deque<T> kept, T entry, int limit) {
    kept.addLast(entry);
    if (kept.size() > limit) {
      kept.removeFirst();
    }
    return kept;
  }
}
