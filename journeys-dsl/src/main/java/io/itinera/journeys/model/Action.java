package io.itinera.journeys.model;

import java.time.Duration;
import java.util.Map;

/**
 * Something to do on a channel: show a popup on the web, send an e-mail... The channel integration
 * receives it with its template and parameters. An action may instead (or as well) change the
 * customer's traits ({@code set}).
 *
 * @param name unique within its list; defaults to the template
 * @param type what the channel does with it (send, show, push...)
 * @param offer the offer it carries, or null; the same offer is never sent twice within the
 *     cooldown
 * @param params template parameters, as text (Liquid templates, rendered when decided)
 * @param delay how long after the trigger to perform it, {@link Duration#ZERO} for at once
 * @param when a guard over the customer (and the event, where one fired it), or null for always
 * @param until a wait for a time of day or relative to a date trait, or null: the fixed {@code
 *     delay} alone
 * @param content the message itself (subject, body) as Liquid templates, or null
 * @param set traits this action sets on the customer: trait name to a CEL expression; empty for
 *     none
 */
public record Action(
    String name,
    String channel,
    String type,
    String template,
    String offer,
    Map<String, String> params,
    Duration delay,
    Condition when,
    Wait until,
    Content content,
    Map<String, Condition> set) {

  public Action {
    name = name == null ? template : name;
    params = Map.copyOf(params);
    delay = delay == null ? Duration.ZERO : delay;
    set = set == null ? Map.of() : Map.copyOf(set);
  }

  /** An action with none of the second edition's parts (guard, wait, content, trait changes). */
  public Action(
      String name,
      String channel,
      String type,
      String template,
      String offer,
      Map<String, String> params,
      Duration delay) {
    this(name, channel, type, template, offer, params, delay, null, null, null, Map.of());
  }

  /**
   * The message an action carries, as Liquid templates rendered when the action is decided.
   *
   * @param subject the subject line, or null
   * @param body the body, or null
   */
  public record Content(String subject, String body) {}
}
