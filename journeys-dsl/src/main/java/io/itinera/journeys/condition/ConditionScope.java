package io.itinera.journeys.condition;

/**
 * Which variables a condition may use: entry conditions without a touchpoint see only the customer,
 * every other condition is evaluated against a touchpoint and sees both.
 */
public enum ConditionScope {
  CUSTOMER_ONLY,
  EVENT_AND_CUSTOMER
}
