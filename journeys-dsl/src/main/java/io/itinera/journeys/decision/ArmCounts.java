package io.itinera.journeys.decision;

/** How many customers an arm of a split was given, and how many of them reached the goal. */
public record ArmCounts(long assigned, long converted) {

  public static final ArmCounts NONE = new ArmCounts(0, 0);
}
