package io.itinera.journeys.model;

import java.time.Duration;
import java.time.LocalTime;

/**
 * When a segment entry runs: the instants at which the engine pages through its customer index and
 * enters the customers the segment matches. Each instant is one durable run.
 */
public sealed interface EntrySchedule {

  /** The zone value that means "each customer's own {@code timezone} trait". */
  String CUSTOMER_ZONE = "customer";

  /**
   * Every {@code every}, at {@code at} (null: from midnight) in {@code zone}.
   *
   * @param zone an IANA zone id, or {@code customer}: then the run goes every hour and enters only
   *     the customers for whom it is {@code at}'s hour in their {@code timezone} trait (UTC without
   *     one), so each is entered at their own morning
   */
  record Every(Duration every, LocalTime at, String zone) implements EntrySchedule {}

  /** A Unix cron expression ({@code "0 9 * * 1"}: minute hour day-of-month month day-of-week). */
  record Cron(String expression, String zone) implements EntrySchedule {}

  /** A broadcast: a single run, as soon as the journey's version is deployed. */
  record Once() implements EntrySchedule {}
}
