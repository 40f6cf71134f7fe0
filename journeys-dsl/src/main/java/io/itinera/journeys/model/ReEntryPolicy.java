package io.itinera.journeys.model;

import java.time.Duration;

/** Whether a customer who left the journey may enter it again. */
public sealed interface ReEntryPolicy {

  /** Once in a customer's life. */
  record Never() implements ReEntryPolicy {}

  /** Whenever the entry matches again after leaving. */
  record Always() implements ReEntryPolicy {}

  /** Again, but only once {@code cooldown} has passed since leaving. */
  record AfterCooldown(Duration cooldown) implements ReEntryPolicy {}
}
