package io.itinera.journeys.model;

/**
 * How a customer enters the journey: on a touchpoint (optionally guarded by a condition), or as
 * soon as a condition over the customer's traits holds.
 *
 * @param event the touchpoint that enters, or null to enter on the condition alone
 * @param when the guard, or null
 * @param stage the stage to start in, or null for the first stage
 */
public record Entry(String event, Condition when, String stage) {}
