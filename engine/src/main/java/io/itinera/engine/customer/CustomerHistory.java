package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerEvent.JourneysDecided;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * A customer's journey decisions as the journal holds them, newest last: what a support agent
 * reads to learn why someone got (or did not get) a message. Read from the journal, not from the
 * entity's state, so the state stays small and the history is complete.
 */
public final class CustomerHistory {

  /** One decision, with its place in the customer's journal. */
  public record Entry(long sequenceNr, long writtenAt, JourneysDecided decided) {}

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;

  public CustomerHistory(ActorSystem<?> system) {
    this.system = system;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** The customer's last {@code limit} decisions, oldest first. */
  public CompletionStage<List<Entry>> decisions(String customerId, int limit) {
    String persistenceId = PersistenceId.of(CustomerEntity.TYPE_KEY.name(), customerId).id();
    return journal
        .currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .filter(envelope -> envelope.event() instanceof JourneysDecided)
        .runFold(
            (Deque<Entry>) new ArrayDeque<Entry>(),
            (kept, envelope) -> keepLast(kept, entry(envelope), limit),
            system)
        .thenApply(List::copyOf);
  }

  private static Entry entry(EventEnvelope envelope) {
    return new Entry(
        envelope.sequenceNr(), envelope.timestamp(), (JourneysDecided) envelope.event());
  }

  private static Deque<Entry> keepLast(Deque<Entry> kept, Entry entry, int limit) {
    kept.addLast(entry);
    if (kept.size() > limit) {
      kept.removeFirst();
    }
    return kept;
  }
}
