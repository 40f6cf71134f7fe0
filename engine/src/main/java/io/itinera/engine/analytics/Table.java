package io.itinera.engine.analytics;

import java.util.List;

/**
 * The aggregate tables of analytics, with the columns of their keys in the order a {@link Counter}
 * lists them (the segment last), and the counts they hold.
 */
enum Table {
  JOURNEY("analytics_journey_day", List.of("journey", Quoted.DAY, "version", "arm")),
  STAGE("analytics_stage_day", List.of("journey", Quoted.DAY, "version", "arm", "stage")),
  TRANSITION(
      "analytics_transition_day",
      List.of("journey", Quoted.DAY, "version", "arm", "from_stage", "to_stage")),
  STAGE_TIME(
      "analytics_stage_time", List.of("journey", Quoted.DAY, "version", "arm", "stage", "bucket")),
  ACTION(
      "analytics_action_day",
      List.of("journey", Quoted.DAY, "version", "arm", "stage", "channel", "template", "outcome")),
  SPLIT("analytics_split_day", List.of("journey", "split", Quoted.DAY, "version", "arm"));

  /** The day column: a keyword in H2, so quoted everywhere (the same column on PostgreSQL). */
  static final String DAY = Quoted.DAY;

  /** Apart, so the constants above may use it. */
  private static final class Quoted {
    static final String DAY = "\"day\"";
  }

  final String table;
  final List<String> keyColumns;

  Table(String table, List<String> keyColumns) {
    this.table = table;
    this.keyColumns = keyColumns;
  }

  /** The key's columns and the segment, as the primary key lists them. */
  List<String> allKeyColumns() {
    return java.util.stream.Stream.concat(
            keyColumns.stream(), java.util.stream.Stream.of("segment"))
        .toList();
  }
}
