package io.itinera.journeys.validate;

import io.itinera.journeys.condition.CompiledCondition;
import io.itinera.journeys.condition.ConditionCompiler;
import io.itinera.journeys.condition.ConditionCompiler.CelError;
import io.itinera.journeys.condition.ConditionCompiler.CelWarning;
import io.itinera.journeys.condition.ConditionCompiler.Compilation;
import io.itinera.journeys.condition.ConditionScope;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.diagnostic.Suggestions;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.parse.SourceMap;
import io.itinera.journeys.template.CompiledTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validation run over one journey: the journey, where its parts sit, the problems found so far
 * and the conditions compiled, with the small checks several kinds of check share (a condition, a
 * channel name, a stage reference).
 */
final class Check {
  final Journey journey;
  final SourceMap sourceMap;
  final List<Diagnostic> problems = new ArrayList<>();
  final Map<String, CompiledCondition> compiled = new HashMap<>();
  final Map<String, CompiledTemplate> templates = new HashMap<>();
  final Set<String> stageNames = new LinkedHashSet<>();
  final Set<String> exitEvents = new HashSet<>();
  private final ConditionCompiler compiler;

  /**
   * Once a condition exceeded the limits while folded, the journey is refused anyway: the rest are
   * not folded, so a file of many costly conditions costs one timeout, not one each.
   */
  private boolean folding = true;

  Check(Journey journey, SourceMap sourceMap, ConditionCompiler compiler) {
    this.journey = journey;
    this.sourceMap = sourceMap;
    this.compiler = compiler;
    journey.stages().forEach(stage -> stageNames.add(stage.name()));
    journey.exits().stream()
        .filter(exit -> exit.when() == null)
        .forEach(exit -> exitEvents.add(exit.event()));
  }

  void channel(String channel, Position where) {
    if (!JourneyValidator.KNOWN_CHANNELS.contains(channel)) {
      String hint =
          Suggestions.closest(channel, JourneyValidator.KNOWN_CHANNELS)
              .map(c -> "did you mean '" + c + "'? ")
              .orElse("");
      warning(
          where,
          "unknown channel '"
              + channel
              + "'; "
              + hint
              + "the gateway knows "
              + String.join(", ", JourneyValidator.KNOWN_CHANNELS));
    }
  }

  /** Compiles a condition, reports its errors at their column, and returns its constant value. */
  Boolean condition(Condition condition, String path, ConditionScope scope) {
    if (condition == null) {
      return null;
    }
    Compilation compilation = compiler.compile(condition.source(), scope, folding);
    if (compilation instanceof Compilation.Failed failed) {
      folding &= !failed.overLimit();
      for (CelError cel : failed.errors()) {
        error(
            sourceMap.condition(path, cel.line(), cel.column()),
            "condition error: " + cel.message());
      }
      return null;
    }
    Compilation.Compiled ok = (Compilation.Compiled) compilation;
    compiled.put(condition.source(), ok.condition());
    for (CelWarning cel : ok.warnings()) {
      warning(sourceMap.condition(path, cel.line(), cel.column()), "condition: " + cel.message());
    }
    if (Boolean.TRUE.equals(ok.constant())) {
      warning(at(path), "this condition is always true; remove it");
    }
    return ok.constant();
  }

  /** Compiles a trait value ({@code set}), folding as conditions are while within the limits. */
  Compilation compileValue(String source, ConditionScope scope) {
    Compilation compilation = compiler.compileValue(source, scope, folding);
    if (compilation instanceof Compilation.Failed failed) {
      folding &= !failed.overLimit();
    }
    return compilation;
  }

  String unknownStage(String what, String stage) {
    String hint =
        Suggestions.closest(stage, stageNames)
            .map(s -> "did you mean '" + s + "'?")
            .orElse("the stages are " + String.join(", ", stageNames));
    return what + " names stage '" + stage + "', which does not exist; " + hint;
  }

  String stagePath(Stage stage) {
    return sourceMap.pathOf(stage, SourceMap.stage(stage.name()));
  }

  Position at(String path) {
    return sourceMap.at(path);
  }

  void error(Position where, String message) {
    problems.add(Diagnostic.error(where, message));
  }

  void warning(Position where, String message) {
    problems.add(Diagnostic.warning(where, message));
  }
}
