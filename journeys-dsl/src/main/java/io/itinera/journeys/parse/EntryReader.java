package io.itinera.journeys.parse;

import io.itinera.journeys.entry.RunSchedule;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.Entry;
import io.itinera.journeys.model.EntrySchedule;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads an entry by runs: {@code segment} (a condition over each indexed customer) with a {@code
 * schedule} ({@code every}/{@code at}/{@code zone} or {@code cron}) or {@code broadcast: true}.
 * Kept apart from the parser, whose touchpoint entries know nothing of schedules.
 */
final class EntryReader {

  private static final Duration SHORTEST_STEP = Duration.ofMinutes(15);

  private final NodeReader nodes;

  EntryReader(NodeReader nodes) {
    this.nodes = nodes;
  }

  Entry byRuns(NodeReader.Fields fields, String path, String stage) {
    for (String touchpointKey : new String[] {"event", "when"}) {
      if (fields.has(touchpointKey)) {
        nodes.error(
            fields.keyPosition(touchpointKey),
            "'"
                + touchpointKey
                + "' enters on a touchpoint, 'segment' through runs over the customer index; use"
                + " one or the other");
      }
    }
    Condition segment =
        fields
            .required(
                "segment",
                "say which customers a run enters, e.g. segment: \"customer.lastSeen < now -"
                    + " duration('1440h')\"")
            .map(n -> nodes.condition(n, path + "/segment"))
            .orElse(null);
    boolean broadcast = fields.optional("broadcast").map(this::broadcast).orElse(false);
    EntrySchedule schedule = null;
    if (fields.has("schedule") && broadcast) {
      nodes.error(
          fields.keyPosition("broadcast"),
          "a broadcast is a single run and takes no 'schedule'; remove one of them");
    } else if (fields.has("schedule")) {
      schedule =
          nodes.mapping(
              fields.get("schedule"), path + "/schedule", Section.SCHEDULE, this::schedule);
    } else if (broadcast) {
      schedule = new EntrySchedule.Once();
    } else if (segment != null) {
      nodes.error(
          fields.keyPosition("segment"),
          "a segment needs a 'schedule' (e.g. schedule: {every: 1d, at: \"09:00\"}) or"
              + " 'broadcast: true' for a single run");
    }
    return new Entry(null, null, stage, segment, schedule);
  }

  private boolean broadcast(Node node) {
    String text = nodes.text(node);
    if ("true".equals(text)) {
      return true;
    }
    if (text != null && !"false".equals(text)) {
      nodes.error(NodeReader.position(node), "broadcast is true or false, not '" + text + "'");
    }
    return false;
  }

  private EntrySchedule schedule(NodeReader.Fields fields, String path) {
    String zone = fields.optional("zone").map(nodes::zone).orElse(null);
    if (fields.has("cron")) {
      if (fields.has("every") || fields.has("at")) {
        nodes.error(
            fields.keyPosition("cron"),
            "a cron expression says the times itself; drop 'every' and 'at', or drop 'cron'");
      }
      if (EntrySchedule.CUSTOMER_ZONE.equals(zone)) {
        nodes.error(
            fields.keyPosition("zone"),
            "'zone: customer' goes with 'every' and 'at'; a cron schedule takes a zone id such as"
                + " Europe/Paris");
      }
      Node node = fields.get("cron");
      String expression = nodes.text(node);
      if (expression == null) {
        return null;
      }
      Optional<String> problem = RunSchedule.cronProblem(expression);
      if (problem.isPresent()) {
        nodes.error(
            NodeReader.position(node),
            "'"
                + expression
                + "' is not a cron expression ("
                + problem.get()
                + "); write five fields, minute hour day-of-month month day-of-week, e.g. \"0 9 * *"
                + " 1\"");
        return null;
      }
      return new EntrySchedule.Cron(expression, zone);
    }
    Duration every =
        fields.requiredDuration("every", "say how often runs go, e.g. every: 1d, or write a cron");
    LocalTime at = fields.optional("at").map(nodes::timeOfDay).orElse(null);
    if (every != null && every.compareTo(SHORTEST_STEP) < 0) {
      nodes.error(
          NodeReader.position(fields.get("every")),
          "runs every "
              + every.toMinutes()
              + " minutes would overlap; a schedule runs at most every 15m");
      return null;
    }
    if (every != null
        && EntrySchedule.CUSTOMER_ZONE.equals(zone)
        && !every.equals(Duration.ofDays(1))) {
      nodes.error(
          fields.keyPosition("zone"),
          "'zone: customer' enters each customer at 'at' in their own zone, once a day; write"
              + " every: 1d");
      return null;
    }
    return every == null ? null : new EntrySchedule.Every(every, at, zone);
  }
}
