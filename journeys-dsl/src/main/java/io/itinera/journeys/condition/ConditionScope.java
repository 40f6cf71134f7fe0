package io.itinera.journeys.condition;

/**
 * Which variables a condition may use: entry conditions without a touchpoint see only the customer,
 * every other condition is evaluated against a touchpoint and sees both. An entry segment is
 * evaluated by a run over the customer index: it sees the customer, when they were last seen and
 * the run's instant ({@code now}).
 */
public enum ConditionScope {
  CUSTOMER_ONLY,
  EVENT_AND_CUSTOMER,
  SEGMENT
}
