package io.itinera.journeys.model;

import java.time.Duration;
import java.util.Map;

/**
 * Something to do on a channel: show a popup on the web, send an e-mail... The channel integration
 * receives it with its template and parameters.
 *
 * @param name unique within its list; defaults to the template
 * @param type what the channel does with it (send, show, push...)
 * @param offer the offer it carries, or null; the same offer is never sent twice within the
 *     cooldown
 * @param params template parameters, as text
 * @param delay how long after the trigger to perform it, {@link Duration#ZERO} for at once
 */
public record Action(
    String name,
    String channel,
    String type,
    String template,
    String offer,
    Map<String, String> params,
    Duration delay) {

  public Action {
    name = name == null ? template : name;
    params = Map.copyOf(params);
    delay = delay == null ? Duration.ZERO : delay;
  }
}
