package io.itinera.journeys.decision;

import io.itinera.journeys.model.Action;
import io.itinera.protocol.CborSerializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One journey action decided for one customer, with where it came from. The id is derived from the
 * customer, the journey, the stage, the trigger, the action and the touchpoint or timer that caused
 * it, so deciding the same thing again (a redelivered touchpoint) gives the same idempotency key.
 *
 * @param trigger the trigger that fired, or {@link #ON_ENTER} for a stage's enter actions
 * @param offer the offer it carries, or null
 * @param params the action's params, rendered for the customer when decided
 * @param content the subject and body, rendered when decided; null when the action has none (and in
 *     events journalled before content existed)
 */
public record PlannedAction(
    String id,
    String journey,
    int version,
    String stage,
    String trigger,
    String name,
    String channel,
    String type,
    String template,
    String offer,
    Map<String, String> params,
    Action.Content content)
    implements CborSerializable {

  public static final String ON_ENTER = "enter";

  public PlannedAction {
    params = params == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(params));
  }

  /** An action without content, as every action was before content existed. */
  public PlannedAction(
      String id,
      String journey,
      int version,
      String stage,
      String trigger,
      String name,
      String channel,
      String type,
      String template,
      String offer,
      Map<String, String> params) {
    this(id, journey, version, stage, trigger, name, channel, type, template, offer, params, null);
  }

  /** The action with its params and content as rendered for the customer. */
  static PlannedAction of(
      String id,
      String journey,
      int version,
      String stage,
      String trigger,
      Action action,
      Map<String, String> params,
      Action.Content content) {
    return new PlannedAction(
        id,
        journey,
        version,
        stage,
        trigger,
        action.name(),
        action.channel(),
        action.type(),
        action.template(),
        action.offer(),
        params,
        content);
  }
}
