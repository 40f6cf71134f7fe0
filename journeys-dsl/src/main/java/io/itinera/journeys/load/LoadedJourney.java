package io.itinera.journeys.load;

import io.itinera.journeys.condition.CompiledCondition;
import io.itinera.journeys.condition.CompiledCondition.Verdict;
import io.itinera.journeys.condition.CustomerFacts;
import io.itinera.journeys.condition.EventFacts;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.template.CompiledTemplate;
import io.itinera.journeys.template.TemplateCompiler;
import io.itinera.journeys.template.TemplateCompiler.Compilation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A journey that passed validation, with its conditions compiled beside it: the model stays plain
 * data while the engine evaluates conditions without compiling anything per touchpoint.
 */
public final class LoadedJourney {

  private final Journey journey;
  private final Map<String, CompiledCondition> conditions;
  private final Map<String, CompiledTemplate> templates;
  private final TemplateCompiler templateCompiler;

  /** Templates in places the checks did not walk, parsed on first use. */
  private final Map<String, CompiledTemplate> lateTemplates = new ConcurrentHashMap<>();

  LoadedJourney(
      Journey journey,
      Map<String, CompiledCondition> conditions,
      Map<String, CompiledTemplate> templates,
      TemplateCompiler templateCompiler) {
    this.journey = journey;
    this.conditions = Map.copyOf(conditions);
    this.templates = Map.copyOf(templates);
    this.templateCompiler = templateCompiler;
  }

  public Journey journey() {
    return journey;
  }

  /** Whether {@code condition} holds; an absent condition always does. */
  public boolean holds(Condition condition, EventFacts event, CustomerFacts customer) {
    return verdict(condition, event, customer) == Verdict.HOLDS;
  }

  /** The same, telling a condition stopped at a limit from a false one. */
  public Verdict verdict(Condition condition, EventFacts event, CustomerFacts customer) {
    return condition == null ? Verdict.HOLDS : compiled(condition).evaluate(event, customer);
  }

  /** The compiled form of one of this journey's conditions. */
  public CompiledCondition compiled(Condition condition) {
    CompiledCondition compiled = conditions.get(condition.source());
    if (compiled == null) {
      throw new IllegalArgumentException(
          "not a condition of journey " + journey.name() + ": " + condition.source());
    }
    return compiled;
  }

  /**
   * The parsed form of one of this journey's templates (an action's param or content), parsed at
   * load. One the load did not see is parsed now and kept; one that does not parse renders as its
   * text, since the load would have refused it had it seen it.
   */
  public CompiledTemplate template(String source) {
    CompiledTemplate parsed = templates.get(source);
    if (parsed != null) {
      return parsed;
    }
    return lateTemplates.computeIfAbsent(
        source,
        text ->
            templateCompiler.compile(text) instanceof Compilation.Compiled compiled
                ? compiled.template()
                : CompiledTemplate.literal(text));
  }
}
