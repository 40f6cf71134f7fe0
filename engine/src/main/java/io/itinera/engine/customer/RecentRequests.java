package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerCommand.Recorded;
import java.util.ArrayDeque;

/**
 * What a customer's entity answered its last few writes, by request id, so that the gateway's
 * resend of a write that was only slow gets the answer the write got: its touchpoints counted as
 * recorded, with their actions, not as duplicates of themselves.
 *
 * <p>In memory only, for the life of the entity: lost on a passivation (after minutes idle, far
 * beyond a resend), a hand-off to another node, or a restart after a write the journal reported
 * failed yet had stored. A resend that reaches the entity after one of those is answered as
 * duplicates without actions, as before; persisting request ids would cost every event bytes for
 * those rare cases. The cost is heap: up to {@link #KEEP} answers per resident customer who wrote.
 */
final class RecentRequests {

  /** Writes from other clients may come between a write and its resend; a resend comes soon. */
  private static final int KEEP = 4;

  private record Answered(long requestId, Recorded reply) {}

  /** Null until the entity's first write: one only read or woken holds nothing. */
  private ArrayDeque<Answered> answered;

  /** The answer request {@code requestId} got, or null if it got none lately (or is 0: none). */
  Recorded answerTo(long requestId) {
    if (requestId == 0 || answered == null) {
      return null;
    }
    for (Answered earlier : answered) {
      if (earlier.requestId() == requestId) {
        return earlier.reply();
      }
    }
    return null;
  }

  void remember(long requestId, Recorded reply) {
    if (requestId == 0) {
      return;
    }
    if (answered == null) {
      answered = new ArrayDeque<>(KEEP);
    } else if (answered.size() == KEEP) {
      answered.removeFirst();
    }
    answered.addLast(new Answered(requestId, reply));
  }

  /** Forgets every answer: an erasure leaves nothing of the customer's, their actions included. */
  void forget() {
    answered = null;
  }
}
