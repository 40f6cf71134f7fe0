package io.itinera.journeys.simulate;

import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;

/** One timed line of a simulation script. */
sealed interface Step {

  Instant at();

  /**
   * A touchpoint from a customer.
   *
   * @param text the line as written after its time, echoed in the trace
   */
  record Send(Instant at, String customerId, Touchpoint touchpoint, String text) implements Step {}

  /** A one-off run of a journey's segment entry (a broadcast), over every customer so far. */
  record Run(Instant at, String journey) implements Step {}

  /** Where the simulation stops: timers due by then fire, later ones never do. */
  record End(Instant at) implements Step {}
}
