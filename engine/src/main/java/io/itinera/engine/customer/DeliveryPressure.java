package io.itinera.engine.customer;

import java.util.Optional;

/**
 * What the delivery side tells admission: a channel whose due webhooks wait longer than the bound,
 * if any. Read on every write, so it must answer from memory.
 */
@FunctionalInterface
public interface DeliveryPressure {

  DeliveryPressure NONE = Optional::empty;

  Optional<Shed.DeliveryBehind> behind();
}
