package io.itinera.engine.customer;

import io.itinera.protocol.CborSerializable;
import io.itinera.protocol.touchpoint.Touchpoint;

/** What happened to a customer: the entries of its journal. */
public sealed interface CustomerEvent extends CborSerializable {

  /** A touchpoint was accepted for this customer. */
  record TouchpointRecorded(Touchpoint touchpoint) implements CustomerEvent {}
}
