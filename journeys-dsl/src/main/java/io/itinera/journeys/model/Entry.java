package io.itinera.journeys.model;

/**
 * How a customer enters the journey: on a touchpoint (optionally guarded by a condition), as soon
 * as a condition over the customer's traits holds, or through a run over the customer index (a
 * segment on a schedule, or a one-off broadcast). Any journey can also be entered through the API.
 *
 * @param event the touchpoint that enters, or null to enter on the condition alone
 * @param when the guard, or null
 * @param stage the stage to start in, or null for the first stage
 * @param segment the condition a run evaluates over each indexed customer (traits, counters, last
 *     seen), or null when the journey is not entered by runs
 * @param schedule when runs go; null unless {@code segment} is set
 */
public record Entry(
    String event, Condition when, String stage, Condition segment, EntrySchedule schedule) {

  public Entry(String event, Condition when, String stage) {
    this(event, when, stage, null, null);
  }

  /** Whether customers enter through runs over the index rather than on their own touchpoints. */
  public boolean byRuns() {
    return segment != null || schedule != null;
  }
}
