package io.itinera.journeys.validate;

import io.itinera.journeys.condition.CompiledCondition;
import io.itinera.journeys.condition.ConditionCompiler;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.parse.SourceMap;
import io.itinera.journeys.template.CompiledTemplate;
import io.itinera.journeys.template.TemplateCompiler;
import java.util.List;
import java.util.Map;

/**
 * The checks that need the whole journey: references between stages, triggers that cannot fire,
 * caps that contradict each other, and every CEL condition type-checked. It runs the same on parsed
 * and on Java-built journeys; only the positions differ.
 */
public final class JourneyValidator {

  /**
   * The channels the gateway integrates; others are legal (custom integrations) but likely typos.
   */
  public static final List<String> KNOWN_CHANNELS =
      List.of("web", "app", "email", "sms", "push", "support", "pos");

  private final ConditionCompiler compiler;
  private final TemplateCompiler templates = new TemplateCompiler();

  public JourneyValidator(ConditionCompiler compiler) {
    this.compiler = compiler;
  }

  /**
   * @param complete false when the parser already dropped parts of the journey; reachability is
   *     then not judged, since a dropped trigger may be the one that reaches a stage
   */
  public Validation validate(Journey journey, SourceMap sourceMap, boolean complete) {
    Check check = new Check(journey, sourceMap, compiler);
    ReferenceChecks references = new ReferenceChecks(check);
    CapChecks caps = new CapChecks(check);
    references.names();
    references.entry();
    TriggerChecks triggers = new TriggerChecks(check);
    triggers.stages();
    new BranchChecks(check, triggers).branches();
    WaitChecks.journeyZone(check);
    SplitChecks splits = new SplitChecks(check);
    splits.splits();
    splits.segments();
    if (complete) {
      references.reachability();
    }
    references.exitsAndGoal();
    caps.caps();
    caps.quietHours();
    holdout(check);
    new TemplateChecks(check, templates).templates();
    return new Validation(
        List.copyOf(check.problems), Map.copyOf(check.compiled), Map.copyOf(check.templates));
  }

  private static void holdout(Check check) {
    Journey journey = check.journey;
    if (journey.holdoutPercent() > 50 && journey.holdoutPercent() < 100) {
      check.warning(
          check.at("holdout"),
          "a holdout of "
              + journey.holdoutPercent()
              + "% keeps most customers out of the journey; holdouts are usually 5% to 20%");
    }
  }

  /**
   * Problems found, and every condition and template compiled, each keyed by its source text.
   *
   * @param templates the Liquid templates of action params and content
   */
  public record Validation(
      List<Diagnostic> problems,
      Map<String, CompiledCondition> conditions,
      Map<String, CompiledTemplate> templates) {}

  /** The compiler templates are parsed with, shared with journeys whose templates it missed. */
  public TemplateCompiler templateCompiler() {
    return templates;
  }
}
