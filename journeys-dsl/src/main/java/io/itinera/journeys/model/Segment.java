package io.itinera.journeys.model;

/**
 * A named group of customers, a CEL condition over the customer alone. Segments are evaluated when
 * a customer enters the journey and recorded with the entry, so analytics can break every figure
 * down by them; they change nothing in how the journey runs.
 */
public record Segment(String name, Condition when) {}
