package io.itinera.engine.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * An action that went out, as engagement attribution needs it (a row of {@code analytics_action}):
 * a touchpoint naming its id counts under the action's journey, stage, channel, template, and the
 * arm, segments and entry day of the customer when it went out; once, however often they click.
 */
record EmittedAction(
    String actionId,
    String customerId,
    String journey,
    int version,
    LocalDate day,
    String arm,
    List<String> segments,
    String stage,
    String channel,
    String template,
    boolean engaged,
    Instant emittedAt) {

  EmittedAction {
    segments = List.copyOf(segments);
  }

  EmittedAction asEngaged() {
    return new EmittedAction(
        actionId,
        customerId,
        journey,
        version,
        day,
        arm,
        segments,
        stage,
        channel,
        template,
        true,
        emittedAt);
  }

  List<String> countedUnder() {
    List<String> under = new ArrayList<>(segments.size() + 1);
    under.add(AnalyticsCounts.ALL);
    under.addAll(segments);
    return under;
  }
}
