package io.itinera.engine.customer;

import io.itinera.protocol.CborSerializable;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/** What a customer's entity can be asked to do. */
public sealed interface CustomerCommand extends CborSerializable {

  /**
   * Record touchpoints of this customer, in their order, atomically: either all new ones are in
   * the journal when the reply comes, or none is and the reply is an error. Touchpoints whose
   * {@code messageId} the customer has already seen are acknowledged and not applied again.
   */
  record RecordTouchpoints(List<Touchpoint> touchpoints, ActorRef<StatusReply<Recorded>> replyTo)
      implements CustomerCommand {}

  /** The customer's current state, for the read API. */
  record GetCustomer(ActorRef<CustomerState> replyTo) implements CustomerCommand {}

  /** The reply to {@link RecordTouchpoints}: how many were new and how many were repeats. */
  record Recorded(int recorded, int duplicates) implements CborSerializable {}
}
