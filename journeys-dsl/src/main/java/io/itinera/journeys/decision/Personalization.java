package io.itinera.journeys.decision;

import io.itinera.journeys.condition.EventFacts;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.template.CompiledTemplate;
import io.itinera.journeys.template.Rendering;
import io.itinera.journeys.template.TemplateWatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders an action's Liquid params and content for one customer, within one decision. What the
 * templates see (docs/dsl.md, Personalization): {@code customer} (id, traits, group.traits,
 * groups), {@code event} (name, channel, properties, timestamp; absent when a timer decided),
 * {@code journey} (name, version), {@code stage}, {@code arm} and {@code entry.data}.
 */
final class Personalization {

  /** What becomes of an action's templates: rendered, or stopped with the reason. */
  record Rendered(Map<String, String> params, Action.Content content, String failure) {}

  private final CustomerContext customer;
  private final EventFacts event;
  private final TemplateWatcher watcher;
  private final java.util.function.Supplier<Map<String, Object>> traits;
  private Map<String, Object> customerVariables;
  private Map<String, Object> traitsOfVariables;
  private Map<String, Object> eventVariables;

  /**
   * @param traits the customer's traits as this decision has changed them so far (a journey's
   *     {@code set}), so a template decided after a set reads the new value, as conditions do
   */
  Personalization(
      CustomerContext customer,
      EventFacts event,
      TemplateWatcher watcher,
      java.util.function.Supplier<Map<String, Object>> traits) {
    this.customer = customer;
    this.event = event;
    this.watcher = watcher;
    this.traits = traits;
  }

  /**
   * @param entryData the data the customer entered the journey with (the entries API), as {@code
   *     entry.data}
   */
  Rendered render(
      LoadedJourney loaded,
      String stage,
      String arm,
      Action action,
      Map<String, Object> entryData) {
    if (action.params().isEmpty() && action.content() == null) {
      return new Rendered(Map.of(), null, null);
    }
    Scope scope = new Scope(loaded, stage, arm, action, entryData);
    Map<String, String> params = new HashMap<>(action.params().size() * 2);
    for (Map.Entry<String, String> param : action.params().entrySet()) {
      Rendering rendering = scope.render(param.getValue());
      if (!rendering.completed()) {
        return failed("param " + param.getKey(), rendering);
      }
      params.put(param.getKey(), rendering.text());
    }
    Action.Content content = null;
    if (action.content() != null) {
      Rendering subject = scope.render(action.content().subject());
      if (!subject.completed()) {
        return failed("subject", subject);
      }
      Rendering body = scope.render(action.content().body());
      if (!body.completed()) {
        return failed("body", body);
      }
      content =
          new Action.Content(
              action.content().subject() == null ? null : subject.text(),
              action.content().body() == null ? null : body.text());
    }
    return new Rendered(params, content, null);
  }

  /**
   * One action's templates: the variables are built on the first template that needs them, so an
   * action whose params are plain text costs no map at all.
   */
  private final class Scope {
    private final LoadedJourney loaded;
    private final String stage;
    private final String arm;
    private final Action action;
    private final Map<String, Object> entryData;
    private Map<String, Object> variables;

    Scope(
        LoadedJourney loaded,
        String stage,
        String arm,
        Action action,
        Map<String, Object> entryData) {
      this.loaded = loaded;
      this.stage = stage;
      this.arm = arm;
      this.action = action;
      this.entryData = entryData;
    }

    Rendering render(String source) {
      if (source == null) {
        return NOTHING;
      }
      CompiledTemplate template = loaded.template(source);
      if (template.isLiteral()) {
        return new Rendering(source, List.of(), null);
      }
      if (variables == null) {
        variables = variables(loaded, stage, arm, entryData);
      }
      Rendering rendering = template.render(variables);
      report(loaded, action, rendering);
      return rendering;
    }
  }

  private static final Rendering NOTHING = new Rendering("", List.of(), null);

  private static Rendered failed(String what, Rendering rendering) {
    return new Rendered(
        null, null, "the template of its " + what + " stopped: " + rendering.stopped());
  }

  private void report(LoadedJourney loaded, Action action, Rendering rendering) {
    for (String variable : rendering.missing()) {
      watcher.missingVariable(loaded.journey().name(), action.name(), variable);
    }
  }

  private Map<String, Object> variables(
      LoadedJourney loaded, String stage, String arm, Map<String, Object> entryData) {
    Map<String, Object> variables = new HashMap<>(16);
    variables.put("customer", customerVariables());
    if (event != null) {
      variables.put("event", eventVariables());
    }
    variables.put(
        "journey", Map.of("name", loaded.journey().name(), "version", loaded.journey().version()));
    variables.put("stage", stage);
    variables.put("arm", arm);
    // What an API-triggered entry carried (POST /v1/journeys/{name}/entries); empty otherwise.
    variables.put("entry", Map.of("data", entryData == null ? Map.of() : entryData));
    return variables;
  }

  private Map<String, Object> customerVariables() {
    Map<String, Object> traitsNow = traits.get();
    if (customerVariables == null || traitsNow != traitsOfVariables) {
      Map<String, Object> variables = new HashMap<>(8);
      variables.put("id", customer.customerId());
      variables.put("traits", traitsNow);
      traitsOfVariables = traitsNow;
      List<Map<String, Object>> groups = new ArrayList<>(customer.groups().size());
      customer.groups().forEach((id, traits) -> groups.add(Map.of("id", id, "traits", traits)));
      variables.put("groups", groups);
      // The current group, as conditions see it: the latest group call's.
      Map.Entry<String, Map<String, Object>> current = customer.group();
      variables.put(
          "group",
          current == null
              ? Map.of("traits", Map.of())
              : Map.of("id", current.getKey(), "traits", current.getValue()));
      customerVariables = variables;
    }
    return customerVariables;
  }

  private Map<String, Object> eventVariables() {
    if (eventVariables == null) {
      Map<String, Object> variables = new LinkedHashMap<>(8);
      variables.put("name", event.name());
      if (event.channel() != null) {
        variables.put("channel", event.channel());
      }
      variables.put("properties", event.properties() == null ? Map.of() : event.properties());
      if (event.timestamp() != null) {
        variables.put("timestamp", event.timestamp().toString());
      }
      eventVariables = variables;
    }
    return eventVariables;
  }
}
