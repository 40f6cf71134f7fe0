package io.itinera.engine.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.itinera.journeys.decision.PlannedAction;
import io.itinera.journeys.model.Action;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

/**
 * An action as the outside world sees it: a CloudEvent 1.0 in structured mode ({@code
 * application/cloudevents+json}), the same document in a webhook's body, a pull page and a stream
 * event. Built once, when the action is queued, so every attempt sends the very same bytes.
 *
 * <ul>
 *   <li>{@code id}: the action id, the idempotency key (also {@code webhook-id})
 *   <li>{@code source}: {@code <itinera.delivery.source>/journeys/<journey>}
 *   <li>{@code type}: {@code io.itinera.action.<channel>.<type>}, e.g. {@code
 *       io.itinera.action.email.send}
 *   <li>{@code subject}: the customer id
 *   <li>{@code time}: when the journeys decided it
 *   <li>{@code data}: {@link ActionData}
 * </ul>
 */
public final class ActionEvents {

  public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;
  public static final String TYPE_PREFIX = "io.itinera.action.";

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

  private static final EventFormat FORMAT = new JsonFormat();

  /**
   * The action for the channel: what to do, for whom, and where it came from.
   *
   * @param action the action's name in its journey (defaults to its template)
   * @param type what the channel does with it: send, show, push...
   * @param params the action's params, as rendered for the customer when decided
   * @param content the subject and body, rendered when decided; absent when the action has none
   */
  public record ActionData(
      String actionId,
      String customerId,
      String channel,
      String type,
      String action,
      String template,
      String offer,
      Map<String, String> params,
      String journey,
      int journeyVersion,
      String stage,
      String trigger,
      Instant decidedAt,
      Action.Content content) {

    PlannedAction toPlannedAction() {
      return new PlannedAction(
          actionId,
          journey,
          journeyVersion,
          stage,
          trigger,
          action,
          channel,
          type,
          template,
          offer,
          params,
          content);
    }
  }

  private final String source;

  /**
   * @param source the {@code itinera.delivery.source} prefix
   */
  public ActionEvents(String source) {
    this.source = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
  }

  /** The CloudEvent JSON of an action decided for a customer at {@code decidedAt}. */
  public String toJson(PlannedAction action, String customerId, Instant decidedAt) {
    ActionData data =
        new ActionData(
            action.id(),
            customerId,
            action.channel(),
            action.type(),
            action.name(),
            action.template(),
            action.offer(),
            action.params(),
            action.journey(),
            action.version(),
            action.stage(),
            action.trigger(),
            decidedAt,
            action.content());
    CloudEvent event =
        CloudEventBuilder.v1()
            .withId(action.id())
            .withSource(URI.create(source + "/journeys/" + action.journey()))
            .withType(type(action.channel(), action.type()))
            .withSubject(customerId)
            .withTime(decidedAt.atOffset(ZoneOffset.UTC))
            .withData("application/json", JsonCloudEventData.wrap(MAPPER.valueToTree(data)))
            .build();
    return new String(FORMAT.serialize(event), StandardCharsets.UTF_8);
  }

  /** {@code io.itinera.action.<channel>.<type>}, lower case. */
  static String type(String channel, String type) {
    return TYPE_PREFIX
        + channel.toLowerCase(Locale.ROOT)
        + "."
        + (type == null || type.isBlank() ? "perform" : type.toLowerCase(Locale.ROOT));
  }

  /** The action inside a stored CloudEvent. */
  static ActionData data(String json) {
    try {
      JsonNode event = MAPPER.readTree(json);
      return MAPPER.treeToValue(event.get("data"), ActionData.class);
    } catch (IOException e) {
      throw new IllegalStateException(
          "A stored action event is not readable: " + e.getMessage(), e);
    }
  }
}
