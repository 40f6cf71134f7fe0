package io.itinera.journeys.model;

/**
 * A touchpoint that takes the customer out of the journey from any stage. Exits are checked before
 * the stage's triggers, so a trigger on an exit touchpoint never fires.
 */
public record Exit(String event, Condition when) {}
