package io.itinera.journeys.load;

import io.itinera.journeys.condition.ConditionCompiler;
import io.itinera.journeys.condition.ConditionLimits;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.parse.JourneyParser;
import io.itinera.journeys.parse.ParsedJourney;
import io.itinera.journeys.parse.SourceMap;
import io.itinera.journeys.validate.JourneyValidator;
import io.itinera.journeys.validate.JourneyValidator.Validation;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parses, validates and compiles journeys: the one entry point for the CLI and the engine. Building
 * the CEL environment is the costly part, so one loader is meant to be kept and reused.
 */
public final class JourneyLoader {

  private final JourneyValidator validator;

  public JourneyLoader() {
    this(ConditionLimits.DEFAULT);
  }

  /** A loader whose conditions are held to {@code limits}, at load and when evaluated. */
  public JourneyLoader(ConditionLimits limits) {
    this.validator = new JourneyValidator(new ConditionCompiler(limits));
  }

  public LoadResult load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException notUtf8) {
      return failed(file.toString(), "the file is not UTF-8 text; save it as UTF-8");
    } catch (IOException unreadable) {
      return failed(file.toString(), "cannot read the file: " + unreadable.getMessage());
    }
    return load(file.toString(), text);
  }

  public LoadResult load(String file, String text) {
    ParsedJourney parsed = JourneyParser.parse(text);
    if (parsed.journey() == null) {
      return new LoadResult(file, null, sorted(parsed.problems()));
    }
    boolean complete = parsed.problems().isEmpty();
    Validation validation = validator.validate(parsed.journey(), parsed.sourceMap(), complete);
    List<Diagnostic> problems = new ArrayList<>(parsed.problems());
    problems.addAll(validation.problems());
    return result(file, parsed.journey(), validation, problems);
  }

  /** Validates a journey built in Java; its problems have no position. */
  public LoadResult load(Journey journey) {
    Validation validation = validator.validate(journey, SourceMap.EMPTY, true);
    return result(journey.name(), journey, validation, validation.problems());
  }

  private LoadResult result(
      String file, Journey journey, Validation validation, List<Diagnostic> problems) {
    List<Diagnostic> ordered = sorted(problems);
    boolean ok = ordered.stream().noneMatch(Diagnostic::isError);
    return new LoadResult(
        file,
        ok
            ? new LoadedJourney(
                journey,
                validation.conditions(),
                validation.templates(),
                validator.templateCompiler())
            : null,
        ordered);
  }

  private static List<Diagnostic> sorted(List<Diagnostic> problems) {
    return problems.stream().sorted(Comparator.comparing(Diagnostic::position)).toList();
  }

  private static LoadResult failed(String file, String message) {
    return new LoadResult(file, null, List.of(Diagnostic.error(Position.UNKNOWN, message)));
  }
}
