package io.itinera.engine.customer;

import io.itinera.engine.customer.CustomerCommand.Recorded;
import java.util.ArrayDeque;

/**
 * What a customer's entity answered its last few writes, by request id, so that the gateway's
 * resend of a write that was only slow gets the answer the write got: its touchpoints counted as
 * recorded, with their actions, not as duplicates of themselves.
 *
 * <p>In memory only, in the entity's behavior: it outlives the restart after a failed write (the
 * same behavior restarts) but not a passivation (after minutes idle, far beyond a resend) or a
 * hand-off to another node. A resend that reaches a new incarnation is answered as duplicates, as
 * before; persisting request ids would cost every event bytes for that rare case.
 */
final class RecentRequests {

  /** Writes from other clients may come between a write and its resend; a resend comes soon. */
  private static final int KEEP = 4;

  private record Answered(long requestId, Recorded reply) {}

  /** Null until the first write: most resident customers are only read or woken. */
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
}
